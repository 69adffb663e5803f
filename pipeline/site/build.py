"""The static site: Jinja2 templates (reports/templates) rendered from the page models.

Why this shape:
- autoescape is on for every template: commune names, quarantined values and file names come from
  exports and are shown as text, never as markup. Only the Plotly <div>s (built here, their data
  JSON-escaped by Plotly) are marked safe.
- one shared assets/plotly.min.js (4.8 MB once, not per page), loaded after assets/geo-assets.js,
  which gives plotly.js its base-map topology so that no page fetches anything from a CDN.
- every link is relative, so the folder works from file://, a USB key or any web server.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import plotly.offline
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from pipeline import config
from pipeline.charts.style import to_div
from pipeline.fmt import fmt_int, fmt_pct, fmt_share, label
from pipeline.maps.geometry import STUB_TOPOLOGY, load_geometry
from pipeline.pages import prose
from pipeline.pages.build import build_pages
from pipeline.pages.context import BuildContext
from pipeline.pages.meta import telechargements
from pipeline.pages.models import Pages
from pipeline.pages.tendances import build_tendances
from pipeline.site.figures import canton_figures, departement_figures

NAV = prose.NAV
_SUP = re.compile(r"\^([^\^\s<>]{1,8})\^")


def rich(text: str) -> Markup:
    """Prose of pipeline.pages.prose as HTML: escaped, then ^er^ → <sup>er</sup> (fmt.ordinal)."""
    # escaped first: only the <sup> tags added here are markup
    return Markup(_SUP.sub(r"<sup>\1</sup>", str(escape(text))))  # noqa: S704

LOCALE_FR = {
    "moduleType": "locale", "name": "fr",
    "dictionary": {
        "Download plot as a png": "Télécharger le graphique", "Download plot": "Télécharger le graphique",
        "Zoom": "Zoom", "Pan": "Déplacer", "Zoom in": "Zoom avant", "Zoom out": "Zoom arrière",
        "Reset axes": "Réinitialiser les axes", "Reset view": "Réinitialiser la vue",
        "Reset": "Réinitialiser", "Autoscale": "Échelle automatique", "Box Select": "Sélection rectangulaire",
        "Show closest data on hover": "Afficher la donnée la plus proche",
        "Compare data on hover": "Comparer les données", "Toggle Spike Lines": "Lignes de repère",
        "Double-click to zoom back out": "Double-cliquer pour dézoomer",
        "Produced with Plotly.js": "Réalisé avec Plotly.js",
    },
    "format": {
        "days": ["Dimanche", "Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi"],
        "shortDays": ["Dim", "Lun", "Mar", "Mer", "Jeu", "Ven", "Sam"],
        "months": ["Janvier", "Février", "Mars", "Avril", "Mai", "Juin", "Juillet", "Août", "Septembre",
                   "Octobre", "Novembre", "Décembre"],
        "shortMonths": ["Janv", "Févr", "Mars", "Avr", "Mai", "Juin", "Juil", "Août", "Sept", "Oct", "Nov",
                        "Déc"],
        "date": "%d/%m/%Y", "decimal": ",", "thousands": "\u202f",
    },
}


def editorial_html(html: str) -> Markup:
    """An editorial section's HTML: made by pipeline.editorial.markup with raw HTML disabled, so every
    character of the team's text is already escaped and only Markdown's own tags are markup."""
    return Markup(html)  # noqa: S704 (escaped by markdown-it, html=False)


def _env(templates_dir: Path) -> Environment:
    env = Environment(loader=FileSystemLoader(str(templates_dir)), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.globals["nav"] = NAV
    env.globals["annex_nav"] = prose.ANNEX_NAV
    env.filters["fr_int"] = fmt_int
    env.filters["fr_pct"] = fmt_pct
    env.filters["fr_share"] = fmt_share
    env.filters["rich"] = rich
    env.filters["editorial_html"] = editorial_html
    return env


def _assets(out_dir: Path, templates_dir: Path) -> list[Path]:
    """assets/: plotly.js (from the installed plotly package), its French locale, the stub base map, CSS."""
    assets = out_dir / "assets"
    assets.mkdir(parents=True, exist_ok=True)
    files = {
        "plotly.min.js": plotly.offline.get_plotlyjs(),
        "plotly-locale-fr.js": f"Plotly.register({json.dumps(LOCALE_FR, ensure_ascii=False)});\n",
        "geo-assets.js": "window.PlotlyGeoAssets = {topojson: {world_110m: "
                         f"{json.dumps(STUB_TOPOLOGY, separators=(',', ':'))}}}}};\n",
    }
    written = []
    for name, text in files.items():
        (assets / name).write_text(text, encoding="utf-8")
        written.append(assets / name)
    shutil.copyfile(templates_dir / "style.css", assets / "style.css")
    return [*written, assets / "style.css"]


def _divs(figs: dict, prefix: str) -> dict[str, Markup]:
    """Plotly divs (trusted HTML: our figures, data JSON-escaped by Plotly)."""
    return {name: Markup(to_div(make(), f"{prefix}-{name}".replace("_", "-")))  # noqa: S704 (trusted, see above)
            for name, make in figs.items()}


def build_site(ctx: BuildContext, out_dir: Path, templates_dir: Path | None = None) -> list[Path]:
    """Write the whole site into out_dir (created if needed; the caller swaps folders atomically).

    Pages: index.html, cantons/index.html, cantons/<code>.html ×19, epci.html, partenaires.html,
    tendances.html, methodologie.html, qualite.html, telechargements.html, plus assets/. Returns the written files.
    """
    out_dir = Path(out_dir)
    templates_dir = Path(templates_dir or config.TEMPLATES_DIR)
    (out_dir / "cantons").mkdir(parents=True, exist_ok=True)
    pages: Pages = build_pages(ctx)
    downloads = telechargements(ctx, ctx.table_files or [], out_dir / "tables")
    pdf = out_dir / f"bilan-{ctx.year}.pdf"
    geo = load_geometry(str(ctx.ref.dir), ctx.ref_year.millesime)
    env = _env(templates_dir)
    written = _assets(out_dir, templates_dir)
    dep = pages.departement
    prest_defs = [tuple(label(v) for v in row)
                  for row in ctx.ref.prestations.sort("ordre").select("prestation", "sigle", "definition").rows()]
    link_pdf = ctx.pdf or (ctx.pdf is None and pdf.exists())
    common = {"p": pages, "dep": dep, "year": ctx.year, "t": pages.texts, "downloads": downloads.files,
              "pdf_name": pdf.name if link_pdf else None, "prestation_definitions": prest_defs,
              "ed": ctx.editorial}
    has_actions = ctx.editorial is not None and ctx.editorial.at("actions") is not None
    env.globals["nav"] = [(href, text) for href, text in NAV if href != prose.ACTIONS_PAGE or has_actions]

    def render(template: str, target: str, **kw) -> None:
        path = out_dir / target
        root = "../" * target.count("/")
        html = env.get_template(template).render(root=root, current=target, **common, **kw)
        path.write_text(html, encoding="utf-8")
        written.append(path)

    dep_divs = _divs(departement_figures(pages, ctx.ref_year, geo), "fig")
    render("index.html", "index.html", figs=dep_divs)
    render("cantons_index.html", "cantons/index.html", figs=dep_divs)
    render("epci.html", "epci.html", figs=dep_divs)
    render("partenaires.html", "partenaires.html", figs=dep_divs)
    tendances = build_tendances(ctx)
    render("tendances.html", "tendances.html", tend=tendances)
    if has_actions:
        render("actions.html", prose.ACTIONS_PAGE)
    render("methodologie.html", "methodologie.html", m=pages.methodologie)
    render("annexe.html", prose.ANNEX_NAV[0], a=pages.annexe)
    render("qualite.html", "qualite.html", q=pages.qualite)
    render("telechargements.html", "telechargements.html")
    cantons = dep.cantons
    for i, page in enumerate(cantons):
        render("canton.html", f"cantons/{page.code}.html", page=page, tendance=tendances.canton_lines.get(page.code),
               figs=_divs(canton_figures(page, ctx.ref_year, geo), f"fig-{page.code}"),
               prev=cantons[i - 1] if i > 0 else None, next=cantons[i + 1] if i + 1 < len(cantons) else None)
    return written
