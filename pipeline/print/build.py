"""The printable report: the site's page models → data.json + SVG figures → Typst → PDF.

Why Typst through its PyPI package: it compiles offline in well under a second with fonts embedded
(Quarto cannot be installed here, see stack-notes). The template (reports/typst/bilan.typ) reads the
page models as JSON, so the PDF prints exactly the site's numbers and strings, and text from exports
can never be taken for Typst markup. Canton pages draw their bars in Typst (crisp, fast); charts of the
département pages and all maps are the site's Plotly figures exported as SVG by one kaleido server.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import json
import logging
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import typst

from pipeline import config
from pipeline.maps import load_geometry
from pipeline.pages.build import build_pages
from pipeline.pages.context import BuildContext
from pipeline.pages.tendances import build_tendances
from pipeline.print.alt import canton_map_alt, figure_alt
from pipeline.print.images import SvgExporter
from pipeline.site.figures import canton_figures, departement_figures

log = logging.getLogger(__name__)
TYPST_DIR = config.TYPST_DIR
PT_PER_PX = 0.75      # figures are placed at 0.75 pt per CSS pixel: a 10 px label prints at 7.5 pt
# Département figures the PDF takes from Plotly (donuts, stacked bars, maps); bar charts are drawn by the
# Typst template itself. Widths in CSS px fit the template's columns (A4, 15 mm margins: 680 px wide).
PDF_FIGURES = {  # name: (width, height or None = the figure's own)
    "taille_demandes": (310, 300), "domaines": (310, 400), "domaine_prestation": (370, 350),
    "partenaire_types": (280, 260), "epci": (680, 440), "trends": (330, 380), "trends_domaine": (330, 400),
    "map_cantons": (320, 430), "map_communes": (330, 440), "map_epci": (330, 440),
}
MIN_FONT_PX = 10      # ≥ 7.5 pt at 0.75 pt/px
CANTON_MAP = (480, None)   # the map's own proportions (pipeline.maps), scaled to the room left on the page
CANTON_MIN_FONT_PX = 13    # that scale is ≥ 0.55 (a tall canton in the smallest room): ≥ 7.1 pt
FONTS = ["Inter", "DejaVu Sans"]
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")


def french_date(day: dt.date) -> str:
    """'1er février 2022', '30 novembre 2026'."""
    first = "1er" if day.day == 1 else str(day.day)
    return f"{first} {MONTHS[day.month - 1]} {day.year}"


def _versions(ctx: BuildContext) -> list[tuple[str, str]]:
    """Versions of what produced the document: for the technical annex only."""
    out = [("bilan", str(ctx.version)), ("Document produit le", str(ctx.generated_at))]
    for package in ("typst", "polars", "duckdb", "plotly", "kaleido", "geopandas"):
        try:
            out.append((package, importlib.metadata.version(package)))
        except importlib.metadata.PackageNotFoundError:
            continue
    return out


def build_pdf(ctx: BuildContext, out_dir: Path, typst_dir: Path | None = None) -> Path:
    """Write out_dir/bilan-YEAR.pdf: cover, contents, the report's sections, 19 canton pages, annexes."""
    t0 = time.perf_counter()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"bilan-{ctx.year}.pdf"
    pages = build_pages(ctx)
    data = pages.to_dict()
    geo = load_geometry(str(ctx.ref.dir), ctx.ref_year.millesime)
    with tempfile.TemporaryDirectory(prefix="bilan-typst-") as tmp:
        work = Path(tmp)
        shutil.copyfile(Path(typst_dir or TYPST_DIR) / "bilan.typ", work / "bilan.typ")
        images, canton_images = _export_figures(pages, data, ctx, geo, work / "img")
        generated = ctx.generated_at.date() if hasattr(ctx.generated_at, "date") else dt.date.today()
        data["print"] = {
            "images": images, "canton_images": canton_images, "fonts": FONTS,
            "edition_date": french_date(generated),
            "prestation_definitions": ctx.ref.prestations.sort("ordre")
            .select("prestation", "sigle", "definition").rows(),
            "versions": _versions(ctx),
            "editorial": _editorial(ctx),
            **_editorial_extras(ctx),
            "tendances": build_tendances(ctx).to_dict(),   # every loaded year (pipeline/pages/tendances.py)
        }
        (work / "data.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        t1 = time.perf_counter()
        _compile(work, target)
        log.info("PDF %s: figures %.1f s, typst %.1f s", target.name, t1 - t0, time.perf_counter() - t1)
    return target


def _compile(work: Path, target: Path) -> None:
    """Typst → tagged PDF, as PDF/UA-1 when the document meets it (alternative texts, title, language)."""
    fonts = [str(p) for p in config.PDF_FONT_DIRS if p.is_dir()]
    source, inputs = str(work / "bilan.typ"), {"data": "data.json"}
    try:
        typst.compile(source, output=str(target), root=str(work), sys_inputs=inputs, font_paths=fonts,
                      pdf_standards=["ua-1"])
    except RuntimeError as exc:   # a PDF/UA rule the content cannot meet: still a tagged PDF
        log.warning("PDF/UA-1 not met (%s); writing a tagged PDF", str(exc).splitlines()[0][:200])
        typst.compile(source, output=str(target), root=str(work), sys_inputs=inputs, font_paths=fonts)


def _editorial(ctx: BuildContext) -> list[dict[str, Any]]:
    """The team's texts (pipeline.editorial), as Typst markup placed by the template's slots."""
    rendered = getattr(ctx, "editorial", None)
    if rendered is None:
        return []
    # the editorial stage writes its sub-headings one level below the section's own (level 2)
    return [{"place": s.place, "key": s.key, "titre": s.titre, "signature": s.signature, "typst": s.typst}
            for s in rendered.sections]


def _editorial_extras(ctx: BuildContext) -> dict[str, Any]:
    """The partners' presentation and the key facts of the actions (plain strings: Typst prints them
    literally, nothing of the team's text is evaluated)."""
    rendered = getattr(ctx, "editorial", None)
    if rendered is None:
        return {"editorial_partenaires": [], "editorial_chiffres": []}
    return {
        "editorial_partenaires": [{"nom": n.nom, "domaine": n.domaine, "presentation": n.presentation}
                                  for n in rendered.partenaires],
        "editorial_chiffres": [{"value": v, "label": lab} for v, lab in rendered.chiffres_cles],
    }


def _export_figures(pages, data: dict, ctx: BuildContext, geo, folder: Path) -> tuple[dict, dict]:
    """SVG files of the département figures and of each canton map, with their alternative text
    (empty dicts if kaleido fails: the template then draws its own bars)."""
    images: dict[str, dict] = {}
    canton_images: dict[str, dict] = {}
    titles = data.get("texts", {}).get("charts", {})
    figs = departement_figures(pages, ctx.ref_year, geo)
    with SvgExporter(folder, font_family=", ".join(FONTS)) as exporter:
        for name, (width, height) in PDF_FIGURES.items():
            if name in figs:
                exported = exporter.export(name, figs[name], width, height, min_font=MIN_FONT_PX)
                if exported:
                    path, w, h = exported
                    images[name] = {"path": path, "width": w * PT_PER_PX, "height": h * PT_PER_PX,
                                    "alt": figure_alt(name, titles.get(name, {}).get("title", ""), data)}
        cantons = {c["code"]: c for c in data["departement"]["cantons"]}
        for page in pages.departement.cantons:
            make = canton_figures(page, ctx.ref_year, geo)["map"]
            exported = exporter.export(f"canton-{page.code}", make, *CANTON_MAP, min_font=CANTON_MIN_FONT_PX)
            if exported:
                path, w, h = exported
                canton_images[page.code] = {"path": path, "aspect": h / w, "alt": canton_map_alt(cantons[page.code])}
    if exporter.error:
        log.warning("PDF without Plotly figures: %s", exporter.error)
    return images, canton_images
