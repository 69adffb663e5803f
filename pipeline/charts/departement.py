"""Charts of the département pages: one small function per chart, each from page-model objects.

Why from page models (pipeline.pages, typed and renderer-neutral; not from the frames): the site, the
PDF images and the accessible tables under each chart are then drawn from the very same numbers.
"""

from __future__ import annotations

import plotly.graph_objects as go

from pipeline.charts.bars import donut, hbar
from pipeline.charts.style import GRID, TEXT, base_layout, wrap
from pipeline.fmt import fmt_int, fmt_pct, fmt_share
from pipeline.pages.models import Departement, Share
from pipeline.pages.palette import DOMAINE_HUES, NOT_REQUESTED, text_on


def domaine_donut(dep: Departement) -> go.Figure:
    """The six domaines of the guide de l'ingénierie publique, share of missions."""
    return donut(dep.domaines, height=400)


def thematique_bars(dep: Departement) -> go.Figure:
    """Thématiques, grouped by domaine (data/ref order), shaded within the domaine's hue."""
    return hbar(dep.thematiques, label_width=26)


def prestation_bars(dep: Departement) -> go.Figure:
    """Types of prestation, from advice to delegated project ownership (short labels, full in hover)."""
    return hbar(dep.prestations, label_width=26)


def partenaire_bars(dep: Departement) -> go.Figure:
    """Missions per partner; Département services and external partners in two colours."""
    return hbar(dep.partenaires, label_width=24, use_short=False)


def partenaire_type_donut(dep: Departement) -> go.Figure:
    """CD26 services vs external partners (38 % / 62 % in 2021)."""
    return donut(dep.partenaire_types, height=300)


def taille_communes_bars(dep: Departement) -> go.Figure:
    """Per size class: communes that made a request (coloured) over all communes of the class (grey);
    the counts go in the category label, the bar carries only the share (short enough for a phone)."""
    rows = dep.taille
    y = [f"{r.classe}<br><span style='font-size:11px'>{fmt_int(r.communes_demandeuses)} sur "
         f"{fmt_int(r.communes_total)}</span>" for r in rows][::-1]
    fig = go.Figure([
        go.Bar(y=y, x=[r.communes_total for r in rows][::-1], orientation="h", marker={"color": NOT_REQUESTED},
               hoverinfo="skip", text=[fmt_share(r.pct_communes, r.communes_demandeuses) for r in rows][::-1],
               textposition="outside", cliponaxis=False, outsidetextfont={"color": TEXT}),
        go.Bar(y=y, x=[r.communes_demandeuses for r in rows][::-1], orientation="h",
               marker={"color": [r.color for r in rows][::-1]},
               hovertext=[f"{r.classe}<br>{fmt_int(r.communes_demandeuses)} communes demandeuses sur "
                          f"{fmt_int(r.communes_total)} ({fmt_share(r.pct_communes, r.communes_demandeuses)})"
                          for r in rows][::-1],
               hovertemplate="%{hovertext}<extra></extra>"),
    ])
    base_layout(fig, height=40 + 56 * len(rows))
    top = max((r.communes_total for r in rows), default=1)
    fig.update_layout(barmode="overlay", bargap=0.25)
    fig.update_xaxes(visible=False, range=[0, top * 1.22])
    return fig


def taille_demandes_donut(dep: Departement) -> go.Figure:
    """Share of the communes' demandes by size class (the report's 62 % / 31 %)."""
    shares = [Share(r.classe, r.demandes, r.pct_demandes, r.color) for r in dep.taille if r.demandes]
    return donut(shares, unit="demandes", height=320)


def domaine_prestation_stacked(dep: Departement) -> go.Figure:
    """100 % stacked bars: the mix of prestations within each domaine."""
    rows = dep.domaine_prestation
    domaines = list(dict.fromkeys(r.domaine for r in rows))
    prestations = list(dict.fromkeys(r.prestation for r in rows))
    y = [wrap(d, 24) for d in domaines][::-1]
    traces = []
    for p in prestations:
        cells = {r.domaine: r for r in rows if r.prestation == p}
        first = next(iter(cells.values()))
        vals = [cells[d].pct if d in cells else 0 for d in domaines][::-1]
        traces.append(go.Bar(
            y=y, x=vals, orientation="h", name=wrap(first.short, 40), marker={"color": first.color},
            text=[fmt_pct(v) if v >= 6 else "" for v in vals], textposition="inside",
            insidetextanchor="middle", textangle=0, textfont={"color": text_on(first.color)},
            hovertext=[f"{d}<br>{p} : {fmt_share(cells[d].pct, cells[d].count)} ({fmt_int(cells[d].count)} missions)"
                       if d in cells else "" for d in domaines][::-1],
            hovertemplate="%{hovertext}<extra></extra>"))
    fig = go.Figure(traces)
    base_layout(fig, height=150 + 48 * len(domaines), legend=True)
    # segments too narrow for their label hide it (the table under the chart has every value); the
    # axis is the whole 0–100 % (ticks above the bars, the legend below: they never collide)
    fig.update_layout(barmode="stack", bargap=0.3, legend={"traceorder": "normal", "y": -0.02, "yanchor": "top"},
                      uniformtext={"minsize": 9, "mode": "hide"}, margin={"t": 28})
    ticks = [0, 25, 50, 75, 100]
    fig.update_xaxes(range=[0, 100], gridcolor=GRID, tickvals=ticks, ticktext=[fmt_pct(t) for t in ticks],
                     side="top", showline=False, zeroline=False, fixedrange=True)
    fig.update_layout(margin={"t": 28, "r": 22})
    fig.update_yaxes(automargin=True, fixedrange=True)
    return fig


