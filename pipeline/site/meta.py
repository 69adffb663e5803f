"""Page models of the pages about the data: méthodologie, qualité, téléchargements.

Why they exist: a figure is only trusted if a reader can see what was counted, from which files (with
their sha256, so a file can be checked), with which reference millésime, and what was left out
(quarantine, conflicts, duplicates). Everything here comes from the BuildContext; free text from the
exports (quarantined values) is kept as plain strings — the templates escape it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from pipeline.fmt import fmt_int
from pipeline.quality import reason_kind
from pipeline.text import key

MAX_ROWS_PER_REASON = 200   # beyond this the page points to quarantine.csv

DEFINITIONS = [
    ("Demande", "une sollicitation d'une collectivité (commune, EPCI, syndicat…) enregistrée sur la "
                "plate-forme de l'ingénierie publique ; elle est comptée une fois, même si plusieurs "
                "services ou partenaires y répondent."),
    ("Mission", "la réponse d'un service du Département ou d'un partenaire à une demande, pour une "
                "thématique et un type de prestation ; une demande peut donner lieu à plusieurs "
                "missions. Les répartitions par domaine, thématique, prestation et partenaire "
                "comptent des missions."),
    ("Commune demandeuse", "une commune ayant fait au moins une demande dans l'année, identifiée par "
                           "son code INSEE dans la géographie communale en vigueur cette année-là."),
    ("EPCI demandeur", "un établissement public de coopération intercommunale ayant lui-même fait une "
                       "demande (les demandes de ses communes sont comptées à part)."),
    ("Canton d'une demande", "celui de la commune demandeuse. Valence, Montélimar et Romans-sur-Isère "
                             "sont partagées entre plusieurs cantons : une demande y est rattachée au "
                             "canton indiqué dans l'export, et la commune compte dans chacun de ses "
                             "cantons concernés."),
    ("Taille de commune", "la population légale (population municipale) en vigueur au 1er janvier de "
                          "l'année, répartie en quatre classes."),
]
COUNTING_RULES = [
    "demandes = nombre d'identifiants de demande distincts ; missions = nombre de lignes de mission ;",
    "une mission présente dans plusieurs fichiers n'est comptée qu'une fois : le chargement le plus "
    "récent remplace le précédent (les cas où le contenu a changé sont listés comme conflits) ;",
    "une ligne illisible ou non rattachable (date, commune, thématique inconnues…) n'est pas comptée : "
    "elle est mise en quarantaine avec sa raison (voir la page Qualité des données).",
]
ROUNDING_RULE = ("Les pourcentages sont des pourcentages entiers : chaque part est arrondie au plus "
                 "proche, la moitié vers le haut (12,5\u202f% donne 13\u202f%) ; si les parts arrondies ne "
                 "font pas 100, l'écart de d points est réparti à raison d'un point sur chacune des d plus grandes "
                 "catégories (par effectif). C'est la règle qui reproduit tous les graphiques du bilan 2021.")
FALLBACK_ATTRIBUTION = ("Sources : INSEE (Code officiel géographique, populations légales), DGCL (liste des "
                        "EPCI à fiscalité propre), IGN (ADMIN EXPRESS COG) — Licence Ouverte / Etalab.")

TABLE_DESCRIPTIONS = {
    "summary": "Chiffres clés de l'année",
    "by_domaine": "Missions par domaine",
    "by_thematique": "Missions par thématique",
    "by_prestation": "Missions par type de prestation",
    "by_partenaire": "Missions par partenaire (services du Département ou partenaires extérieurs)",
    "by_taille": "Communes demandeuses et demandes par taille de commune",
    "by_canton": "Communes concernées, demandes et missions par canton",
    "canton_thematique": "Missions par thématique dans chaque canton",
    "canton_prestation": "Missions par type de prestation dans chaque canton",
    "by_epci": "Demandes par EPCI (de ses communes et de l'EPCI lui-même)",
    "domaine_prestation": "Types de prestation au sein de chaque domaine",
    "by_commune": "Demandes et missions par commune",
    "trends": "Évolution des demandes sur les années chargées",
    "trends_domaine": "Évolution des missions par domaine",
    "quarantine": "Lignes écartées (quarantaine), avec la raison et les valeurs lues",
}


@dataclass
class Methodologie:
    definitions: list[tuple[str, str]]
    counting_rules: list[str]
    rounding_rule: str
    millesime: int
    population_note: str
    millesimes: list[dict]
    sources: list[dict]            # id, source, millesime, licence
    attribution: str
    inputs: list[dict]             # load_log rows, formatted
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
    files: list[dict]
    reasons: list[ReasonGroup]
    unresolved_cantons: list[QuarantineRow]
    conflicts: list[dict]
    n_quarantine: int = 0
    n_conflicts: int = 0
    warnings: list[dict] = field(default_factory=list)
    n_warnings: int = 0


@dataclass
class DownloadFile:
    name: str
    kind: str
    size: str
    description: str


@dataclass
class Telechargements:
    files: list[DownloadFile] = field(default_factory=list)


def _s(v) -> str:
    return "" if v is None else str(v)


def _sources(ref_dir: Path) -> tuple[list[dict], str]:
    """The 'Upstream sources' table and the attribution line of data/ref/SOURCES.md, when present."""
    path = ref_dir / "SOURCES.md"
    if not path.exists():
        return [], FALLBACK_ATTRIBUTION
    text = path.read_text(encoding="utf-8")
    rows = []
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) == 4 and re.fullmatch(r"S\d+", cells[0]):
            clean = [re.sub(r"[*`]", "", c) for c in cells]
            rows.append(dict(zip(("id", "source", "millesime", "licence"), clean, strict=True)))
    m = re.search(r'Required attribution: "([^"]+)"', text)
    return rows, (m.group(1) if m else FALLBACK_ATTRIBUTION)


def methodologie(ctx) -> Methodologie:
    ry = ctx.ref_year
    sources, attribution = _sources(ctx.ref.dir)
    millesimes = [{k: _s(v) for k, v in r.items()} for r in ctx.ref.millesimes.iter_rows(named=True)]
    row = next((m for m in millesimes if int(m["annee_min"]) <= ctx.year <= int(m["annee_max"])), None)
    note = (f"populations : colonne « {row['colonne_population']} » du fichier {row['fichier_communes']}"
            if row else "")
    inputs = [{"fichier": _s(r.get("fichier")), "feuille": _s(r.get("feuille")), "sha256": _s(r.get("sha256")),
               "charge_le": _s(r.get("charge_le"))[:19], "format": _s(r.get("format")),
               "lignes_lues": fmt_int(r.get("lignes_lues")), "acceptees": fmt_int(r.get("acceptees")),
               "refuse": _s(r.get("refuse"))}
              for r in ctx.load_log.iter_rows(named=True)]
    return Methodologie(DEFINITIONS, COUNTING_RULES, ROUNDING_RULE, ry.millesime,
                        note, millesimes, sources,
                        attribution, inputs, ctx.version, ctx.generated_at.strftime("%d/%m/%Y %H:%M"))


def _values(text: str | None) -> list[tuple[str, str]]:
    """The quarantined row's values as (column, value) pairs; raw text if it is not a JSON object."""
    if not text:
        return []
    try:
        obj = json.loads(text)
    except ValueError:
        return [("", text)]
    if not isinstance(obj, dict):
        return [("", text)]
    return [(str(k), "" if v is None else str(v)) for k, v in obj.items()]


