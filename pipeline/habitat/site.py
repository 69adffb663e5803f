"""Housing pages → a static HTML site (Jinja2, autoescaped), beside the engineering report's one.

Same approach and stylesheet as the engineering site (reports/templates/style.css); the page models of
model.py carry every string, export text is escaped by Jinja2, and the SVG figures are our own markup.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from pipeline import config
from pipeline.fmt import APOS
from pipeline.habitat.model import Page, date_fr

TEMPLATES = config.TEMPLATES_DIR / "habitat"


def _apostrophes(value: object) -> object:
    """Every text the pages print takes the typographic apostrophe (« l’habitat »), as the engineering
    report does; our own markup (SVG figures, marked safe) is left as it is."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return re.sub(r"(?<=\w)'", APOS, value)
    return value


def render_site(pages: list[Page], out: Path, year: int, as_of, extraction, pdf_name: str | None = None) -> list[Path]:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"]),
                      finalize=_apostrophes)
    tpl = env.get_template("page.html")
    assets = out / "assets"
    assets.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(config.TEMPLATES_DIR / "style.css", assets / "style.css")
    shutil.copyfile(TEMPLATES / "habitat.css", assets / "habitat.css")
    nav = [p for p in pages if p.in_nav]
    epci_pages = [p for p in pages if p.slug.startswith("epci/")]
    written = []
    for page in pages:
        path = out / f"{page.slug}.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        root = "../" * page.slug.count("/")
        path.write_text(tpl.render(page=page, nav=nav, root=root, year=year, as_of=date_fr(as_of),
                                   extraction=date_fr(extraction), epci_pages=epci_pages, pdf_name=pdf_name),
                        encoding="utf-8")
        written.append(path)
    return written
