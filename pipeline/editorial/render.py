"""Placeholders → figures, then Markdown → HTML and Typst: the editorial set as the pages use it.

Rules (docs/editorial.md): a placeholder `{{ nom }}` must name a figure of the year (or of the facts
file); an unknown or malformed one stops the build with one line naming the file and the name, never
a silent blank. A fact that repeats a figure of the tables with another value stops the build too: the
tables are the truth. A required section missing from an existing folder stops the build; a year with
no folder builds and lists what is missing. Sections still marked « À RÉDIGER » are left out and named.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field, replace

from pipeline.editorial import markup
from pipeline.editorial.figures import Figure, YearFigures
from pipeline.editorial.files import PLACES, REQUIRED, Editorial, PartnerNote, Section
from pipeline.errors import BilanError
from pipeline.fmt import french_typography, plural

PLACEHOLDER = re.compile(r"\{\{(.*?)\}\}", re.S)
NAME = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)*")


@dataclass(frozen=True)
class RenderedSection:
    place: str
    key: str | None
    titre: str
    html: str
    typst: str
    signature: str = ""
    source: str = ""
    figures: tuple[str, ...] = ()     # placeholder names used, for tests and the build log


@dataclass
class RenderedEditorial:
    year: int
    sections: list[RenderedSection] = field(default_factory=list)
    chiffres_cles: list[tuple[str, str]] = field(default_factory=list)   # (value text, label)
    partenaires: list[PartnerNote] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)                   # what the build says

    def at(self, place: str, key: str | None = None) -> RenderedSection | None:
        """The section at a report place (or attached to one canton / EPCI / partner), if any."""
        for s in self.sections:
            if s.place == place and s.key == key:
                return s
        return None

    def attached(self, place: str) -> dict[str, RenderedSection]:
        return {s.key: s for s in self.sections if s.place == place and s.key is not None}

    @property
    def empty(self) -> bool:
        return not self.sections and not self.partenaires and not self.chiffres_cles


def substitute(text: str, names: dict[str, Figure], source: str) -> tuple[str, tuple[str, ...]]:
    """Replace every `{{ nom }}` by its French text; unknown or malformed names raise BilanError."""
    used: list[str] = []

    def one(match: re.Match[str]) -> str:
        name = match.group(1).strip()
        line = text.count("\n", 0, match.start()) + 1
        if not NAME.fullmatch(name):
            raise BilanError(f"éditorial {source}, ligne {line} : repère malformé « {{{{{match.group(1)}}}}} »", 2)
        figure = names.get(name)
        if figure is None:
            close = difflib.get_close_matches(name, list(names), n=1, cutoff=0.75)
            hint = f" — voulez-vous dire « {{{{ {close[0]} }}}} » ?" if close else ""
            raise BilanError(f"éditorial {source}, ligne {line} : chiffre inconnu « {{{{ {name} }}}} »{hint}", 2)
        used.append(name)
        return figure.text()

    out = PLACEHOLDER.sub(one, text)
    if "{{" in out or "}}" in out:
        raise BilanError(f"éditorial {source} : accolades « {{{{ » ou « }}}} » non appariées", 2)
    return out, tuple(used)


def check_facts(figures: YearFigures, faits: dict[str, object], notices: list[str]) -> None:
    """A fact may not contradict the tables: `faits.demandes` must equal the computed `demandes`."""
    for name, value in faits.items():
        computed = figures.common.get(name)
        if computed is None:
            continue
        if computed.value != value:
            raise BilanError(f"éditorial faits.yaml : « {name} » vaut {value} mais les tableaux de l'année donnent "
                             f"{computed.text()} ; écrire {{{{ {name} }}}} dans le texte et retirer ce fait", 2)
        notices.append(f"faits.yaml : « {name} » est déjà calculé par les tableaux ; {{{{ {name} }}}} suffit")


def _render(section: Section, names: dict[str, Figure]) -> RenderedSection:
    text, used = substitute(section.texte, names, section.source)
    titre, used_t = substitute(section.titre, names, section.source)
    sig, used_s = substitute(section.signature, names, section.source)
    html, typst = markup.render(text)
    return RenderedSection(
        place=section.place, key=section.key, titre=french_typography(titre), html=html, typst=typst,
        signature=french_typography(sig), source=section.source, figures=used + used_t + used_s,
    )


def render_editorial(ed: Editorial, figures: YearFigures) -> RenderedEditorial:
    """Check and render a year's editorial set; raises BilanError (one line) on anything unusable."""
    drafted = ed.draft_partners()
    out = RenderedEditorial(year=ed.year, partenaires=[
        replace(p, nom=french_typography(p.nom), domaine=french_typography(p.domaine),
                presentation=french_typography(p.presentation))
        for p in ed.partenaires if p not in drafted])
    if drafted:
        out.notices.append(f"partenaires.yaml : {plural(len(drafted), 'présentation encore à rédiger', 'présentations encore à rédiger')}, laissées de côté")
    if ed.folder is None:
        out.notices.append(f"aucun dossier éditorial pour {ed.year} : sections absentes ("
                           + ", ".join(PLACES[p] for p in REQUIRED) + ") — `bilan editorial init "
                           f"{ed.year}` en écrit le squelette")
        return out
    missing = ed.missing()
    if missing:
        drafts = {s.place for s in ed.drafts()}
        what = ", ".join(f"« {p} »" + (" (encore à rédiger)" if p in drafts else "") for p in missing)
        raise BilanError(f"éditorial {ed.folder} : section obligatoire manquante : {what}", 2)
    check_facts(figures, ed.faits, out.notices)
    for section in ed.sections:
        if section.draft:
            out.notices.append(f"{section.source} : encore marqué « À RÉDIGER », laissé de côté")
            continue
        names = figures.for_section(section.place, section.key)
        if names is None:
            raise BilanError(f"éditorial {section.source} : {section.place} « {section.key} » absent des "
                             f"tableaux de {ed.year}", 2)
        out.sections.append(_render(section, names))
    for item in ed.chiffres_cles:
        out.chiffres_cles.append((figures.common[f"faits.{item['fait']}"].text(), french_typography(item["libelle"])))
    return out
