"""Shared look of every Plotly figure, and how a figure is embedded in a page.

Why here: the site and the PDF must format numbers the French way (`separators`), use the same
fonts, and embed figures without loading anything from outside — one place sets that for all charts.
"""

from __future__ import annotations

import re
import textwrap

import plotly.graph_objects as go

from pipeline.fmt import PLOTLY_SEPARATORS

FONT_FAMILY = '"Liberation Sans", "Helvetica Neue", Arial, "DejaVu Sans", sans-serif'
TEXT = "#1F2937"
MUTED = "#6B7280"
GRID = "#E5E7EB"

# Passed to Plotly.newPlot in the site. No mode bar at all: its buttons (English tooltips, a link to
# plotly's site, image download) are third-party UI, and focusable controls inside a chart that is an
# image for assistive technology (role="img") are an accessibility error. `locale: fr` translates what
# remains (the double-click hint); hover still shows each value, the table under each chart has them all.
PLOTLY_CONFIG = {
    "displaylogo": False,
    "displayModeBar": False,
    "locale": "fr",
    "responsive": True,
    "scrollZoom": False,
    "doubleClick": False,
    "showTips": False,
}
# A figure whose points carry a canton page in customdata (layout.meta = LINKS_META): a click opens it.
LINKS_META = "liens-cantons"
_LINKS_SCRIPT = """
(function () {
  var d = document.getElementById('{plot_id}');
  var root = document.body.getAttribute('data-root') || '';
  d.on('plotly_click', function (e) {
    var p = e && e.points && e.points[0];
    if (p && p.customdata) { window.location.href = root + p.customdata; }
  });
})();
"""


def wrap(label: str, width: int = 28) -> str:
    """Break a long category label over lines (Plotly only breaks on <br>); ^er^ → <sup>er</sup>."""
    return sup("<br>".join(textwrap.wrap(label, width)) or label)


def sup(text: str) -> str:
    """Superscripts marked ^…^ by pipeline.fmt.ordinal as Plotly's <sup> tags."""
    return re.sub(r"\^([^\^\s<>]{1,8})\^", r"<sup>\1</sup>", text)


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
    links = fig.layout.meta == LINKS_META
    return fig.to_html(full_html=False, include_plotlyjs=False, include_mathjax=False,
                       config=PLOTLY_CONFIG, div_id=div_id, default_width="100%",
                       post_script=_LINKS_SCRIPT if links else None,
                       default_height=f"{fig.layout.height or 400}px")
