"""Page models: the typed, renderer-neutral content of every page of the report.

Why plain dataclasses: the Jinja2 site, the Typst PDF (through `Pages.to_dict()` as JSON), the Plotly
charts and the maps all read these objects, so a figure or a sentence cannot differ between outputs.
Numbers are kept as integers (charts) and as French text (`…_txt`) for the PDF; sentences come from
`pipeline.pages.prose`. Nothing here counts: every figure arrives from pipeline.breakdowns.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from pipeline.fmt import fmt_int, fmt_pct, fmt_share


@dataclass
class Share:
    """One category of a chart: label, count, whole percent (rule R2), colour; group = its domaine/type."""

    label: str
    count: int
    pct: int
    color: str
    short: str = ""
    group: str = ""

    @property
    def count_txt(self) -> str:
        return fmt_int(self.count)

    @property
    def pct_txt(self) -> str:
        """'14 %', or '< 1 %' when a non-zero count rounds to 0 %."""
        return fmt_share(self.pct, self.count)


@dataclass
class KeyFigure:
    value: str
    label: str
    note: str = ""


@dataclass
class TailleRow:
    classe: str
    communes_demandeuses: int
    communes_total: int
    pct_communes: int          # share of the class's communes that made a request (breakdowns)
    demandes: int
    pct_demandes: int
    color: str


@dataclass
class StackRow:
    """domaine × prestation: one prestation's share within one domaine."""

    domaine: str
    prestation: str
    short: str
    count: int
    pct: int
    color: str


@dataclass
class EpciRow:
    siren: str
    nom: str                   # DGCL name ("CC du Crestois et de Pays de Saillans Cœur de Drôme")
    communes_demandeuses: int
    communes_total: int
    demandes_communes: int
    demandes_epci: int
    demandes: int


@dataclass
class CommuneRow:
    code_insee: str
    nom: str
    classe: str
    demandes: int
    missions: int
    color: str


@dataclass
class CommuneDemandes:
    """A commune on the département map: its demandes summed over the cantons its rows name."""

    code_insee: str
    nom: str
    classe: str
    demandes: int


@dataclass
class CantonPage:
    code: str
    label: str                 # official short name (INSEE COG): "Saint-Vallier", "Valence-1", "Le Diois"
    nom: str                   # with its article, for the title: "canton de la Drôme des Collines"
    de_label: str              # "de Saint-Vallier", "du Diois": "bilan … sur le canton du Diois"
    label_rapport: str         # the 2021 report's own label ("St Vallier"), kept for reading exports
    communes_concernees: int
    communes_total: int
    demandes: int
    missions: int
    thematiques: list[Share]
    prestations: list[Share]
    communes: list[CommuneRow]
    split_communes: list[str]  # codes of communes shared with other cantons (cut on the map)
    communes_phrase: str = ""  # "16 communes concernées" (report wording)
    demandes_phrase: str = ""  # "33 demandes"
    missions_phrase: str = ""  # "41 missions"
    communes_note: str = ""    # "sur 28 communes du canton", "sur 1 commune du canton"
    rounding_note: str = ""    # why two equal counts show different percentages, when they do
    title: str = ""            # "Canton de la Drôme des Collines"

    @property
    def href(self) -> str:
        return f"cantons/{self.code}.html"


@dataclass
class TrendRow:
    annee: int
    demandes: int
    missions: int
    communes_demandeuses: int
    epci_demandeurs: int | None = None
    evolution_demandes_pct: int | None = None
    part_cd26_pct: int | None = None
    part_partenaires_pct: int | None = None


@dataclass
class Section:
    """A block of prose added to a page: editorial sections (édito, démarche, actions…), added by the
    editorial stage. `place`: 'debut' (after the page's introduction) or 'fin' (before the footer)."""

    id: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    place: str = "debut"


