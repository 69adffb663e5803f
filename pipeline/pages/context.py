"""What the site and the PDF are built from: one year's tables, the reference, and the load history.

Why a single object: the build orchestrator gathers everything once (breakdowns from the warehouse,
the reference in force for the year, the quality tables) and both renderers read the same thing, so
the site and the PDF cannot be built from different data. `context_from_tables` rebuilds a context
from the CSV tables of a built year (or the test fixtures), without the warehouse.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl

from pipeline import __version__
from pipeline.ref import Ref, RefYear, load_ref

LOAD_LOG_SCHEMA = {
    "fichier": pl.Utf8, "feuille": pl.Utf8, "sha256": pl.Utf8, "charge_le": pl.Utf8, "format": pl.Utf8,
    "lignes_lues": pl.Int64, "acceptees": pl.Int64, "quarantaine": pl.Int64, "doublons": pl.Int64,
    "conflits": pl.Int64, "refuse": pl.Utf8,
}
QUARANTINE_SCHEMA = {"fichier": pl.Utf8, "feuille": pl.Utf8, "ligne": pl.Int64, "id_mission": pl.Utf8,
                     "raison": pl.Utf8, "valeurs": pl.Utf8}
WARNINGS_SCHEMA = {"fichier": pl.Utf8, "feuille": pl.Utf8, "ligne": pl.Int64, "id_mission": pl.Utf8,
                   "avertissement": pl.Utf8}
CONFLICTS_SCHEMA = {"id_mission": pl.Utf8, "ancien_fichier": pl.Utf8, "ancien_ligne": pl.Int64,
                    "nouveau_fichier": pl.Utf8, "nouveau_ligne": pl.Int64}

# Code columns stay text (leading zeros, no arithmetic on them).
_TEXT_COLUMNS = {"code_canton": pl.Utf8, "code_insee": pl.Utf8, "siren": pl.Utf8, "valeur": pl.Utf8}
_QUALITY_FILES = {"load_log", "quarantine", "conflicts"}


@dataclass
class BuildContext:
    """Everything build_site / build_pdf read. The frames are not modified.

    tables      breakdowns keyed by table name (docs/spec/outputs.md) + by_commune, trends, trends_domaine
    ref         pipeline.ref.load_ref(); ref_year = ref.for_year(year) (communes with classe, cantons, epci)
    load_log    fichier, feuille, sha256, charge_le, format, lignes_lues, acceptees, quarantaine,
                doublons, conflits, refuse
    quarantine  fichier, feuille, ligne, id_mission, raison, valeurs (JSON text of the row as read)
    conflicts   id_mission, ancien_fichier, ancien_ligne, nouveau_fichier, nouveau_ligne
    warnings    fichier, feuille, ligne, id_mission, avertissement (accepted missions with a remark)
    table_files names of the files in OUT/tables to list on the downloads page; None = list the folder
    pdf         link OUT/bilan-YEAR.pdf from the site: True = yes (it will be written), None = if it
                exists when the site is built, False = no
    """

    year: int
    tables: dict[str, pl.DataFrame]
    ref: Ref
    ref_year: RefYear
    load_log: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=LOAD_LOG_SCHEMA))
    quarantine: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=QUARANTINE_SCHEMA))
    conflicts: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=CONFLICTS_SCHEMA))
    warnings: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=WARNINGS_SCHEMA))
    version: str = __version__
    generated_at: datetime = field(default_factory=lambda: datetime.now().replace(microsecond=0))
    table_files: list[str] | None = None
    pdf: bool | None = None
    editorial: Any = None       # pipeline.editorial.RenderedEditorial: the team's texts, placed by the pages
    _cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def table(self, name: str) -> pl.DataFrame | None:
        """A breakdown, or None when it was not produced (trends with a single year loaded)."""
        df = self.tables.get(name)
        return df if df is not None and df.height > 0 else None

    def summary(self) -> dict[str, int | float | None]:
        """summary.csv as {indicateur: number or None}; valeur may arrive as text, int or float."""
        df = self.tables["summary"]
        return {k: _number(v) for k, v in df.select("indicateur", "valeur").iter_rows()}


def _number(v: object) -> int | float | None:
    if v is None or (isinstance(v, str) and not v.strip()):
        return None
    f = float(v) if isinstance(v, (int, float)) else float(str(v))
    return int(f) if f.is_integer() else f


def _read_csv(path: Path) -> pl.DataFrame:
    head = path.open(encoding="utf-8").readline().strip().split(",")
    overrides = {c: t for c, t in _TEXT_COLUMNS.items() if c in head}
    return pl.read_csv(path, schema_overrides=overrides, infer_schema_length=10000)


def _quarantine_frame(df: pl.DataFrame) -> pl.DataFrame:
    """Accept the published quarantine.csv too (fichier, ligne, raison + the row's own columns)."""
    if "valeurs" not in df.columns:
        extra = [c for c in df.columns if c not in QUARANTINE_SCHEMA]
        values = [json.dumps({c: r[c] for c in extra if r[c] is not None}, ensure_ascii=False)
                  for r in df.iter_rows(named=True)]
        df = df.with_columns(pl.Series("valeurs", values, dtype=pl.Utf8))
    for c, t in QUARANTINE_SCHEMA.items():
        if c not in df.columns:
            df = df.with_columns(pl.lit(None, dtype=t).alias(c))
    return df.select([pl.col(c).cast(t) for c, t in QUARANTINE_SCHEMA.items()])


def context_from_tables(tables_dir: Path, ref: Ref | None = None, quality_dir: Path | None = None,
                        **kw) -> BuildContext:
    """A BuildContext from a folder of CSV tables (a built year's tables/, or test fixtures).

    load_log.csv / quarantine.csv / conflicts.csv are read from quality_dir (default: tables_dir).
    """
    tables_dir = Path(tables_dir)
    quality_dir = Path(quality_dir or tables_dir)
    tables = {p.stem: _read_csv(p) for p in sorted(tables_dir.glob("*.csv")) if p.stem not in _QUALITY_FILES}
    year = int(dict(tables["summary"].select("indicateur", "valeur").iter_rows())["annee"])
    ref = ref or load_ref()
    quality = {}
    for name, schema in (("load_log", LOAD_LOG_SCHEMA), ("quarantine", QUARANTINE_SCHEMA),
                         ("conflicts", CONFLICTS_SCHEMA)):
        path = quality_dir / f"{name}.csv"
        df = pl.read_csv(path, schema_overrides=schema) if path.exists() else pl.DataFrame(schema=schema)
        quality[name] = _quarantine_frame(df) if name == "quarantine" else df
    return BuildContext(year=year, tables=tables, ref=ref, ref_year=ref.for_year(year), load_log=quality["load_log"],
                        quarantine=quality["quarantine"], conflicts=quality["conflicts"], **kw)
