"""The analyst's entry point to the warehouse — and the build's: there is no second code path.

    from pipeline.api import open_warehouse
    wh = open_warehouse()                 # data/warehouse.duckdb, or $BILAN_DB, read-only
    wh.years()                            # [2020, 2021]
    wh.missions(2021)                     # the clean missions of a year (Polars)
    wh.table("by_canton", 2021)           # one report table, exactly as published
    wh.sql("select partenaire, count(*) from missions group by all").pl()

Read-only, so a notebook left open never holds a write lock, and nothing here can change the data.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from pipeline import config
from pipeline.breakdowns import EmptyYearError, all_breakdowns, warehouse_rows
from pipeline.breakdowns.common import default_ref
from pipeline.ref.load import Ref, RefYear, load_ref

# Queries, named. {cols} is a fixed list of column names from pipeline.breakdowns, never user input.
SQL_YEARS = "SELECT DISTINCT annee FROM missions ORDER BY annee"
SQL_MISSIONS = "SELECT * FROM missions {where} ORDER BY annee, id_mission"
SQL_QUARANTINE = """
SELECT load_id, fichier, feuille, ligne, id_mission, annee, raison, valeurs
FROM quarantine
{where}
ORDER BY fichier, feuille NULLS FIRST, ligne
"""
SQL_LOAD_LOG = "SELECT * FROM load_log ORDER BY load_id"
SQL_WARNINGS = """
SELECT fichier, feuille, ligne, id_mission, avertissement
FROM missions
WHERE avertissement IS NOT NULL AND ($year IS NULL OR annee = $year)
ORDER BY fichier, feuille NULLS FIRST, ligne
"""
SQL_CONFLICTS = "SELECT * FROM conflicts {where} ORDER BY load_id, id_mission"


def open_warehouse(path: str | Path | None = None, ref_dir: str | Path | None = None) -> Warehouse:
    """Open the DuckDB warehouse read-only (default `config.WAREHOUSE`, i.e. $BILAN_DB or
    data/warehouse.duckdb). `ref_dir` points at another data/ref (tests)."""
    path = Path(path or config.WAREHOUSE)
    if not path.exists():
        raise FileNotFoundError(f"entrepôt introuvable : {path} (lancez `bilan ingest` ou `bilan demo`)")
    con = duckdb.connect(str(path), read_only=True)
    # in Jupyter without ipywidgets DuckDB refuses to touch the setting; bars are off there anyway
    with contextlib.suppress(duckdb.Error):
        con.execute("SET enable_progress_bar = false")   # no progress bars in build logs
    ref = load_ref(Path(ref_dir)) if ref_dir else default_ref()
    return Warehouse(con=con, path=path, ref=ref)


@dataclass
class Warehouse:
    """A read-only view of one warehouse file. Breakdowns are computed once per year and kept."""

    con: duckdb.DuckDBPyConnection
    path: Path
    ref: Ref
    _breakdowns: dict[int, dict[str, pl.DataFrame]] = field(default_factory=dict, repr=False)

    # -- the data ---------------------------------------------------------------------------------
    def years(self) -> list[int]:
        """Years that have missions, ascending."""
        return [int(r[0]) for r in self.con.sql(SQL_YEARS).fetchall()]

    def missions(self, year: int | None = None) -> pl.DataFrame:
        """The clean missions (every column of the `missions` table), of one year or all."""
        if year is None:
            return self.con.sql(SQL_MISSIONS.format(where="")).pl()
        return self.con.sql(SQL_MISSIONS.format(where="WHERE annee = $year"), params={"year": year}).pl()

    def ref_year(self, year: int) -> RefYear:
        """The reference in force for the year (communes, populations, EPCI, cantons, size classes)."""
        return self.ref.for_year(year)

    # -- the report's tables ----------------------------------------------------------------------
    def breakdowns(self, year: int) -> dict[str, pl.DataFrame]:
        """Every table of the year (see pipeline.breakdowns.all_breakdowns).

        Uses the previous year for evolution_demandes_pct when it is loaded, and every loaded year up
        to `year` for the trends. Every count runs in DuckDB; only the small result tables come back
        (see pipeline.breakdowns.rows). Raises EmptyYearError when the year has no mission.
        """
        if year not in self._breakdowns:
            loaded = self.years()
            if year not in loaded:
                raise EmptyYearError(f"aucune mission pour {year} dans l'entrepôt "
                                     f"(années chargées : {', '.join(map(str, loaded)) or 'aucune'})")
            rows = warehouse_rows(self.con, year)
            self._breakdowns[year] = all_breakdowns(rows, self.ref_year(year), ref=self.ref)
        return dict(self._breakdowns[year])

    def table(self, name: str, year: int) -> pl.DataFrame:
        """One table of the year by its published name ('by_canton', 'summary', ...)."""
        tables = self.breakdowns(year)
        if name not in tables:
            raise KeyError(f"table inconnue : {name!r} (tables de {year} : {', '.join(tables)})")
        return tables[name]

    # -- data quality -----------------------------------------------------------------------------
    def quarantine(self, year: int | None = None) -> pl.DataFrame:
        """Quarantined rows (file, line, reason, values as read as JSON text). For a year, rows whose
        date could not be read (annee NULL) are included too: they belong to no year, and hiding
        them would drop them silently."""
        if year is None:
            return self.con.sql(SQL_QUARANTINE.format(where="")).pl()
        where = "WHERE annee = $year OR annee IS NULL"
        return self.con.sql(SQL_QUARANTINE.format(where=where), params={"year": year}).pl()

    def warnings(self, year: int | None = None) -> pl.DataFrame:
        """Accepted missions with a remark (pre-merger code translated, export's domaine or canton
        overruled by the reference)."""
        return self.con.sql(SQL_WARNINGS, params={"year": year}).pl()

    def load_log(self) -> pl.DataFrame:
        """One row per file (or sheet) a load looked at: counts, refusal, whether already loaded."""
        return self.con.sql(SQL_LOAD_LOG).pl()

    def conflicts(self, year: int | None = None) -> pl.DataFrame:
        """Missions that came back with different content (the newer load replaced the older)."""
        if year is None:
            return self.con.sql(SQL_CONFLICTS.format(where="")).pl()
        return self.con.sql(SQL_CONFLICTS.format(where="WHERE annee = $year"), params={"year": year}).pl()

    # -- free querying ----------------------------------------------------------------------------
    def sql(self, query: str) -> duckdb.DuckDBPyRelation:
        """Any read-only SQL on the warehouse; call .pl() / .fetchall() on the result."""
        return self.con.sql(query)

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
