"""Shared look of every Plotly figure, and how a figure is embedded in a page.

Why here: the site and the PDF must format numbers the French way (`separators`), use the same
fonts, and embed figures without loading anything from outside — one place sets that for all charts.
"""

from __future__ import annotations

import textwrap

import plotly.graph_objects as go

from pipeline.fmt import PLOTLY_SEPARATORS

FONT_FAMILY = '"Liberation Sans", "Helvetica Neue", Arial, "DejaVu Sans", sans-serif'
TEXT = "#1F2937"
MUTED = "#6B7280"
GRID = "#E5E7EB"

# Passed to Plotly.newPlot in the site. `locale: fr` uses assets/plotly-locale-fr.js (bundled, tiny);
# the logo link and the lasso/select tools make no sense for these charts.
PLOTLY_CONFIG = {
    "displaylogo": False,
    "locale": "fr",
    "responsive": True,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d", "toggleSpikelines",
                               "hoverClosestCartesian", "hoverCompareCartesian"],
    "toImageButtonOptions": {"format": "svg"},
}


def wrap(label: str, width: int = 28) -> str:
    """Break a long category label over lines (Plotly only breaks on <br>)."""
    return "<br>".join(textwrap.wrap(label, width)) or label


def base_layout(fig: go.Figure, height: int, legend: bool = False, **extra) -> go.Figure:
    """French separators, fonts, tight margins, white background; no in-chart title (the page has it)."""
    fig.update_layout(
        template="none",   # our own look; also keeps Plotly's default template (6 KB) out of every page
        separators=PLOTLY_SEPARATORS,
        font={"family": FONT_FAMILY, "size": 13, "color": TEXT},
        margin={"l": 8, "r": 8, "t": 8, "b": 8},
        height=height,
        paper_bgcolor="white",
        plot_bgcolor="white",
        showlegend=legend,
        hoverlabel={"font": {"family": FONT_FAMILY}},
        legend={"orientation": "h", "yanchor": "top", "y": -0.08, "xanchor": "left", "x": 0,
                "font": {"size": 12}},
        **extra,
    )
    # template "none" drops Plotly's automargin: without it long tick labels are clipped
    fig.update_xaxes(automargin=True)
    fig.update_yaxes(automargin=True)
    return fig


def to_div(fig: go.Figure, div_id: str) -> str:
    """The figure as a <div> + <script> for a page that already loads plotly.min.js once.

    include_plotlyjs=False: the site ships one shared assets/plotly.min.js; include_mathjax=False:
    nothing may be fetched from a CDN.
    """
    # Bars and donuts have their data table under them; their mode bar only hid the top labels.
    # Maps keep it (zoom).
    is_map = any(t.type in ("choropleth", "scattergeo") for t in fig.data)
    config = PLOTLY_CONFIG if is_map else {**PLOTLY_CONFIG, "displayModeBar": False}
    return fig.to_html(full_html=False, include_plotlyjs=False, include_mathjax=False,
                       config=config, div_id=div_id, default_width="100%",
                       default_height=f"{fig.layout.height or 400}px")