def epci_bars(dep: Departement) -> go.Figure:
    """Demandes per EPCI: its communes' demandes and the EPCI's own, stacked."""
    rows = [r for r in dep.epci if r.demandes][::-1]
    y = [wrap(r.nom, 32) for r in rows]
    fig = go.Figure([
        go.Bar(y=y, x=[r.demandes_communes for r in rows], orientation="h", name="Demandes des communes",
               marker={"color": DOMAINE_HUES["Numérique"]},
               hovertext=[f"{r.nom}<br>{fmt_int(r.demandes_communes)} demandes de "
                          f"{fmt_int(r.communes_demandeuses)} communes" for r in rows],
               hovertemplate="%{hovertext}<extra></extra>"),
        go.Bar(y=y, x=[r.demandes_epci for r in rows], orientation="h", name="Demandes de l'EPCI",
               marker={"color": DOMAINE_HUES["Aménagement, logement, habitat, voirie et énergie"]},
               text=[fmt_int(r.demandes) for r in rows], textposition="outside", cliponaxis=False,
               hovertext=[f"{r.nom}<br>{fmt_int(r.demandes_epci)} demandes de l'EPCI" for r in rows],
               hovertemplate="%{hovertext}<extra></extra>"),
    ])
    base_layout(fig, height=90 + 36 * len(rows), legend=True)
    top = max((r.demandes for r in rows), default=1)
    fig.update_layout(barmode="stack", bargap=0.25, legend={"y": -0.02, "traceorder": "normal"})
    fig.update_xaxes(visible=False, range=[0, top * 1.15])
    fig.update_yaxes(automargin=True, tickfont={"size": 11})
    # the total is printed once, after the stack (on the EPCI trace, whose base is the communes' bar)
    return fig


def trends_lines(dep: Departement) -> go.Figure:
    """Demandes, missions and communes demandeuses per loaded year."""
    years = [t.annee for t in dep.trends]
    fig = go.Figure()
    # missions ≥ demandes: their labels go above the line, the demandes' below, so they never cross
    for attr, name, colour, pos in (("demandes", "Demandes", "#0072B2", "bottom center"),
                                    ("missions", "Missions", "#E69F00", "top center"),
                                    ("communes_demandeuses", "Communes demandeuses", "#009E73", "top center")):
        vals = [getattr(t, attr) for t in dep.trends]
        fig.add_trace(go.Scatter(x=years, y=vals, name=name, mode="lines+markers+text",
                                 line={"color": colour, "width": 3}, marker={"size": 8},
                                 text=[fmt_int(v) for v in vals], textposition=pos, cliponaxis=False,
                                 hovertemplate=f"{name} %{{x}} : %{{text}}<extra></extra>"))
    base_layout(fig, height=340, legend=True)
    fig.update_xaxes(tickvals=years, ticktext=[str(y) for y in years], showgrid=False,
                     range=[min(years) - 0.3, max(years) + 0.3])
    top = max(max(t.demandes, t.missions) for t in dep.trends)
    fig.update_yaxes(range=[0, top * 1.15], gridcolor=GRID, tickformat=",d")
    fig.update_layout(margin={"t": 24})
    return fig


def trends_domaine_bars(dep: Departement) -> go.Figure:
    """Share of missions per domaine, one stacked bar per year."""
    years = sorted({r["annee"] for r in dep.trends_domaine})
    domaines = list(dict.fromkeys(r["domaine"] for r in dep.trends_domaine))
    fig = go.Figure()
    for d in domaines:
        cells = {r["annee"]: r for r in dep.trends_domaine if r["domaine"] == d}
        vals = [cells[y]["pct"] if y in cells else 0 for y in years]
        fig.add_trace(go.Bar(x=[str(y) for y in years], y=vals, name=wrap(d, 30),
                             marker={"color": DOMAINE_HUES.get(d, "#8C8C8C")},
                             text=[fmt_pct(v) if v >= 5 else "" for v in vals], textposition="inside",
                             textfont={"color": text_on(DOMAINE_HUES.get(d, "#8C8C8C"))},
                             textangle=0,
                             hovertext=[f"{d} {y} : {fmt_pct(cells[y]['pct'])} "
                                        f"({fmt_int(cells[y]['missions'])} missions)" if y in cells else ""
                                        for y in years],
                             hovertemplate="%{hovertext}<extra></extra>"))
    base_layout(fig, height=420, legend=True)
    fig.update_layout(barmode="stack", bargap=0.4, uniformtext={"minsize": 9, "mode": "hide"})
    fig.update_yaxes(range=[0, 100], ticksuffix="\u202f%", gridcolor=GRID)
    return fig
