"""Reading an editorial folder: Markdown sections with a header, facts and partners' presentation.

Layout of `data/editorial/YEAR/` (docs/editorial.md):
    *.md             one section each: a header between `---` lines (place, titre, optional signature,
                     ordre) then Markdown text with placeholders
    faits.yaml       figures that are not in the exports (`faits:` name → number or text) and the key
                     figures of the "Actions" page (`chiffres_cles:` list of {fait, libelle})
    partenaires.yaml the partners' presentation: list of {nom, domaine, presentation, partenaire?, externe?}

Why a header per file rather than fixed file names: the team can split or rename files as they like;
what matters is where each section goes, and that is checked against the known places.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from pipeline.errors import BilanError

# Places of the report, in the published report's order (bilan-ingenierie-publique-2021): the éditorial
# pages, the démarche and its partners, the definition of the prestations, the figures of the year with
# the team's commentary beside each chart, the actions conducted, the outlook, then the canton pages.
PLACES: dict[str, str] = {
    "edito": "Édito",
    "colophon": "Colophon (édité par, réalisation, date, impression)",
    "demarche": "Une démarche partenariale",
    "partenaires": "Les partenaires de la démarche",
    "prestations": "Définition des prestations",
    "bilan": "Commentaire des chiffres clés",
    "communes": "Commentaire : les communes demandeuses",
    "epci": "Pour citer quelques projets (intercommunalités)",
    "partenaires_activite": "Commentaire : services du Département et partenaires",
    "domaines": "Commentaire : les domaines",
    "thematiques": "Commentaire : les thématiques",
    "prestations_activite": "Commentaire : les prestations",
    "actions": "Actions conduites dans l'année",
    "perspectives": "Perspectives",
    "cantons": "Introduction aux pages des cantons",
}
# Places attached to one canton, EPCI or partner: `canton:2602`, `epci:200040459`, `partenaire:CAUE`.
ATTACHED = ("canton", "epci", "partenaire")
# A folder that exists must hold these; a year without a folder builds without any (and says so).
REQUIRED: tuple[str, ...] = ("edito", "demarche", "actions", "colophon")
DRAFT_MARK = "À RÉDIGER"

_FRONT = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)(.*)\Z", re.S)


@dataclass(frozen=True)
class Section:
    """One Markdown section: where it goes (place, and the key of a canton/EPCI/partner if attached)."""

    place: str
    key: str | None
    titre: str
    texte: str
    source: str                 # file name, for messages
    signature: str = ""
    ordre: int = 0

    @property
    def draft(self) -> bool:
        return DRAFT_MARK in self.texte


@dataclass(frozen=True)
class PartnerNote:
    nom: str
    domaine: str
    presentation: str
    partenaire: str = ""        # canonical partner label of data/ref/partenaires.csv, when one matches
    externe: bool = True


@dataclass
class Editorial:
    year: int
    folder: Path | None
    sections: list[Section] = field(default_factory=list)
    faits: dict[str, Any] = field(default_factory=dict)
    chiffres_cles: list[dict[str, str]] = field(default_factory=list)
    partenaires: list[PartnerNote] = field(default_factory=list)

    def missing(self) -> list[str]:
        """Required places with no section (the build names them)."""
        present = {s.place for s in self.sections if not s.draft}
        return [p for p in REQUIRED if p not in present]

    def draft_partners(self) -> list[PartnerNote]:
        return [p for p in self.partenaires if DRAFT_MARK in p.presentation]

    def drafts(self) -> list[Section]:
        return [s for s in self.sections if s.draft]


def _fail(source: str, message: str) -> BilanError:
    return BilanError(f"éditorial {source} : {message}", 2)


def _yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise _fail(path.name, f"YAML illisible ({first})") from None


def parse_section(text: str, source: str) -> Section:
    """A section file's text → Section; the header must name a known place."""
    match = _FRONT.match(text.lstrip("\ufeff"))
    if not match:
        raise _fail(source, "en-tête manquant (le fichier doit commencer par « --- », « place: … », « --- »)")
    try:
        head = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError:
        raise _fail(source, "en-tête YAML illisible") from None
    if not isinstance(head, dict):
        raise _fail(source, "en-tête YAML illisible")
    place = str(head.get("place", "")).strip()
    key = None
    if ":" in place:
        place, key = (part.strip() for part in place.split(":", 1))
        if place not in ATTACHED or not key:
            raise _fail(source, f"place inconnue « {head.get('place')} » (canton:CODE, epci:SIREN, partenaire:NOM)")
    elif place not in PLACES:
        raise _fail(source, f"place inconnue « {place} » (places possibles : {', '.join(PLACES)})")
    titre = str(head.get("titre") or (PLACES.get(place) if key is None else "") or "").strip()
    try:
        ordre = int(head.get("ordre", 0))
    except (TypeError, ValueError):
        raise _fail(source, "« ordre » doit être un nombre entier") from None
    return Section(place=place, key=key, titre=titre, texte=match.group(2).strip(), source=source,
                   signature=str(head.get("signature") or "").strip(), ordre=ordre)


