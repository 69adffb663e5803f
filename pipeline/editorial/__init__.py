"""Editorial content: the report's own words, written by the mission team each year.

Why a stage of its own: the published report is not only charts. The édito, the presentation of the
démarche, the projects worth citing, the actions conducted during the year and the colophon come from
the team, not from the platform's exports. They live as files in `data/editorial/YEAR/` (Markdown
sections with a small header, a YAML of facts, the partners' presentation), are checked and rendered
here, and the site and the PDF place them where the published report places them.

Figures in the prose are placeholders (`{{ demandes }}`, `{{ canton.communes_concernees }}`,
`{{ faits.elus_participants }}`) resolved from the year's tables, so next year's text cannot carry last
year's numbers. See docs/editorial.md for the format.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pipeline.editorial.figures import Figure, figures_for_year
    from pipeline.editorial.files import PLACES, REQUIRED, Editorial, PartnerNote, Section, load_editorial
    from pipeline.editorial.render import RenderedEditorial, RenderedSection, render_editorial
    from pipeline.editorial.skeleton import write_skeleton

# Loaded on first use (PEP 562): `bilan --help` imports the editorial sub-command, and these modules
# pull in Polars, YAML and Markdown (~1.4 s) that the help never needs.
_WHERE = {
    "Figure": "figures", "figures_for_year": "figures",
    "PLACES": "files", "REQUIRED": "files", "Editorial": "files", "PartnerNote": "files", "Section": "files",
    "load_editorial": "files",
    "RenderedEditorial": "render", "RenderedSection": "render", "render_editorial": "render",
    "write_skeleton": "skeleton",
}

__all__ = [
    "PLACES", "REQUIRED", "Editorial", "Figure", "PartnerNote", "RenderedEditorial", "RenderedSection",
    "Section", "figures_for_year", "load_editorial", "render_editorial", "write_skeleton",
]


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(import_module(f"pipeline.editorial.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'pipeline.editorial' has no attribute {name!r}")