@dataclass
class Departement:
    key_figures: list[KeyFigure]
    intro: str
    domaines: list[Share]
    thematiques: list[Share]
    prestations: list[Share]
    partenaires: list[Share]
    partenaire_types: list[Share]
    taille: list[TailleRow]
    taille_phrase: str
    partenaires_phrase: str
    domaine_prestation: list[StackRow]
    epci: list[EpciRow]
    cantons: list[CantonPage]
    communes: list[CommuneDemandes] = field(default_factory=list)
    trends: list[TrendRow] = field(default_factory=list)
    trends_domaine: list[dict[str, Any]] = field(default_factory=list)
    rounding_notes: dict[str, str] = field(default_factory=dict)   # chart name → note


# ------------------------------------------------------------------------ pages about the data

@dataclass
class Definition:
    term: str
    text: str


@dataclass
class Methodologie:
    """For a reader of the report: what is counted, how shares are rounded, the sources."""

    intro: str
    definitions: list[Definition]
    counting_rules: list[str]
    rounding: list[str]            # paragraphs: the rule in words
    rounding_example: list[str]    # the worked example, step by step
    geography: str                 # which geography and populations the year uses
    sources: list[str]             # cited as an administration cites them
    licence: str


@dataclass
class LoadedFile:
    fichier: str
    feuille: str
    sha256: str
    charge_le: str
    format: str
    lignes_lues: str
    acceptees: str
    refuse: str


@dataclass
class Annexe:
    """Technical annex: provenance for an analyst (hashes, load times, files, versions)."""

    inputs: list[LoadedFile]
    millesimes: list[dict[str, str]]
    upstream: list[dict[str, str]]   # data/ref/SOURCES.md table (packages, versions)
    attribution: str
    version: str
    generated_at: str


@dataclass
class QuarantineRow:
    fichier: str
    feuille: str
    ligne: str
    id_mission: str
    valeurs: list[tuple[str, str]]   # (column as read, value as read)
    raison: str = ""


@dataclass
class ReasonGroup:
    raison: str
    n: int
    rows: list[QuarantineRow]
    hidden: int = 0


@dataclass
class Qualite:
    totals: dict[str, str]
    files: list[dict[str, str]]
    reasons: list[ReasonGroup]
    unresolved_cantons: list[QuarantineRow]
    conflicts: list[dict[str, str]]
    n_quarantine: int = 0
    n_conflicts: int = 0
    warnings: list[dict[str, str]] = field(default_factory=list)
    n_warnings: int = 0
    lead: str = ""                  # "2 616 lignes lues dans 8 fichiers : …"


@dataclass
class DownloadFile:
    name: str
    kind: str
    size: str
    description: str


@dataclass
class Telechargements:
    files: list[DownloadFile] = field(default_factory=list)


@dataclass
class Pages:
    year: int
    title: str
    version: str
    generated_at: str
    departement: Departement
    methodologie: Methodologie
    qualite: Qualite
    annexe: Annexe | None = None
    texts: dict[str, Any] = field(default_factory=dict)    # section and chart titles, captions (prose.texts)
    sections: list[Section] = field(default_factory=list)  # editorial slots of the home page

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict for the Typst template, numbers also given as French text.

        Every integer field `x` gets a sibling `x_txt` (fmt_int, or the share rule for percent fields),
        so the PDF prints exactly the strings of the site without reimplementing French formatting.
        """
        return _with_text(asdict(self))


# the count behind a percent field: a non-zero count never prints as 0 %
_COUNT_OF = {"pct": "count", "pct_demandes": "demandes", "pct_communes": "communes_demandeuses"}


def _with_text(obj: Any) -> Any:
    if isinstance(obj, dict):
        out = {k: _with_text(v) for k, v in obj.items()}
        for k, v in obj.items():
            if isinstance(v, int) and not isinstance(v, bool) and k not in ("annee", "year", "millesime"):
                if isinstance(obj.get(_COUNT_OF.get(k, "")), int):
                    out[f"{k}_txt"] = fmt_share(v, obj[_COUNT_OF[k]])
                elif k == "pct" or k.startswith("pct_"):
                    out[f"{k}_txt"] = fmt_pct(v)
                else:
                    out[f"{k}_txt"] = fmt_int(v)
        return out
    if isinstance(obj, (list, tuple)):
        return [_with_text(v) for v in obj]
    return obj