def _partners(path: Path) -> list[PartnerNote]:
    data = _yaml(path)
    items = data.get("partenaires", data) if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise _fail(path.name, "une liste de partenaires est attendue")
    notes = []
    for i, item in enumerate(items, 1):
        if not isinstance(item, dict) or not item.get("nom") or not item.get("presentation"):
            raise _fail(path.name, f"partenaire n° {i} : « nom » et « presentation » sont requis")
        notes.append(PartnerNote(nom=str(item["nom"]).strip(), domaine=str(item.get("domaine", "")).strip(),
                                 presentation=str(item["presentation"]).strip(),
                                 partenaire=str(item.get("partenaire") or "").strip(),
                                 externe=bool(item.get("externe", True))))
    return notes


def load_editorial(folder: Path | None, year: int) -> Editorial:
    """The editorial set of `year` in `folder` (absent folder → an empty set: the report builds without it)."""
    if folder is None or not folder.is_dir():
        return Editorial(year=year, folder=None)
    ed = Editorial(year=year, folder=folder)
    for path in sorted(folder.glob("*.md")):
        if path.name.upper().startswith(("LISEZMOI", "README", "CHIFFRES")):
            continue    # the skeleton's notes to the team, not report sections
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise _fail(path.name, "le fichier n'est pas en UTF-8") from None
        ed.sections.append(parse_section(text, path.name))
    seen: dict[tuple[str, str | None], str] = {}
    for s in ed.sections:
        if s.key is None and s.place != "colophon" and (s.place, s.key) in seen:
            raise _fail(s.source, f"la place « {s.place} » est déjà prise par {seen[(s.place, s.key)]}")
        seen[(s.place, s.key)] = s.source
    faits_path = folder / "faits.yaml"
    if faits_path.exists():
        data = _yaml(faits_path)
        if not isinstance(data, dict):
            raise _fail(faits_path.name, "un dictionnaire est attendu (faits:, chiffres_cles:)")
        faits = data.get("faits", {})
        if not isinstance(faits, dict):
            raise _fail(faits_path.name, "« faits » doit associer un nom à une valeur")
        for name, value in faits.items():
            if not re.fullmatch(r"[a-z][a-z0-9_]*", str(name)):
                raise _fail(faits_path.name, f"nom de fait invalide « {name} » (minuscules, chiffres, _)")
            if not isinstance(value, (int, float, str)) or isinstance(value, bool):
                raise _fail(faits_path.name, f"fait « {name} » : un nombre ou un texte est attendu")
        ed.faits = {str(k): v for k, v in faits.items()}
        cles = data.get("chiffres_cles", []) or []
        for item in cles:
            if not isinstance(item, dict) or item.get("fait") not in ed.faits or not item.get("libelle"):
                raise _fail(faits_path.name, f"chiffre clé invalide {item!r} (fait: un nom de « faits », libelle: …)")
        ed.chiffres_cles = [{"fait": str(c["fait"]), "libelle": str(c["libelle"])} for c in cles]
    partners_path = folder / "partenaires.yaml"
    if partners_path.exists():
        ed.partenaires = _partners(partners_path)
    ed.sections.sort(key=lambda s: (list(PLACES).index(s.place) if s.place in PLACES else len(PLACES),
                                    s.key or "", s.ordre, s.source))
    return ed
