"""Breakdowns: one function per report table, all from one year's rows of `missions`.

Each function runs its GROUP BY in DuckDB where the rows are (see rows.py: the warehouse, or Polars
frames registered in an in-memory DuckDB) and shapes the small result with Polars (canonical grid,
whole-percent shares: common.py). To add a table: write `def my_table(rows: MissionRows, ...) ->
pl.DataFrame` with its SQL on `year_missions` (or `history_missions`) next to its kin, and add one line
to `all_breakdowns`.

`all_breakdowns` is what the API (and so the build) calls; the table names are those of
docs/spec/outputs.md without `.csv`, plus `by_commune`, and the trend tables (`trends`, `trends_domaine`,
`trends_prestation`, `trends_canton`) when more than one year is loaded.
"""

from __future__ import annotations

import polars as pl

from pipeline.breakdowns.categories import by_domaine, by_partenaire, by_prestation, by_thematique, domaine_prestation
from pipeline.breakdowns.common import EmptyYearError, check_labels, check_year, default_ref
from pipeline.breakdowns.rows import COLUMNS, HISTORY_COLUMNS, MissionRows, frame_rows, warehouse_rows
from pipeline.breakdowns.summary import summary
from pipeline.breakdowns.territory import (
    by_canton,
    by_commune,
    by_epci,
    by_taille,
    canton_prestation,
    canton_thematique,
)
from pipeline.breakdowns.trends import has_trends, trends, trends_canton, trends_domaine, trends_prestation
from pipeline.ref.load import Ref, RefYear

# Contract tables (docs/spec/outputs.md), in the contract's order, then the site's extra tables.
CONTRACT_TABLES: tuple[str, ...] = (
    "summary", "by_domaine", "by_thematique", "by_prestation", "by_partenaire", "by_taille",
    "by_canton", "canton_thematique", "canton_prestation", "by_epci", "domaine_prestation",
)
EXTRA_TABLES: tuple[str, ...] = ("by_commune", "trends", "trends_domaine", "trends_prestation", "trends_canton")

__all__ = [
    "COLUMNS",
    "CONTRACT_TABLES",
    "EXTRA_TABLES",
    "HISTORY_COLUMNS",
    "EmptyYearError",
    "MissionRows",
    "all_breakdowns",
    "by_canton",
    "by_commune",
    "by_domaine",
    "by_epci",
    "by_partenaire",
    "by_prestation",
    "by_taille",
    "by_thematique",
    "canton_prestation",
    "canton_thematique",
    "domaine_prestation",
    "frame_rows",
    "summary",
    "trends",
    "trends_canton",
    "trends_domaine",
    "trends_prestation",
    "warehouse_rows",
]


def all_breakdowns(missions: pl.DataFrame | MissionRows, ref_year: RefYear, previous: pl.DataFrame | None = None,
                   history: pl.DataFrame | None = None, *, ref: Ref | None = None) -> dict[str, pl.DataFrame]:
    """Every table of the year, keyed by name.

    missions: MissionRows (the API: views of the warehouse, previous year and history included), or a
      frame of the year's rows of the warehouse `missions` table (at least `COLUMNS`), with then:
    previous: the previous year's missions (at least annee, id_demande), for evolution_demandes_pct;
    history: missions of every loaded year (at least `HISTORY_COLUMNS`); years after the report's are
      ignored, and trends are produced only when more than one year remains.
    ref: the taxonomy (domaines, thématiques, prestations, partenaires); default data/ref.
    Raises EmptyYearError when the year has no mission.
    """
    year = ref_year.year
    rows = missions if isinstance(missions, MissionRows) else frame_rows(missions, previous, history, year)
    check_year(rows, year)
    every_year = ref or default_ref()
    ref = every_year.taxonomy_for(year)   # the year's own taxonomy: its grids list only its labels
    check_labels(rows, ref, ref_year)
    tables: dict[str, pl.DataFrame] = {}
    partenaires = by_partenaire(rows, ref)
    tables["summary"] = summary(rows, ref_year, partenaires)
    tables["by_domaine"] = by_domaine(rows, ref)
    tables["by_thematique"] = by_thematique(rows, ref)
    tables["by_prestation"] = by_prestation(rows, ref)
    tables["by_partenaire"] = partenaires
    tables["by_taille"] = by_taille(rows, ref_year)
    tables["by_canton"] = by_canton(rows, ref_year)
    tables["canton_thematique"] = canton_thematique(rows, ref_year, ref)
    tables["canton_prestation"] = canton_prestation(rows, ref_year, ref)
    tables["by_epci"] = by_epci(rows, ref_year)
    tables["domaine_prestation"] = domaine_prestation(rows, ref)
    tables["by_commune"] = by_commune(rows, ref_year)
    if has_trends(rows):
        tables["trends"] = trends(rows, every_year)
        tables["trends_domaine"] = trends_domaine(rows, every_year)
        tables["trends_prestation"] = trends_prestation(rows, every_year)
        tables["trends_canton"] = trends_canton(rows, ref_year)
    return tables
