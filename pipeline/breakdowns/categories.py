"""Department-wide breakdowns of missions by category: domaine, thématique, prestation, partner.

These charts of the report count *missions* (one partner's intervention on one thématique), not
demandes, and every share is a whole percent by rule R2 over the canonical categories in `ordre`.
"""

from __future__ import annotations

import polars as pl

from pipeline.breakdowns.common import on_grid, ordered, with_shares
from pipeline.ref.load import Ref


def _missions_by(missions: pl.DataFrame, *cols: str) -> pl.DataFrame:
    return missions.lazy().group_by(cols).agg(pl.len().alias("missions")).collect()


def by_domaine(missions: pl.DataFrame, ref: Ref) -> pl.DataFrame:
    """domaine, missions, pct — the six domains."""
    grid = ordered(ref.domaines, "domaine")
    return with_shares(on_grid(grid, _missions_by(missions, "domaine"), ["domaine"]))


def by_thematique(missions: pl.DataFrame, ref: Ref) -> pl.DataFrame:
    """domaine, thematique, missions, pct — the 15 thématiques; pct of all missions (sums to 100)."""
    grid = ordered(ref.thematiques, "domaine", "thematique")
    return with_shares(on_grid(grid, _missions_by(missions, "thematique"), ["thematique"]))


def by_prestation(missions: pl.DataFrame, ref: Ref) -> pl.DataFrame:
    """prestation, missions, pct — the five kinds of prestation."""
    grid = ordered(ref.prestations, "prestation")
    return with_shares(on_grid(grid, _missions_by(missions, "prestation"), ["prestation"]))


def by_partenaire(missions: pl.DataFrame, ref: Ref) -> pl.DataFrame:
    """partenaire, type (cd26 | externe), missions, pct — every CD26 service and external partner."""
    grid = ordered(ref.partenaires, "partenaire", "type")
    return with_shares(on_grid(grid, _missions_by(missions, "partenaire"), ["partenaire"]))


def domaine_prestation(missions: pl.DataFrame, ref: Ref) -> pl.DataFrame:
    """domaine, prestation, missions, pct — pct is the share within the domaine (100 % stacked bars)."""
    grid = ordered(ref.domaines, "domaine").join(ordered(ref.prestations, "prestation"), how="cross")
    counts = _missions_by(missions, "domaine", "prestation")
    return with_shares(on_grid(grid, counts, ["domaine", "prestation"]), within=["domaine"])
