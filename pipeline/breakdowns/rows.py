"""Where the breakdowns count: in DuckDB, next to the data.

Each breakdown asks one small GROUP BY of the missions and gets back at most a few hundred rows (one per
category, canton, commune...); Polars then lays those counts on the canonical grids and computes the
shares. A year's missions are never pulled whole into Python, so a 10-million-mission year costs the
build a few DuckDB scans, not gigabytes of frames.

A `MissionRows` names three relations of one DuckDB connection, which the breakdowns' SQL reads:
  year_missions      the report year's missions (at least COLUMNS)
  previous_missions  the year before (annee, id_demande) — for evolution_demandes_pct
  history_missions   every loaded year up to the report's (HISTORY_COLUMNS) — for the trends
They are temporary views over the warehouse `missions` table (`warehouse_rows`, the build's path), or
Polars frames registered as they are (`frame_rows`: notebooks and tests give frames). Same SQL either
way, so a frame and the warehouse give the same tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb
import polars as pl

# Columns of the warehouse `missions` table the breakdowns read.
COLUMNS: tuple[str, ...] = (
    "id_demande", "annee", "demandeur_type", "code_insee", "commune", "code_canton",
    "siren_epci", "population", "classe", "thematique", "domaine", "prestation", "partenaire",
    "partenaire_type",
)
# Columns the trends need from earlier years (and the only ones `previous` needs are annee, id_demande).
HISTORY_COLUMNS: tuple[str, ...] = ("annee", "id_demande", "demandeur_type", "code_insee", "code_canton",
                                     "siren_epci", "domaine", "prestation", "partenaire")

# Which missions a territorial count looks at, written out in each query (SQL stays static text):
#   asked by a commune: demandeur_type = 'commune' AND code_insee IS NOT NULL (only they have a canton and a class)
#   asked by an EPCI itself: demandeur_type = 'epci' AND siren_epci IS NOT NULL

# {year} below is always an int (formatted by int()), never user text.
VIEWS = (
    "CREATE OR REPLACE TEMP VIEW year_missions AS SELECT {cols} FROM missions WHERE annee = {year}",
    "CREATE OR REPLACE TEMP VIEW previous_missions AS SELECT annee, id_demande FROM missions "
    "WHERE annee = {year} - 1",
    "CREATE OR REPLACE TEMP VIEW history_missions AS SELECT {hcols} FROM missions WHERE annee <= {year}",
)


@dataclass(frozen=True)
class MissionRows:
    """The missions a breakdown counts, as relations of a DuckDB connection (see the module doc)."""

    con: duckdb.DuckDBPyConnection
    year: int
    has_history: bool = True

    def sql(self, query: str) -> pl.DataFrame:
        """A (small) query result as a Polars frame; `$year` is the report's year."""
        return self.con.sql(query, params=self._params(query) or None).pl()

    def one(self, query: str) -> tuple[Any, ...]:
        """The single row of an aggregate query."""
        [row] = self.con.execute(query, self._params(query)).fetchall()
        return row

    def _params(self, query: str) -> dict[str, int]:
        return {"year": self.year} if "$year" in query else {}


def warehouse_rows(con: duckdb.DuckDBPyConnection, year: int) -> MissionRows:
    """Views of `year` over the warehouse's `missions` (temporary views work on a read-only connection)."""
    for view in VIEWS:  # views take no parameters: the year is formatted, as an int
        con.execute(view.format(cols=", ".join(COLUMNS), hcols=", ".join(HISTORY_COLUMNS), year=int(year)))
    return MissionRows(con, int(year))


def frame_rows(missions: pl.DataFrame, previous: pl.DataFrame | None = None,
               history: pl.DataFrame | None = None, year: int | None = None) -> MissionRows:
    """Polars frames as the three relations, in a private in-memory DuckDB."""
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    if year is None:
        years = missions["annee"].drop_nulls().unique()
        year = int(years[0]) if len(years) else 0
    empty = pl.DataFrame(schema={"annee": pl.Int64, **{c: pl.String for c in HISTORY_COLUMNS if c != "annee"}})
    con.register("year_missions", missions)
    con.register("previous_missions", previous if previous is not None else empty.select("annee", "id_demande"))
    con.register("history_missions", history if history is not None else empty)
    return MissionRows(con, int(year), has_history=history is not None)


def as_rows(missions: pl.DataFrame | MissionRows) -> MissionRows:
    """What every breakdown accepts: the rows already placed, or a frame of one year's missions."""
    return missions if isinstance(missions, MissionRows) else frame_rows(missions)
