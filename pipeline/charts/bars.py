"""The two chart shapes every page uses: labelled horizontal bars and a donut.

Why shared: the département and canton charts differ only by their data; one implementation keeps the
labels (French percent, the tables' R2 percentages — never Plotly's own rounding), hover texts and
sizes identical everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from pipeline.charts.style import MUTED, TEXT, base_layout, sup, wrap
from pipeline.fmt import fmt_int, fmt_share
from pipeline.pages.models import Share
from pipeline.pages.palette import text_on

BAR_ROW_PX = 34


def hover(share: Share, unit: str) -> str:
    """Hover text of a share: full label, count and percent, French formatted."""
    return f"{sup(share.label)}<br>{fmt_int(share.count)} {unit} · {fmt_share(share.pct, share.count)}"


def hbar(shares: Sequence[Share], unit: str = "missions", label_width: int = 30, use_short: bool = True) -> go.Figure:
    """Horizontal bars, first share on top; bar length = count, label = 'pct (count)'.

    Bars are sized by count so two charts of one page compare; the printed text is the whole
    percent of the report with the count beside it.
    """
    shares = list(shares)
    labels = [wrap(s.short or s.label if use_short else s.label, label_width) for s in shares]
    fig = go.Figure(go.Bar(
        y=labels[::-1], x=[s.count for s in shares][::-1], orientation="h",
        marker={"color": [s.color for s in shares][::-1], "line": {"width": 0}},
        text=[f"{fmt_share(s.pct, s.count)} ({fmt_int(s.count)})" for s in shares][::-1],
        # always after the bar, in dark ink on white (contrast ≥ 4.5:1 whatever the bar's colour); the
        # axis leaves room for the longest label even on a phone's narrow plot area
        textposition="outside", cliponaxis=False, textangle=0, outsidetextfont={"color": TEXT},
        insidetextfont={"color": [text_on(s.color) for s in shares][::-1]},
        hovertext=[hover(s, unit) for s in shares][::-1], hovertemplate="%{hovertext}<extra></extra>",
    ))
    top = max((s.count for s in shares), default=1)
    n_lines = sum(max(1, lab.count("<br>") + 1) for lab in labels)
    base_layout(fig, height=max(120, 30 + BAR_ROW_PX * len(shares) + 8 * (n_lines - len(shares))))
    fig.update_xaxes(visible=False, range=[0, top * 1.62])
    fig.update_yaxes(tickfont={"size": 12}, automargin=True)
    fig.update_layout(bargap=0.28, uniformtext={"minsize": 10, "mode": "show"})
    return fig


def donut(shares: Sequence[Share], unit: str = "missions", height: int = 380, legend_width: int = 40) -> go.Figure:
    """A donut with the report's whole percents on the slices and a legend below (phone-friendly)."""
    shares = list(shares)
    fig = go.Figure(go.Pie(
        labels=[wrap(s.short or s.label, legend_width) for s in shares],
        values=[s.count for s in shares], hole=0.55, sort=False, direction="clockwise", rotation=0,
        marker={"colors": [s.color for s in shares], "line": {"color": "white", "width": 1.5}},
        text=[fmt_share(s.pct, s.count) if s.pct >= 3 else "" for s in shares], textinfo="text",
        textposition="inside", insidetextorientation="horizontal",
        insidetextfont={"color": [text_on(s.color) for s in shares]},
        hovertext=[hover(s, unit) for s in shares], hovertemplate="%{hovertext}<extra></extra>",
    ))
    base_layout(fig, height=height, legend=True)
    fig.update_layout(legend={"y": -0.02, "traceorder": "normal"}, uniformtext={"minsize": 10, "mode": "hide"})
    return fig


def empty(message: str = "Aucune donnée pour cette année.") -> go.Figure:
    """A placeholder figure (a canton with no demande) rather than a broken chart."""
    fig = go.Figure()
    base_layout(fig, height=120)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    fig.add_annotation(text=message, showarrow=False, font={"color": MUTED})
    return fig

