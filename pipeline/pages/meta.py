"""Page models of the pages about the data: méthodologie, qualité, téléchargements.

Why they exist: a figure is only trusted if a reader can see what was counted, from which files (with
their sha256, so a file can be checked), with which reference millésime, and what was left out
(quarantine, conflicts, duplicates). Everything here comes from the BuildContext; free text from the
exports (quarantined values) is kept as plain strings — the templates escape it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import polars as pl

from pipeline.fmt import fmt_int
from pipeline.pages import prose
from pipeline.pages.models import (
    Annexe,
    Definition,
    DownloadFile,
    LoadedFile,
    Methodologie,
    Qualite,
    QuarantineRow,
    ReasonGroup,
    Telechargements,
)
from pipeline.quality import reason_kind
from pipeline.text import key

MAX_ROWS_PER_REASON = 200   # beyond this the page points to quarantine.csv
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


def _millesime_row(ctx) -> dict[str, str]:
    rows = [{k: _s(v) for k, v in r.items()} for r in ctx.ref.millesimes.iter_rows(named=True)]
    return next((m for m in rows if int(m["annee_min"]) <= ctx.year <= int(m["annee_max"])), {})


def methodologie(ctx) -> Methodologie:
    """The methodology for a reader: definitions, counting, rounding with a worked example, sources."""
    ry = ctx.ref_year
    note = _millesime_row(ctx).get("note", "")
    return Methodologie(
        intro=prose.METHOD_INTRO,
        definitions=[Definition(t, d) for t, d in prose.DEFINITIONS],
        counting_rules=prose.COUNTING_RULES,
        rounding=prose.ROUNDING,
        rounding_example=prose.rounding_example(),
        geography=prose.geography(ctx.year, ry.millesime, note),
        sources=prose.sources(ctx.year, ry.millesime, note),
        licence=prose.licence_text(),
    )


def annexe(ctx) -> Annexe:
    """The technical annex: loaded files with their sha256 and load time, reference files, versions."""
    upstream, attribution = _sources(ctx.ref.dir)
    millesimes = [{k: _s(v) for k, v in r.items()} for r in ctx.ref.millesimes.iter_rows(named=True)]
    inputs = [LoadedFile(_s(r.get("fichier")), _s(r.get("feuille")), _s(r.get("sha256")),
                         _s(r.get("charge_le"))[:19], _s(r.get("format")), fmt_int(r.get("lignes_lues")),
                         fmt_int(r.get("acceptees")), _s(r.get("refuse")))
              for r in ctx.load_log.iter_rows(named=True)]
    return Annexe(inputs, millesimes, upstream, attribution, ctx.version,
                  ctx.generated_at.strftime("%d/%m/%Y %H:%M"))


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
    counts = {k: int(log[k].sum() or 0) if k in log.columns else 0 for k in cols}
    counts["fichiers"] = log.height
    counts["refuses"] = log.filter(pl.col("refuse").is_not_null()).height if "refuse" in log.columns else 0
    return Qualite(totals, files, reasons, unresolved, conflicts, q.height, c.height, warnings, w.height,
                   lead=prose.quality_lead(counts))


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
