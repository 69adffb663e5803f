"""The printable report: the site's page models → data.json + SVG figures → Typst → PDF.

Why Typst through its PyPI package: it compiles offline in well under a second with fonts embedded
(Quarto cannot be installed here, see stack-notes). The template (reports/typst/bilan.typ) reads the
page models as JSON, so the PDF prints exactly the site's numbers and strings, and text from exports
can never be taken for Typst markup. Canton pages draw their bars in Typst (crisp, fast); charts of the
département pages and all maps are the site's Plotly figures exported as SVG by one kaleido server.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
import time
from pathlib import Path

import typst

from pipeline import config
from pipeline.maps import load_geometry
from pipeline.pages.build import build_pages
from pipeline.pages.context import BuildContext
from pipeline.print.images import SvgExporter
from pipeline.site.figures import canton_figures, departement_figures

log = logging.getLogger(__name__)
TYPST_DIR = config.TYPST_DIR
# Département figures the PDF takes from Plotly (donuts, stacked bars, maps); simple bar charts are
# drawn by the Typst template itself. Sizes in CSS px ≈ the printed size (0.75 pt/px), so the
# figures' 12–13 px fonts print at ~9 pt.
PDF_FIGURES = {  # name: (width, height or None = the figure's own)
    "taille_demandes": (380, 330), "domaines": (380, 420), "domaine_prestation": (420, None),
    "partenaire_types": (300, 300), "epci": (680, None), "trends": (340, 300), "trends_domaine": (340, 330),
    "map_cantons": (640, 860), "map_communes": (640, 860), "map_epci": (640, 860),
}
CANTON_MAP_WIDTH = 420


def build_pdf(ctx: BuildContext, out_dir: Path, typst_dir: Path | None = None) -> Path:
    """Write out_dir/bilan-YEAR.pdf: cover, key figures, département pages, 19 canton pages, map annex."""
    t0 = time.perf_counter()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"bilan-{ctx.year}.pdf"
    pages = build_pages(ctx)
    geo = load_geometry(str(ctx.ref.dir), ctx.ref_year.millesime)
    with tempfile.TemporaryDirectory(prefix="bilan-typst-") as tmp:
        work = Path(tmp)
        shutil.copyfile(Path(typst_dir or TYPST_DIR) / "bilan.typ", work / "bilan.typ")
        images, canton_images = _export_figures(pages, ctx, geo, work / "img")
        data = pages.to_dict()
        data.update(images=images, canton_images=canton_images,
                    prestation_definitions=ctx.ref.prestations.sort("ordre")
                    .select("prestation", "sigle", "definition").rows())
        (work / "data.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        t1 = time.perf_counter()
        typst.compile(str(work / "bilan.typ"), output=str(target), root=str(work),
                      sys_inputs={"data": "data.json"})
        log.info("PDF %s: figures %.1f s, typst %.1f s", target.name, t1 - t0, time.perf_counter() - t1)
    return target


def _export_figures(pages, ctx: BuildContext, geo, folder: Path) -> tuple[dict, dict]:
    """SVG files of the département figures and of each canton map (empty dicts if kaleido fails)."""
    images: dict[str, str] = {}
    canton_images: dict[str, str] = {}
    figs = departement_figures(pages, ctx.ref_year, geo)
    with SvgExporter(folder) as exporter:
        for name, (width, height) in PDF_FIGURES.items():
            if name in figs:
                path = exporter.export(name, figs[name], width, height)
                if path:
                    images[name] = path
        for page in pages.departement.cantons:
            make = canton_figures(page, ctx.ref_year, geo)["map"]
            path = exporter.export(f"canton-{page.code}", make, CANTON_MAP_WIDTH)
            if path:
                canton_images[page.code] = path
    if exporter.error:
        log.warning("PDF without Plotly figures: %s", exporter.error)
    return images, canton_images
