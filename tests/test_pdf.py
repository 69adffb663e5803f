"""The printable PDF: built, one page per canton, the canton's numbers on its page, and a build that
still works when Chromium/kaleido cannot export figures.

Pages are read with poppler's pdftotext/pdfinfo (Debian poppler-utils); the checks are skipped, with a
message, where poppler is absent.
"""

from __future__ import annotations

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
                  "Types de prestations", "Qui accompagne", "Demandes par EPCI", "Annexe : cartes",
                  "Méthode et sources"):
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
