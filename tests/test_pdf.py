"""The printable PDF: built, one page per canton, the canton's numbers on its page, and a build that
still works when Chromium/kaleido cannot export figures.

Pages are read with poppler's pdftotext/pdfinfo (Debian poppler-utils); the checks are skipped, with a
message, where poppler is absent.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures"))
from bilan_fixture import CANTON_CODES, built_pdf, fixture_context, shared_context
from pipeline.fmt import fmt_int

pytestmark = pytest.mark.slow   # the PDF is built once (kaleido + Typst): several seconds

CANTON_HEADER = "BILAN DE L’ASSISTANCE TECHNIQUE SUR LE CANTON"
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                   reason="poppler-utils (pdftotext) is not installed")


def pages_text(pdf: Path) -> list[str]:
    """Text of each page (pdftotext separates pages with form feeds)."""
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True)
    return out.stdout.split("\f")[:-1]


def canton_pages(pages: list[str]) -> list[str]:
    return [p for p in pages if CANTON_HEADER in p.replace("'", "’")]


@pytest.fixture(scope="module")
def pdf(tmp_path_factory) -> Path:
    return built_pdf(tmp_path_factory)


def test_pdf_is_written(pdf):
    assert pdf.name == "bilan-2021.pdf"
    assert pdf.read_bytes()[:5] == b"%PDF-"
    assert pdf.stat().st_size > 50_000


@needs_poppler
def test_one_page_per_canton_with_its_numbers(pdf):
    pages = pages_text(pdf)
    cantons = canton_pages(pages)
    assert len(cantons) == 19
    ctx = shared_context()
    # official (INSEE COG) names, as every output prints them (data/ref/noms_officiels.csv)
    import csv
    with (ctx.ref.dir / "noms_officiels.csv").open(encoding="utf-8") as f:
        labels = {r["code"]: r["nom"] for r in csv.DictReader(f) if r["niveau"] == "canton"}
    rows = {r["code_canton"]: r for r in ctx.tables["by_canton"].iter_rows(named=True)}
    for code, text in zip(CANTON_CODES, cantons, strict=True):     # in code order, one page each
        assert labels[code].replace("'", "’") in text.replace("'", "’"), code
        flat = " ".join(text.split())
        assert f"{fmt_int(rows[code]['demandes'])} demande" in flat, code
        assert f"{fmt_int(rows[code]['communes_concernees'])} commune" in flat, code


@needs_poppler
def test_report_sections_and_page_count(pdf):
    pages = pages_text(pdf)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    n = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert n == len(pages)
    whole = " ".join(" ".join(pages).split())
    for title in ("Bilan 2021", "Quelles communes demandeuses", "Répartition par domaine",
                  "Types de prestations", "Qui accompagne", "Demandes par EPCI", "Annexes",
                  "Cartes du département", "Méthode et sources", "Qualité des données", "Annexe technique"):
        assert title in whole, title
    assert "1\u202f041" in whole or "1 041" in whole


@needs_poppler
def test_pdf_without_chromium_still_has_every_canton(tmp_path, monkeypatch):
    """No kaleido/Chromium: the template draws its own bars and says the maps are unavailable."""
    from pipeline.print import images

    def broken(self):
        self.ok, self.error = False, "kaleido indisponible (test)"
        return self

    monkeypatch.setattr(images.SvgExporter, "__enter__", broken)
    from pipeline.print import build_pdf
    out = build_pdf(fixture_context(), tmp_path)
    pages = pages_text(out)
    assert len(canton_pages(pages)) == 19
    assert "Carte non disponible" in " ".join(pages)


def _run(*args: str) -> str:
    return subprocess.run(list(args), capture_output=True, text=True, check=True).stdout


@needs_poppler
def test_cover_contents_and_bookmarks(pdf):
    """A cover with title, year, Département and edition date; a contents page whose page numbers are
    the pages where the titles really are; PDF bookmarks for the sections and each canton."""
    pages = pages_text(pdf)
    cover = " ".join(pages[0].split())
    assert "Bilan 2021" in cover and "Département de la Drôme" in cover.replace("DÉPARTEMENT DE LA DRÔME", "")
    assert re.search(r"Édition du (1er|\d{1,2}) [a-zéû]+ \d{4}", cover)
    contents = _run("pdftotext", "-layout", "-f", "2", "-l", "2", str(pdf), "-")
    assert "Sommaire" in contents
    entries = dict(re.findall(r"^\s*(.+?)\s*(?:\.\s*){3,}\u2060?(\d+)\s*$", contents, flags=re.M))
    entries = {" ".join(k.split()).strip(" .").replace("\u202f", " "): int(v) for k, v in entries.items()}
    for title in ("Quelles communes demandeuses ?", "Répartition par domaine d’intervention", "Annexe technique"):
        page = entries[title]
        assert title.replace("\u202f", " ") in " ".join(pages[page - 1].split()).replace("\u202f", " "), title
    assert len(entries) >= 19 + 10                       # sections, 19 cantons, annexes
    xml = _run("pdftohtml", "-xml", "-stdout", "-i", "-q", str(pdf))
    outline = [" ".join(t.split()) for t in re.findall(r"<item[^>]*>([^<]+)</item>", xml)]
    assert "Annexe technique" in outline and "Bilan par canton" in outline
    # every contents entry is a bookmark (bookmarks also reach the annex's sub-sections)
    assert set(entries) <= {t.replace("\u202f", " ") for t in outline}, (outline, entries)


@needs_poppler
def test_tagged_accessible_pdf_with_libre_font(pdf):
    """Tagged PDF declared PDF/UA-1: Typst refuses that standard when an image has no alternative
    text, so every figure has one. The text font is Inter when fonts-inter is installed."""
    info = _run("pdfinfo", str(pdf))
    assert re.search(r"^Tagged:\s+yes", info, flags=re.M)
    assert "Ingénierie pour la Drôme" in info and "Département de la Drôme" in info
    meta = _run("pdfinfo", "-meta", str(pdf))
    assert "<pdfuaid:part>1</pdfuaid:part>" in meta and "fr-FR" in meta
    fonts = _run("pdffonts", str(pdf))
    if Path("/usr/share/fonts/opentype/inter/Inter-Regular.otf").exists():
        assert "Inter-Regular" in fonts and "Inter-Bold" in fonts


@needs_poppler
def test_no_zero_share_and_technical_only_in_annex(pdf):
    pages = [" ".join(p.split()) for p in pages_text(pdf)]
    for i, text in enumerate(pages, start=1):
        assert not re.search(r"(?<![\d\u202f ])0\s?%\s?\(", text), f"page {i}: a non-zero count printed as 0 %"
    annex = next(i for i, t in enumerate(pages) if t.startswith("Annexe technique") or " Annexe technique Provenance" in t)
    for i, text in enumerate(pages):
        if i < annex:
            assert not re.search(r"\b[0-9a-f]{16,}", text), f"page {i + 1}: a hash outside the technical annex"
            assert "SHA-256" not in text and "typst" not in text.lower(), f"page {i + 1}"
            for english in (" in force", "README", " package", "version for"):
                assert english not in text, (i + 1, english)
    technical = " ".join(pages[annex:])
    assert "SHA-256" in technical and "typst" in technical      # provenance and versions are there


@needs_poppler
def test_alternative_texts_carry_values():
    """The alternative text of a chart gives its categories and shares, of a canton map its communes."""
    from pipeline.pages.build import build_pages
    from pipeline.print.alt import canton_map_alt, figure_alt

    d = build_pages(shared_context()).to_dict()
    first = d["departement"]["domaines"][0]
    text = figure_alt("domaines", "Missions par domaine", d)
    assert text.startswith("Missions par domaine.") and f"{first['label']} : {first['pct_txt']}" in text
    canton = next(c for c in d["departement"]["cantons"] if c["communes"])
    assert canton["communes"][0]["nom"] in canton_map_alt(canton)


def test_print_fonts_reach_7pt():
    """Figures are placed at PT_PER_PX: every font raised to MIN_FONT_PX prints at 7 pt or more."""
    import plotly.graph_objects as go

    from pipeline.print.build import CANTON_MIN_FONT_PX, MIN_FONT_PX, PT_PER_PX
    from pipeline.print.images import enforce_min_font

    assert MIN_FONT_PX * PT_PER_PX >= 7 and CANTON_MIN_FONT_PX * 0.55 >= 7
    fig = go.Figure(go.Scatter(x=[1, 2], y=[1, 2], mode="text", text=["a", "b"], textfont={"size": [6, 14]}))
    fig.update_layout(font_size=8, legend_font_size=7, xaxis_tickfont_size=5)
    fig.add_annotation(text="note", font={"size": 6})
    enforce_min_font(fig, MIN_FONT_PX)
    assert list(fig.data[0].textfont.size) == [MIN_FONT_PX, 14]
    assert fig.layout.font.size == MIN_FONT_PX and fig.layout.legend.font.size == MIN_FONT_PX
    assert fig.layout.xaxis.tickfont.size == MIN_FONT_PX and fig.layout.annotations[0].font.size == MIN_FONT_PX


def test_superscript_marks_become_sup():
    import plotly.graph_objects as go

    from pipeline.print.images import superscripts

    fig = go.Figure(go.Bar(x=[1], y=["Accompagnement 1^er^ niveau"], name="Accompagnement 1^er^ niveau"))
    superscripts(fig)
    assert fig.data[0].name == "Accompagnement 1<sup>er</sup> niveau"
    assert list(fig.data[0].y) == ["Accompagnement 1<sup>er</sup> niveau"]
