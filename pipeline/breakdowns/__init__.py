"""Polars breakdowns: one function per report table, all from one year's rows of `missions`.

`all_breakdowns` is what the API (and so the build) calls; the table names are those of
docs/spec/outputs.md without `.csv`, plus `by_commune`, and `trends` / `trends_domaine`
when more than one year is loaded.
"""

from __future__ import annotations

import polars as pl

from pipeline.breakdowns.categories import by_domaine, by_partenaire, by_prestation, by_thematique, domaine_prestation
from pipeline.breakdowns.common import COLUMNS, HISTORY_COLUMNS, EmptyYearError, check_labels, check_year, default_ref
from pipeline.breakdowns.summary import summary
from pipeline.breakdowns.territory import (
    by_canton,
    by_commune,
    by_epci,
    by_taille,
    canton_prestation,
    canton_thematique,
)
from pipeline.breakdowns.trends import trends, trends_domaine
from pipeline.ref.load import Ref, RefYear

# Contract tables (docs/spec/outputs.md), in the contract's order, then the site's extra tables.
CONTRACT_TABLES: tuple[str, ...] = (
    "summary", "by_domaine", "by_thematique", "by_prestation", "by_partenaire", "by_taille",
    "by_canton", "canton_thematique", "canton_prestation", "by_epci", "domaine_prestation",
)
EXTRA_TABLES: tuple[str, ...] = ("by_commune", "trends", "trends_domaine")

__all__ = [
    "COLUMNS", "CONTRACT_TABLES", "EXTRA_TABLES", "HISTORY_COLUMNS", "EmptyYearError", "all_breakdowns",
    "by_canton", "by_commune", "by_domaine", "by_epci", "by_partenaire", "by_prestation", "by_taille",
    "by_thematique", "canton_prestation", "canton_thematique", "domaine_prestation", "summary", "trends",
    "trends_domaine",
]


def all_breakdowns(missions: pl.DataFrame, ref_year: RefYear, previous: pl.DataFrame | None = None,
                   history: pl.DataFrame | None = None, *, ref: Ref | None = None) -> dict[str, pl.DataFrame]:
    """Every table of the year, keyed by name.

    missions: the year's rows of the warehouse `missions` table (at least `COLUMNS`).
    previous: the previous year's missions (at least annee, id_demande), for evolution_demandes_pct.
    history: missions of every loaded year (at least `HISTORY_COLUMNS`); years after the report's are
      ignored, and trends are produced only when more than one year remains.
    ref: the taxonomy (domaines, thématiques, prestations, partenaires); default data/ref.
    Raises EmptyYearError when the year has no mission.
    """
    year = ref_year.year
    check_year(missions, year)
    ref = ref or default_ref()
    check_labels(missions, ref, ref_year)
    tables: dict[str, pl.DataFrame] = {}
    partenaires = by_partenaire(missions, ref)
    tables["summary"] = summary(missions, ref_year, partenaires, previous)
    tables["by_domaine"] = by_domaine(missions, ref)
    tables["by_thematique"] = by_thematique(missions, ref)
    tables["by_prestation"] = by_prestation(missions, ref)
    tables["by_partenaire"] = partenaires
    tables["by_taille"] = by_taille(missions, ref_year)
    tables["by_canton"] = by_canton(missions, ref_year)
    tables["canton_thematique"] = canton_thematique(missions, ref_year, ref)
    tables["canton_prestation"] = canton_prestation(missions, ref_year, ref)
    tables["by_epci"] = by_epci(missions, ref_year)
    tables["domaine_prestation"] = domaine_prestation(missions, ref)
    tables["by_commune"] = by_commune(missions, ref_year)
    if history is not None:
        past = history.filter(pl.col("annee") <= year)
        if past["annee"].n_unique() > 1:
            tables["trends"] = trends(past)
            tables["trends_domaine"] = trends_domaine(past, ref)
    return tables
