"""French formatting, stable colours, charts and maps (no browser, no PDF).

Why: a number printed `1,041` or `14%`, a domaine changing colour between pages, a percentage
recomputed by Plotly instead of the report's rule, or a map ring drawn inside-out are the defects a
reader notices first.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import plotly.graph_objects as go
import pytest
import shapely

sys.path.insert(0, str(Path(__file__).parent / "fixtures"))
from bilan_fixture import shared_context
from pipeline import charts, maps
from pipeline.charts.palette import NOT_REQUESTED, Palette
from pipeline.charts.style import LINKS_META, to_div
from pipeline.fmt import NNBSP, fmt_dec, fmt_int, fmt_pct, fmt_share, fmt_signed_pct, plural
from pipeline.pages import build_pages
from pipeline.pages.palette import CLASSE_RAMP, COUNT_CLASSES, NO_REQUEST, contrast, count_classes


@pytest.fixture(scope="module")
def ctx():
    return shared_context()


@pytest.fixture(scope="module")
def dep(ctx):
    return build_pages(ctx).departement


@pytest.fixture(scope="module")
def geo(ctx):
    return maps.load_geometry(str(ctx.ref.dir), ctx.ref_year.millesime)


def test_french_numbers():
    assert fmt_int(1041) == f"1{NNBSP}041"
    assert fmt_int(1234567) == f"1{NNBSP}234{NNBSP}567"
    assert fmt_int(-1041) == f"-1{NNBSP}041"
    assert fmt_int(7) == "7" and fmt_int(None) == "–"
    assert fmt_pct(14) == f"14{NNBSP}%"
    assert fmt_dec(12.5) == "12,5" and fmt_dec(0.05) == "0,1" and fmt_dec(2.25, 1) == "2,3"
    assert fmt_dec(1041.5, 1) == f"1{NNBSP}041,5"
    assert fmt_pct(12.5, digits=1) == f"12,5{NNBSP}%"
    assert fmt_signed_pct(14) == f"+14{NNBSP}%" and fmt_signed_pct(-3) == f"\u22123{NNBSP}%"
    assert plural(1, "commune concernée", "communes concernées") == "1 commune concernée"
    assert plural(16, "commune concernée", "communes concernées") == "16 communes concernées"


def test_colours_are_stable_and_distinct(ctx):
    pal = Palette(ctx.ref)
    assert len(set(pal.domaine.values())) == 6
    assert len(set(pal.thematique.values())) == len(pal.thematique) == 15
    assert NOT_REQUESTED not in pal.classe.values()
    # a colour depends on the label only, not on what else a chart shows
    assert Palette(ctx.ref).thematique == pal.thematique
    # a thématique is a shade of its domaine's hue (the base colour is among the shades)
    them = ctx.ref.thematiques
    for dom, hue in pal.domaine.items():
        assert hue in {pal.thematique[t] for t in them.filter(them["domaine"] == dom)["thematique"]}


def test_share_charts_print_the_tables_percentages(dep):
    fig = charts.thematique_bars(dep)
    texts = list(fig.data[0].text)
    for s in dep.thematiques:
        assert f"{fmt_share(s.pct, s.count)} ({fmt_int(s.count)})" in texts
    # the 2021 table rounds Alimentation's single mission to 0 %: the chart says "< 1 %", never "0 %"
    assert any(t.startswith(f"<{NNBSP}1{NNBSP}%") for t in texts)
    assert not any(t.startswith(f"0{NNBSP}%") for t in texts)
    donut = charts.domaine_donut(dep)
    assert donut.data[0].textinfo == "text"       # our R2 percents, not Plotly's own rounding
    assert next(iter(donut.data[0].text)) == fmt_pct(dep.domaines[0].pct)
    assert list(donut.data[0].marker.colors) == [s.color for s in dep.domaines]


def test_every_chart_builds_with_french_separators(dep):
    for name in charts.__all__:
        fn = getattr(charts, name)
        fig = fn(dep.cantons[1]) if name.startswith("canton_") else fn(dep)
        assert isinstance(fig, go.Figure), name
        assert fig.layout.separators == f",{NNBSP}", name
        assert fig.layout.title.text is None, name     # the page gives the title


def test_partner_types_match_summary(ctx, dep):
    s = ctx.summary()
    assert [t.pct for t in dep.partenaire_types] == [s["part_cd26_pct"], s["part_partenaires_pct"]]
    assert sum(t.count for t in dep.partenaire_types) == sum(p.count for p in dep.partenaires)


def test_figure_div_loads_nothing(dep):
    html = to_div(charts.prestation_bars(dep), "x")
    assert "<script src" not in html and "cdn" not in html.lower()
    assert '"locale": "fr"' in html and '"displaylogo": false' in html
    # no mode bar anywhere (English tooltips, third-party links, focusable controls inside an image)
    for fig in (charts.prestation_bars(dep), maps.canton_demandes_map(dep, maps.load_geometry(
            str(shared_context().ref.dir), 2021))):
        assert '"displayModeBar": false' in to_div(fig, "y")


def test_bar_labels_and_map_classes_contrast(dep):
    """Labels inside bars ≥ 4.5:1 on their bar; the first map class ≥ 3:1 against "aucune demande"."""
    for fig in (charts.thematique_bars(dep), charts.prestation_bars(dep), charts.partenaire_bars(dep)):
        bar = fig.data[0]
        for fill, ink in zip(bar.marker.color, bar.insidetextfont.color, strict=True):
            assert contrast(fill, ink) >= 4.5, (fill, ink)
    assert contrast(COUNT_CLASSES[0], NO_REQUEST) >= 3
    assert contrast(CLASSE_RAMP[0], NO_REQUEST) >= 3
    assert count_classes(112) == [(1, 24), (25, 49), (50, 99), (100, 112)]
    assert count_classes(1) == [(1, 1)]


def test_map_rings_are_clockwise(geo):
    for layer in (geo.communes, geo.cantons, geo.epci):
        for g in layer.geometry:
            for poly in getattr(g, "geoms", [g]):
                assert not poly.exterior.is_ccw


def test_canton_map_numbers_and_links_every_canton(dep, geo):
    fig = maps.canton_demandes_map(dep, geo)
    layers = [t for t in fig.data if t.type == "choropleth"]
    seen = {}
    for t in layers:
        for loc, href in zip(t.locations, t.customdata, strict=True):
            seen[loc] = (t.name, href)
    assert len(seen) == 19
    for c in dep.cantons:
        name, href = seen[c.code]
        assert href == f"cantons/{c.code}.html"
        if c.demandes:    # the class of the legend holds the canton's count ("25 à 49 demandes")
            bounds = [int(x.replace("\u202f", "")) for x in re.findall(r"[\d\u202f]+", name)]
            assert bounds[0] <= c.demandes <= bounds[-1], (c.code, name)
    numbers = next(t for t in fig.data if t.type == "scattergeo" and t.mode == "markers+text")
    assert sorted(int(n) for n in numbers.text) == list(range(1, 20))     # all 19 cantons numbered
    assert fig.layout.meta == LINKS_META                                  # a click opens the page


def test_communes_map_shows_the_others_apart(dep, ctx, geo):
    fig = maps.communes_classe_map(dep, ctx.ref_year, geo)
    none = next(t for t in fig.data if t.name.startswith("aucune demande"))
    requested = {c.code_insee for p in dep.cantons for c in p.communes}
    assert set(none.locations) == set(geo.communes["code_insee"]) - requested
    shown = {loc for t in fig.data for loc in t.locations}
    assert shown == set(geo.communes["code_insee"])
    # each trace embeds only its own features (page weight)
    for t in fig.data:
        assert len(t.geojson["features"]) == len(t.locations)


def test_urban_canton_map_keeps_its_scale(dep, ctx, geo):
    """Valence-4 (a fraction of Valence) is not stretched over the card: the frame shows its
    surroundings, drawn as neighbouring cantons."""
    page = next(p for p in dep.cantons if p.code == "2618")
    fig = maps.canton_communes_map(page, ctx.ref_year, geo)
    lat = fig.layout.geo.lataxis.range
    assert lat[1] - lat[0] >= 0.22
    assert any(t.name == "cantons voisins" and len(t.locations) >= 3 for t in fig.data)


def test_canton_map_cuts_split_communes(dep, ctx, geo):
    valence1 = next(p for p in dep.cantons if p.code == "2615")
    assert "26362" in valence1.split_communes
    fig = maps.canton_communes_map(valence1, ctx.ref_year, geo)
    feats = {f["id"]: f for t in fig.data for f in t.geojson["features"]}
    part = shapely.geometry.shape(feats["26362"]["geometry"])
    whole = geo.communes.loc[geo.communes["code_insee"] == "26362"].geometry.iloc[0]
    assert 0.1 < part.area / whole.area < 0.5          # Valence 1 holds about a quarter of Valence