def _qrow(r: dict) -> QuarantineRow:
    return QuarantineRow(_s(r["fichier"]), _s(r["feuille"]), _s(r["ligne"]), _s(r["id_mission"]),
                         _values(r["valeurs"]), _s(r["raison"]))


def qualite(ctx) -> Qualite:
    log, q, c = ctx.load_log, ctx.quarantine, ctx.conflicts
    cols = ("lignes_lues", "acceptees", "quarantaine", "doublons", "conflits")
    totals = {k: fmt_int(int(log[k].sum() or 0)) if k in log.columns else "0" for k in cols}
    totals["fichiers"] = fmt_int(log.height)
    totals["refuses"] = fmt_int(log.filter(pl.col("refuse").is_not_null()).height if "refuse" in log.columns else 0)
    files = [{"fichier": _s(r.get("fichier")), "feuille": _s(r.get("feuille")),
              **{k: fmt_int(r.get(k)) for k in cols}, "refuse": _s(r.get("refuse"))}
             for r in log.iter_rows(named=True)]
    reasons = []
    # Grouped by kind of reason ("code commune inconnu"), each row keeping its own full reason.
    q = q.with_columns(reason_kind(pl.col("raison")).alias("motif"))
    counts = q.group_by("motif").agg(pl.len().alias("n")).sort(["n", "motif"], descending=[True, False])
    for raison, n in counts.iter_rows():
        rows = q.filter(pl.col("motif") == raison).sort("fichier", "ligne")
        shown = [_qrow(r) for r in rows.head(MAX_ROWS_PER_REASON).iter_rows(named=True)]
        reasons.append(ReasonGroup(_s(raison), n, shown, max(0, n - MAX_ROWS_PER_REASON)))
    unresolved = [_qrow(r) for r in q.iter_rows(named=True) if "canton" in key(r["raison"])]
    conflicts = [{k: _s(v) for k, v in r.items()} for r in c.iter_rows(named=True)]
    w = ctx.warnings
    warnings = [{k: _s(v) for k, v in r.items()} for r in w.head(MAX_ROWS_PER_REASON).iter_rows(named=True)]
    return Qualite(totals, files, reasons, unresolved, conflicts, q.height, c.height, warnings, w.height)


def telechargements(ctx, names: list[str], folder: Path | None = None) -> Telechargements:
    """The table files to offer: `names` (or the files present in folder), with a description."""
    if folder is not None and not names and folder.is_dir():
        names = sorted(p.name for p in folder.iterdir() if p.is_file())
    files = []
    for name in names:
        stem, _, ext = name.partition(".")
        path = folder / name if folder is not None else None
        size = _size(path.stat().st_size) if path is not None and path.exists() else ""
        if ext == "xlsx":
            desc = "Toutes les tables dans un classeur Excel (une feuille par table, « À lire » en premier)"
        elif name == "datapackage.json":
            desc = "Description du jeu de données pour les portails de données ouvertes (Data Package : tables, licence, sources)"
        elif ext == "json" or name.endswith(".schema.json"):
            desc = "Description des colonnes (TableSchema / Data Package)"
        else:
            desc = TABLE_DESCRIPTIONS.get(stem, "Table")
        files.append(DownloadFile(name, ext.upper().replace("SCHEMA.", ""), size, desc))
    order = {"CSV": 0, "XLSX": 1, "JSON": 2}
    files.sort(key=lambda f: (order.get(f.kind, 3), f.name))
    return Telechargements(files)


def _size(n: int) -> str:
    return f"{fmt_int(max(1, round(n / 1024)))} Ko" if n < 1024 * 1024 else \
        f"{(n / 1024 / 1024):.1f} Mo".replace(".", ",")
