"""Maps of the report (Plotly geo choropleths over the data/ref geometry): one function per map.

Why `go.Choropleth` with inline GeoJSON and explicit lon/lat ranges: it needs no tiles and no network
(the base map is hidden and its topojson is a local stub, see geometry.STUB_TOPOLOGY) and renders the
same in the browser and in kaleido for the PDF.

Why discrete classes: counts are whole numbers; each map has a legend of integer ranges, "aucune
demande" is white with an outline (≥ 3:1 against the first class), and the values themselves are in
the table beside every map, so nothing depends on hovering.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import plotly.graph_objects as go
import polars as pl
import shapely

from pipeline.charts.style import LINKS_META, MUTED, base_layout
from pipeline.fmt import fmt_int, plural
from pipeline.maps.geometry import Geometry, feature_collection
from pipeline.pages.models import CantonPage, Departement
from pipeline.pages.palette import COUNT_CLASSES, NEIGHBOUR, NO_REQUEST, NO_REQUEST_LINE, OUTLINE, count_classes
from pipeline.ref import RefYear

LINE = {"color": "white", "width": 0.6}
NO_LINE = {"color": NO_REQUEST_LINE, "width": 0.6}
# the legend's swatch of a white layer is white on white: its name says the colour
NO_REQUEST_NAME = "aucune demande (en blanc)"
SMALL_CANTON = 0.013      # square degrees: below this a canton's number goes outside, on a leader line
KEY_LON_GAP = 0.20        # how far west of the département the numbers of small cantons are set


def _geo_layout(fig: go.Figure, height: int, bounds: Sequence[float], legend: bool = False) -> go.Figure:
    """Hide the base map and frame the given lon/lat box (minx, miny, maxx, maxy); Mercator, no drag."""
    base_layout(fig, height=height, legend=legend)
    pad_x = (bounds[2] - bounds[0]) * 0.03 + 0.005
    pad_y = (bounds[3] - bounds[1]) * 0.03 + 0.005
    fig.update_geos(visible=False, projection_type="mercator", bgcolor="rgba(0,0,0,0)",
                    lonaxis_range=[bounds[0] - pad_x, bounds[2] + pad_x],
                    lataxis_range=[bounds[1] - pad_y, bounds[3] + pad_y])
    # a vertical legend under the map: it never runs off the side of a phone screen
    fig.update_layout(margin={"l": 0, "r": 0, "t": 0, "b": 0}, dragmode=False,
                      legend={"orientation": "v", "y": 0, "yanchor": "top", "x": 0, "font": {"size": 12},
                              "itemclick": False, "itemdoubleclick": False})
    return fig


def aspect_height(bounds: Sequence[float], map_width: int, lo: int = 280, hi: int = 560) -> int:
    """Figure height (px) that fits features of these lon/lat bounds at map_width in Mercator."""
    lat = math.radians((bounds[1] + bounds[3]) / 2)
    w = max(bounds[2] - bounds[0], 1e-6) * math.cos(lat)
    h = max(bounds[3] - bounds[1], 1e-6)
    return int(min(hi, max(lo, map_width * h / w * 1.06)))


def _subset(fc: dict, ids: list[str]) -> dict:
    """Only the features a trace draws: each trace embeds its own GeoJSON in the page."""
    keep = set(ids)
    return {"type": "FeatureCollection", "features": [f for f in fc["features"] if f["id"] in keep]}


def _layer(fig: go.Figure, geojson: dict, ids: list[str], texts: list[str], colour: str, name: str,
           legend: bool = True, line: dict | None = None, links: list[str] | None = None,
           hover: bool = True) -> None:
    """A categorical layer: every feature of ids painted one colour, one legend entry."""
    if not ids:
        return
    fig.add_trace(go.Choropleth(
        geojson=_subset(geojson, ids), locations=ids, z=[1] * len(ids), colorscale=[[0, colour], [1, colour]],
        showscale=False, name=name, showlegend=legend, marker={"line": line or LINE},
        customdata=links, hovertext=texts if hover else None,
        hovertemplate="%{hovertext}<extra></extra>" if hover else None, hoverinfo=None if hover else "skip"))


def _class_label(lo: int, hi: int, unit: str = "demande") -> str:
    return plural(lo, unit) if lo == hi else f"{fmt_int(lo)} à {plural(hi, unit)}"


def _classed(values: dict[str, int]) -> list[tuple[str, str, list[str]]]:
    """(legend label, colour, ids) per class of the non-zero values; an empty class is skipped."""
    bounds = count_classes(max(values.values(), default=0))
    colours = COUNT_CLASSES[-len(bounds):] if len(bounds) < len(COUNT_CLASSES) else COUNT_CLASSES
    if len(bounds) < len(COUNT_CLASSES):       # few classes: spread them over the ramp, lightest first
        colours = [COUNT_CLASSES[round(i * (len(COUNT_CLASSES) - 1) / max(1, len(bounds) - 1))]
                   for i in range(len(bounds))]
    out = []
    for (lo, hi), colour in zip(bounds, colours, strict=True):
        ids = [k for k, v in values.items() if lo <= v <= hi]
        if ids:
            out.append((_class_label(lo, hi), colour, ids))
    return out


def _spread(lats: list[float], gap: float) -> list[float]:
    """Latitudes (sorted north → south) pushed apart to at least `gap`, centred on their middle."""
    out: list[float] = []
    for lat in lats:
        out.append(min(lat, out[-1] - gap) if out else lat)
    shift = ((lats[0] - out[0]) + (lats[-1] - out[-1])) / 2 if out else 0
    return [y + shift for y in out]


def canton_demandes_map(dep: Departement, geo: Geometry) -> go.Figure:
    """Demandes per canton in classes; every canton numbered (its place in the canton list), the small
    urban cantons on leader lines west of the Rhône; a click on a canton opens its page."""
    fc = feature_collection(geo.cantons, "code")
    rows = {c.code: c for c in dep.cantons}
    number = {c.code: i for i, c in enumerate(dep.cantons, start=1)}
    codes = [str(c) for c in geo.cantons["code"] if str(c) in rows]
    fig = go.Figure()

    def texts(ids: list[str]) -> list[str]:
        return [f"{number[c]}. {rows[c].label}<br>{rows[c].demandes_phrase} · {rows[c].communes_phrase}"
                for c in ids]

    none = [c for c in codes if not rows[c].demandes]
    _layer(fig, fc, none, texts(none), NO_REQUEST, NO_REQUEST_NAME, line=NO_LINE,
           links=[rows[c].href for c in none])
    for name, colour, ids in _classed({c: rows[c].demandes for c in codes if rows[c].demandes}):
        _layer(fig, fc, ids, texts(ids), colour, name, links=[rows[c].href for c in ids])

    pts = geo.centroids("cantons", "code")
    areas = dict(zip([str(c) for c in geo.cantons["code"]], shapely.area(geo.cantons.geometry.values),
                     strict=True))
    minx, miny, maxx, maxy = geo.cantons.total_bounds
    small = sorted((c for c in codes if areas[c] < SMALL_CANTON), key=lambda c: -pts[c][1])
    key_lon = minx - KEY_LON_GAP
    key_lats = _spread([pts[c][1] for c in small], gap=(maxy - miny) / 22)
    lon_line: list[float | None] = []
    lat_line: list[float | None] = []
    for c, y in zip(small, key_lats, strict=True):
        lon_line += [pts[c][0], key_lon + 0.035, None]
        lat_line += [pts[c][1], y, None]
    if small:
        fig.add_trace(go.Scattergeo(lon=lon_line, lat=lat_line, mode="lines", hoverinfo="skip",
                                    line={"color": OUTLINE, "width": 0.8}, showlegend=False))
        fig.add_trace(go.Scattergeo(lon=[pts[c][0] for c in small], lat=[pts[c][1] for c in small],
                                    mode="markers", marker={"size": 4, "color": OUTLINE}, hoverinfo="skip",
                                    showlegend=False))
    label_pos = {c: pts[c] for c in codes if c not in small}
    label_pos.update({c: (key_lon, y) for c, y in zip(small, key_lats, strict=True)})
    ordered = sorted(label_pos, key=lambda c: number[c])
    fig.add_trace(go.Scattergeo(
        lon=[label_pos[c][0] for c in ordered], lat=[label_pos[c][1] for c in ordered], mode="markers+text",
        text=[str(number[c]) for c in ordered], textfont={"size": 11, "color": "#111827"},
        marker={"size": 20, "color": "white", "line": {"color": OUTLINE, "width": 1}},
        customdata=[rows[c].href for c in ordered], hovertext=texts(ordered),
        hovertemplate="%{hovertext}<extra></extra>", showlegend=False))
    fig = _geo_layout(fig, 600, (key_lon - 0.04, miny, maxx, maxy), legend=True)
    fig.update_layout(meta=LINKS_META, legend={"title": {"text": "Demandes :"}})
    return fig


def communes_classe_map(dep: Departement, ref_year: RefYear, geo: Geometry) -> go.Figure:
    """Communes that made a request, coloured by size class; the others white with a grey outline."""
    fc = feature_collection(geo.communes, "code_insee")
    names = dict(zip(geo.communes["code_insee"], geo.communes["nom"], strict=True))
    requested = {c.code_insee: c.demandes for c in dep.communes}
    classes = dict(ref_year.communes.select("code_insee", "classe").iter_rows())
    fig = go.Figure()
    others = [c for c in names if c not in requested]
    _layer(fig, fc, others, [f"{names[c]} : aucune demande" for c in others], NO_REQUEST, NO_REQUEST_NAME,
           line=NO_LINE)
    for row in dep.taille:
        ids = [c for c in requested if classes.get(c) == row.classe and c in names]
        _layer(fig, fc, ids, [f"{names[c]} ({row.classe})<br>{plural(requested[c], 'demande')}" for c in ids],
               row.color, row.classe)
    fig = _geo_layout(fig, 600, geo.communes.total_bounds, legend=True)
    fig.update_layout(legend={"title": {"text": "Communes demandeuses :"}})
    return fig


def epci_demandes_map(dep: Departement, geo: Geometry) -> go.Figure:
    """Demandes per EPCI (its communes' and its own) in classes; an EPCI straddling départements shows
    its Drôme part."""
    fc = feature_collection(geo.epci, "siren")
    rows = {r.siren: r for r in dep.epci}
    ids = [str(s) for s in geo.epci["siren"]]
    names = {i: (rows[i].nom if i in rows else n) for i, n in zip(ids, geo.epci["nom"], strict=True)}
    values = {i: rows[i].demandes if i in rows else 0 for i in ids}
    fig = go.Figure()
    none = [i for i in ids if not values[i]]
    _layer(fig, fc, none, [f"{names[i]} : aucune demande" for i in none], NO_REQUEST, NO_REQUEST_NAME,
           line=NO_LINE)
    for name, colour, sub in _classed({i: v for i, v in values.items() if v}):
        _layer(fig, fc, sub, [f"{names[i]}<br>{plural(values[i], 'demande')}" for i in sub], colour, name)
    fig = _geo_layout(fig, 600, geo.epci.total_bounds, legend=True)
    fig.update_layout(legend={"title": {"text": "Demandes :"}})
    return fig


def _frame(bounds: Sequence[float], min_span: float = 0.22) -> tuple[float, float, float, float]:
    """The canton's box widened to at least min_span degrees (a tiny urban canton keeps its true scale
    and shows its surroundings instead of being stretched to fill the card)."""
    minx, miny, maxx, maxy = bounds
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    half_x = max((maxx - minx) * 1.15, min_span / math.cos(math.radians(cy))) / 2
    half_y = max((maxy - miny) * 1.15, min_span) / 2
    return (cx - half_x, cy - half_y, cx + half_x, cy + half_y)


def canton_communes_map(page: CantonPage, ref_year: RefYear, geo: Geometry, height: int | None = None) -> go.Figure:
    """A canton's communes in classes of demandes (white: none), over the neighbouring cantons in light
    grey, the canton outlined. Without a height, the figure takes the frame's proportions for ~480 px."""
    codes = ref_year.communes.filter(pl.col("canton_codes").list.contains(page.code))["code_insee"].to_list()
    sub = geo.canton_communes(page.code, codes, set(page.split_communes))
    fc = feature_collection(sub, "code_insee")
    names = dict(zip(sub["code_insee"], sub["nom"], strict=True))
    dem = {c.code_insee: c.demandes for c in page.communes}
    frame = _frame(sub.total_bounds)
    fig = go.Figure()
    box = shapely.box(*frame)
    around = geo.cantons[(geo.cantons["code"] != page.code) & geo.cantons.geometry.intersects(box)]
    if len(around):
        nfc = feature_collection(around, "code")
        _layer(fig, nfc, [str(c) for c in around["code"]], [], NEIGHBOUR, "cantons voisins",
               line={"color": "white", "width": 1}, hover=False)
    grey = [c for c in names if c not in dem]
    _layer(fig, fc, grey, [f"{names[c]} : aucune demande" for c in grey], NO_REQUEST, NO_REQUEST_NAME,
           line={"color": NO_REQUEST_LINE, "width": 0.8})
    for name, colour, ids in _classed({c: dem[c] for c in names if c in dem}):
        _layer(fig, fc, ids, [f"{names[c]}<br>{plural(dem[c], 'demande')}" for c in ids], colour, name,
               line={"color": "white", "width": 1})
    outline = geo.cantons.loc[geo.cantons["code"] == page.code]
    ofc = feature_collection(outline, "code")
    fig.add_trace(go.Choropleth(geojson=ofc, locations=[page.code], z=[0], colorscale=[[0, "rgba(0,0,0,0)"],
                                [1, "rgba(0,0,0,0)"]], showscale=False, showlegend=False, hoverinfo="skip",
                                marker={"line": {"color": OUTLINE, "width": 1.6}}))
    if height is None:
        height = aspect_height(frame, 480, lo=320, hi=520)
    fig = _geo_layout(fig, height, frame, legend=True)
    if not dem:
        fig.add_annotation(text="Aucune commune demandeuse", showarrow=False, font={"color": MUTED})
    return fig
