"""Department-wide breakdowns of missions by category: domaine, thématique, prestation, partner.

These charts of the report count *missions* (one partner's intervention on one thématique), not
demandes, and every share is a whole percent by rule R2 over the canonical categories in `ordre`.
"""

from __future__ import annotations

import polars as pl

from pipeline.breakdowns.common import on_grid, ordered, with_shares
from pipeline.breakdowns.rows import MissionRows, as_rows
from pipeline.ref.load import Ref

Missions = pl.DataFrame | MissionRows


SQL_BY_DOMAINE = "SELECT domaine, count(*) AS missions FROM year_missions GROUP BY domaine"
SQL_BY_THEMATIQUE = "SELECT thematique, count(*) AS missions FROM year_missions GROUP BY thematique"
SQL_BY_PRESTATION = "SELECT prestation, count(*) AS missions FROM year_missions GROUP BY prestation"
SQL_BY_PARTENAIRE = "SELECT partenaire, count(*) AS missions FROM year_missions GROUP BY partenaire"
SQL_DOMAINE_PRESTATION = """
SELECT domaine, prestation, count(*) AS missions
FROM year_missions
GROUP BY domaine, prestation
"""


def by_domaine(missions: Missions, ref: Ref) -> pl.DataFrame:
    """domaine, missions, pct — the six domains."""
    grid = ordered(ref.domaines, "domaine")
    return with_shares(on_grid(grid, as_rows(missions).sql(SQL_BY_DOMAINE), ["domaine"]))


def by_thematique(missions: Missions, ref: Ref) -> pl.DataFrame:
    """domaine, thematique, missions, pct — the 15 thématiques; pct of all missions (sums to 100)."""
    grid = ordered(ref.thematiques, "domaine", "thematique")
    return with_shares(on_grid(grid, as_rows(missions).sql(SQL_BY_THEMATIQUE), ["thematique"]))


def by_prestation(missions: Missions, ref: Ref) -> pl.DataFrame:
    """prestation, missions, pct — the five kinds of prestation."""
    grid = ordered(ref.prestations, "prestation")
    return with_shares(on_grid(grid, as_rows(missions).sql(SQL_BY_PRESTATION), ["prestation"]))


def by_partenaire(missions: Missions, ref: Ref) -> pl.DataFrame:
    """partenaire, type (cd26 | externe), missions, pct — every CD26 service and external partner."""
    grid = ordered(ref.partenaires, "partenaire", "type")
    return with_shares(on_grid(grid, as_rows(missions).sql(SQL_BY_PARTENAIRE), ["partenaire"]))


def domaine_prestation(missions: Missions, ref: Ref) -> pl.DataFrame:
    """domaine, prestation, missions, pct — pct is the share within the domaine (100 % stacked bars)."""
    grid = ordered(ref.domaines, "domaine").join(ordered(ref.prestations, "prestation"), how="cross")
    counts = as_rows(missions).sql(SQL_DOMAINE_PRESTATION)
    return with_shares(on_grid(grid, counts, ["domaine", "prestation"]), within=["domaine"])
