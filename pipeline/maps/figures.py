"""Maps of the report (Plotly geo choropleths over the data/ref geometry): one function per map.

Why `go.Choropleth` with inline GeoJSON and `fitbounds`: it needs no tiles and no network (the base map
is hidden and its topojson is a local stub, see geometry.STUB_TOPOLOGY), renders the same in the
browser and in kaleido for the PDF, and zooms on the Drôme or on one canton by itself.
"""

from __future__ import annotations

import plotly.graph_objects as go
import shapely

from pipeline.charts.style import MUTED, base_layout
from pipeline.fmt import fmt_int
from pipeline.maps.geometry import Geometry, feature_collection
from pipeline.pages.models import CantonPage, Departement
from pipeline.pages.palette import COUNT_SCALE, NOT_REQUESTED
from pipeline.ref import RefYear

LINE = {"color": "white", "width": 0.6}


def _geo_layout(fig: go.Figure, height: int, bounds, legend: bool = False) -> go.Figure:
    """Hide the base map and frame the drawn features (Mercator, no drag).

    Explicit lon/lat ranges (bounds = minx, miny, maxx, maxy) fill the figure better than
    `fitbounds`, which leaves wide empty bands around a tall shape like the Drôme.
    """
    base_layout(fig, height=height, legend=legend)
    pad_x = (bounds[2] - bounds[0]) * 0.03 + 0.005
    pad_y = (bounds[3] - bounds[1]) * 0.03 + 0.005
    fig.update_geos(visible=False, projection_type="mercator", bgcolor="rgba(0,0,0,0)",
                    lonaxis_range=[bounds[0] - pad_x, bounds[2] + pad_x],
                    lataxis_range=[bounds[1] - pad_y, bounds[3] + pad_y])
    fig.update_layout(margin={"l": 0, "r": 0, "t": 0, "b": 0}, dragmode=False)
    return fig


def aspect_height(bounds, map_width: int, lo: int = 280, hi: int = 560) -> int:
    """Figure height (px) that fits features of these lon/lat bounds at map_width in Mercator."""
    import math
    lat = math.radians((bounds[1] + bounds[3]) / 2)
    w = max(bounds[2] - bounds[0], 1e-6) * math.cos(lat)
    h = max(bounds[3] - bounds[1], 1e-6)
    return int(min(hi, max(lo, map_width * h / w * 1.06)))


def _subset(fc: dict, ids: list[str]) -> dict:
    """Only the features a trace draws: each trace embeds its own GeoJSON in the page."""
    keep = set(ids)
    return {"type": "FeatureCollection", "features": [f for f in fc["features"] if f["id"] in keep]}


def _colorbar(title: str) -> dict:
    return {"title": {"text": title, "side": "top"}, "thickness": 12, "len": 0.6, "x": 1.0,
            "tickformat": ",d", "outlinewidth": 0}


def _single_colour(fig: go.Figure, geojson: dict, ids: list[str], texts: list[str], colour: str, name: str,
                   legend: bool = True, line: dict | None = None) -> None:
    """A categorical layer: every feature of ids painted one colour, one legend entry."""
    if not ids:
        return
    fig.add_trace(go.Choropleth(
        geojson=_subset(geojson, ids), locations=ids, z=[1] * len(ids), colorscale=[[0, colour], [1, colour]],
        showscale=False, name=name, showlegend=legend, marker={"line": line or LINE},
        hovertext=texts, hovertemplate="%{hovertext}<extra></extra>"))


def canton_demandes_map(dep: Departement, geo: Geometry, labels: bool = True) -> go.Figure:
    """Demandes per canton (choropleth), canton names and counts written on the larger cantons."""
    fc = feature_collection(geo.cantons, "code")
    rows = {c.code: c for c in dep.cantons}
    codes = [str(c) for c in geo.cantons["code"]]
    z = [rows[c].demandes if c in rows else 0 for c in codes]
    text = [f"{rows[c].label}<br>{fmt_int(rows[c].demandes)} demandes · "
            f"{fmt_int(rows[c].communes_concernees)} communes" if c in rows else c for c in codes]
    fig = go.Figure(go.Choropleth(
        geojson=fc, locations=codes, z=z, colorscale=COUNT_SCALE, zmin=0, marker={"line": LINE},
        colorbar=_colorbar("Demandes"), hovertext=text, hovertemplate="%{hovertext}<extra></extra>"))
    if labels:
        pts = geo.centroids("cantons", "code")
        areas = dict(zip(codes, shapely.area(geo.cantons.geometry.values), strict=True))   # square degrees: a rough size
        big = [c for c in codes if areas[c] > 0.02 and c in rows]     # Valence 1–4 etc. are too small
        fig.add_trace(go.Scattergeo(
            lon=[pts[c][0] for c in big], lat=[pts[c][1] for c in big], mode="text", hoverinfo="skip",
            text=[f"{rows[c].label}<br><b>{fmt_int(rows[c].demandes)}</b>" for c in big],
            textfont={"size": 10, "color": ["white" if rows[c].demandes > 0.55 * max(z) else "#111827"
                                            for c in big]}, showlegend=False))
    return _geo_layout(fig, 560, geo.cantons.total_bounds)


