"""The static site built from the 2021 fixture tables: every page, the right numbers, safe text.

Why these checks: the site is what readers see; a canton page showing another canton's numbers, a
page missing from the navigation, or an export value rendered as markup would each be a real defect.
"""

from __future__ import annotations

import csv
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

import polars as pl
import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures"))
from bilan_fixture import CANTON_CODES, built_site, shared_context
from pipeline.fmt import fmt_int

PAGES = ["index.html", "cantons/index.html", "epci.html", "partenaires.html", "methodologie.html",
         "qualite.html", "telechargements.html"] + [f"cantons/{c}.html" for c in CANTON_CODES]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return built_site(tmp_path_factory)


class _Page(HTMLParser):
    """Collects what the checks need: h1 text, data-field values, table rows, links, scripts."""

    def __init__(self):
        super().__init__()
        self.h1, self.fields, self.links, self.scripts = "", {}, [], []
        self.rows: list[list[str]] = []
        self._stack: list[tuple[str, str | None]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._in_h1 = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "h1":
            self._in_h1 = True
        if "data-field" in a:
            self._stack.append((a["data-field"], ""))
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag in ("script", "link", "img") and (a.get("src") or a.get("href")):
            self.scripts.append(a.get("src") or a.get("href"))
        if tag == "tr":
            self._row = []
        if tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "h1":
            self._in_h1 = False
        if tag == "span" and self._stack:
            name, text = self._stack.pop()
            self.fields[name] = text.strip()
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        if tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._in_h1:
            self.h1 += data
        if self._stack:
            name, text = self._stack[-1]
            self._stack[-1] = (name, text + data)
        if self._cell is not None:
            self._cell.append(data)


def parse(path: Path) -> _Page:
    p = _Page()
    p.feed(path.read_text(encoding="utf-8"))
    return p


def test_every_page_is_built(site):
    for page in PAGES:
        html = (site / page).read_text(encoding="utf-8")
        assert '<html lang="fr">' in html, page
        assert 'name="viewport"' in html, page
    assert (site / "assets" / "plotly.min.js").stat().st_size > 1_000_000
    # one shared copy of plotly.js: no page inlines it
    assert all((site / p).stat().st_size < 1_500_000 for p in PAGES)


def test_navigation_links_resolve(site):
    for page in PAGES:
        parsed = parse(site / page)
        for href in parsed.links + parsed.scripts:
            if href.startswith("#"):
                continue
            assert not re.match(r"^[a-z]+:", href), f"{page}: absolute link {href}"
            target = (site / page).parent / href.split("#")[0]
            assert target.exists(), f"{page}: broken link {href}"
        assert any(h.endswith("methodologie.html") for h in parsed.links), page


def test_canton_pages_show_their_numbers(site):
    ctx = shared_context()
    by_canton = {r["code_canton"]: r for r in ctx.tables["by_canton"].iter_rows(named=True)}
    with (ctx.ref.dir / "noms_officiels.csv").open(encoding="utf-8") as f:
        official = {r["code"]: r["nom_complet"] for r in csv.DictReader(f) if r["niveau"] == "canton"}
    # the examples of official names (INSEE COG), with their article
    assert official["2612"] == "canton de Saint-Vallier"
    assert official["2605"] == "canton de la Drôme des Collines"
    assert official["2604"] == "canton du Diois" and official["2615"] == "canton de Valence-1"
    by_commune = ctx.tables["by_commune"]
    for code in CANTON_CODES:
        page = parse(site / "cantons" / f"{code}.html")
        row = by_canton[code]
        expected_title = official[code][0].upper() + official[code][1:].replace("'", "\u2019")
        assert page.h1.strip() == expected_title
        assert page.fields["communes_concernees"] == fmt_int(row["communes_concernees"])
        assert page.fields["demandes"] == fmt_int(row["demandes"])
        assert page.fields["missions"] == fmt_int(row["missions"])
        # the list of communes concernées: names and demandes of by_commune for this canton
        # official names are displayed with the typographic apostrophe (Cléon-d’Andran)
        expected = {(r["commune"].replace("'", "\u2019"), fmt_int(r["demandes"]))
                    for r in by_commune.filter(pl.col("code_canton") == code).iter_rows(named=True)}
        classes = {r["commune"].replace("'", "\u2019"): r["classe"]
                   for r in by_commune.filter(pl.col("code_canton") == code).iter_rows(named=True)}
        listed = {(name, r[1]) for r in page.rows if len(r) == 3
                  for name in classes if r[0] == f"{name} {classes[name]}"}
        assert listed == expected, code
        assert len(listed) == row["communes_concernees"]
        # the thématique table under the chart: the canton's shares
        them = ctx.tables["canton_thematique"].filter(pl.col("code_canton") == code)
        for t in them.filter(pl.col("missions") > 0).iter_rows(named=True):
            assert [t["thematique"], fmt_int(t["missions"]), f"{t['pct']}\u202f%"] in page.rows, (code, t)


def test_home_key_figures(site):
    html = (site / "index.html").read_text(encoding="utf-8")
    s = shared_context().summary()
    assert f">{fmt_int(s['demandes'])}<" in html
    assert "+14\u202f% par rapport à 2020" in html
    assert "38\u202f%" in html and "62\u202f%" in html
    for c in CANTON_CODES:
        assert f'href="cantons/{c}.html"' in html


def test_export_text_is_escaped(site):
    qualite = (site / "qualite.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in qualite
    assert "<script>alert(1)" not in qualite
    assert "&lt;i&gt;verdure&lt;/i&gt;" in qualite
    for page in ("annexe-technique.html", "qualite.html"):
        html = (site / page).read_text(encoding="utf-8")
        assert "notes &lt;b&gt;perso&lt;/b&gt;.csv" in html
        assert "<b>perso</b>" not in html


def test_quality_page_lists_reasons_conflicts_and_unresolved(site):
    page = parse(site / "qualite.html")
    ctx = shared_context()
    reasons = ctx.quarantine.group_by("raison").len()
    for raison, n in reasons.iter_rows():
        assert [raison, fmt_int(n)] in page.rows
    text = (site / "qualite.html").read_text(encoding="utf-8")
    assert "M-2021-0777" in text                        # a conflict
    assert "Valence 9" in text                           # the unresolved canton's row
    assert "aucune colonne id_mission" in text           # a refused file


def test_methodology_for_readers_and_technical_annex_apart(site):
    """Hashes, load times, file names and versions live in the annex; the methodology page explains the
    rounding rule with a worked example and cites its sources, with nothing technical."""
    from pipeline import __version__
    method = (site / "methodologie.html").read_text(encoding="utf-8")
    annex = (site / "annexe-technique.html").read_text(encoding="utf-8")
    for row in shared_context().load_log.iter_rows(named=True):
        assert row["sha256"] in annex and row["sha256"] not in method
        assert row["charge_le"][:10] in annex
    assert f"version {__version__}" in annex and __version__ not in method
    assert "communes_2021.csv" in annex and "communes_2021.csv" not in method
    # the worked example: 5, 5 and 2 missions → 41 %, 42 %, 17 % (R2: 42 + 42 + 17 = 101, one point off)
    text = re.sub(r"<[^>]+>", "", method).replace("\u202f", " ").replace("\xa0", " ")
    assert "41,67 %" in text and "42 %, 42 % et 17 %, soit 101 %" in text and "41 %, 42 % et 17 %" in text
    assert "12,5 % devient 13 %" in text
    assert "Insee, Code officiel géographique au 1<sup>er</sup> janvier 2021" in method.replace("\xa0", " ")
    for english in ("in force", "package", "README", "population_dgcl", "sha256", "SHA-256"):
        assert english not in method, english


def test_downloads_page_links_every_table(site):
    page = parse(site / "telechargements.html")
    for p in (site / "tables").iterdir():
        assert f"tables/{p.name}" in page.links


def test_pages_load_nothing_from_outside(site):
    for page in PAGES:
        html = (site / page).read_text(encoding="utf-8")
        assert not re.search(r'(src|href)="(https?:)?//', html), page
        assert "cdn.plot.ly" not in html and "mathjax" not in html.lower(), page
    geo = (site / "assets" / "geo-assets.js").read_text(encoding="utf-8")
    assert "world_110m" in geo


def test_single_year_without_optional_tables(tmp_path):
    """One year loaded: no trends, no evolution; no by_commune either: the site still builds."""
    from bilan_fixture import fixture_context
    from pipeline.site import build_site
    ctx = fixture_context()
    for name in ("trends", "trends_domaine", "by_commune"):
        ctx.tables.pop(name)
    ctx.tables["summary"] = ctx.tables["summary"].with_columns(
        pl.when(pl.col("indicateur") == "evolution_demandes_pct").then(None).otherwise(pl.col("valeur"))
        .alias("valeur"))
    ctx.table_files = []
    build_site(ctx, tmp_path)
    html = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "Évolution" not in html
    assert "les données 2020 ne sont pas chargées" in html
    canton = (tmp_path / "cantons" / "2602.html").read_text(encoding="utf-8")
    assert "liste des communes concernées n" in canton       # no by_commune: no list, no crash
    assert "Les tables n" in (tmp_path / "telechargements.html").read_text(encoding="utf-8")


def test_sources_table_is_read_from_ref_sources_md(tmp_path):
    from pipeline.pages.meta import _sources
    (tmp_path / "SOURCES.md").write_text(
        "| id | source | millésime / version | licence |\n|----|----|----|----|\n"
        "| S1 | npm package `@etalab/decoupage-administratif` **1.1.1** | COG 2021 | Licence Ouverte |\n\n"
        'Required attribution: "Sources : INSEE, DGCL, IGN — Licence Ouverte."\n', encoding="utf-8")
    rows, attribution = _sources(tmp_path)
    assert rows == [{"id": "S1", "source": "npm package @etalab/decoupage-administratif 1.1.1",
                     "millesime": "COG 2021", "licence": "Licence Ouverte"}]
    assert attribution == "Sources : INSEE, DGCL, IGN — Licence Ouverte."