def communes_classe_map(dep: Departement, ref_year: RefYear, geo: Geometry) -> go.Figure:
    """Communes that made a request, coloured by size class; the others light grey."""
    fc = feature_collection(geo.communes, "code_insee")
    names = dict(zip(geo.communes["code_insee"], geo.communes["nom"], strict=True))
    requested = {c.code_insee: c.demandes for c in dep.communes}
    classes = dict(ref_year.communes.select("code_insee", "classe").iter_rows())
    fig = go.Figure()
    for row in dep.taille:
        ids = [c for c in requested if classes.get(c) == row.classe and c in names]
        _single_colour(fig, fc, ids, [f"{names[c]} ({row.classe})<br>{fmt_int(requested[c])} demandes"
                                      for c in ids], row.color, row.classe)
    others = [c for c in names if c not in requested]
    _single_colour(fig, fc, others, [f"{names[c]} : pas de demande" for c in others], NOT_REQUESTED,
                   "Pas de demande")
    return _geo_layout(fig, 600, geo.communes.total_bounds, legend=True)


def epci_demandes_map(dep: Departement, geo: Geometry) -> go.Figure:
    """Demandes per EPCI (its communes' and its own); an EPCI straddling départements shows its Drôme part."""
    fc = feature_collection(geo.epci, "siren")
    rows = {r.siren: r for r in dep.epci}
    ids = [str(s) for s in geo.epci["siren"]]
    names = dict(zip(ids, geo.epci["nom"], strict=True))
    fig = go.Figure(go.Choropleth(
        geojson=fc, locations=ids, z=[rows[i].demandes if i in rows else 0 for i in ids], zmin=0,
        colorscale=COUNT_SCALE, marker={"line": LINE}, colorbar=_colorbar("Demandes"),
        hovertext=[f"{rows[i].nom if i in rows else names[i]}<br>{fmt_int(rows[i].demandes if i in rows else 0)}"
                   " demandes" for i in ids],
        hovertemplate="%{hovertext}<extra></extra>"))
    return _geo_layout(fig, 560, geo.epci.total_bounds)


def canton_communes_map(page: CantonPage, ref_year: RefYear, geo: Geometry, height: int | None = None) -> go.Figure:
    """A canton's communes: those with a demande coloured by their number of demandes, others grey.

    Without a height, the figure takes the canton's own proportions (for ~480 px of map width), so a
    wide canton does not float in a tall empty box.
    """
    import polars as pl
    codes = ref_year.communes.filter(pl.col("canton_codes").list.contains(page.code))["code_insee"].to_list()
    sub = geo.canton_communes(page.code, codes, set(page.split_communes))
    fc = feature_collection(sub, "code_insee")
    names = dict(zip(sub["code_insee"], sub["nom"], strict=True))
    dem = {c.code_insee: c.demandes for c in page.communes}
    fig = go.Figure()
    grey = [c for c in names if c not in dem]
    _single_colour(fig, fc, grey, [f"{names[c]} : pas de demande" for c in grey], NOT_REQUESTED,
                   "Pas de demande", legend=False, line={"color": "white", "width": 1})
    ids = [c for c in names if c in dem]
    if ids:
        fig.add_trace(go.Choropleth(
            geojson=_subset(fc, ids), locations=ids, z=[dem[c] for c in ids], zmin=1, zmax=max(*dem.values(), 2),
            colorscale=COUNT_SCALE, marker={"line": {"color": "white", "width": 1}},
            colorbar=_colorbar("Demandes"),
            hovertext=[f"{names[c]}<br>{fmt_int(dem[c])} demande{'s' if dem[c] > 1 else ''}" for c in ids],
            hovertemplate="%{hovertext}<extra></extra>"))
    if height is None:
        height = aspect_height(sub.total_bounds, 480)
    fig = _geo_layout(fig, height, sub.total_bounds)
    if not ids:
        fig.add_annotation(text="Aucune commune demandeuse", showarrow=False, font={"color": MUTED})
    return fig
