"""Year-on-year views for the site, from the missions of every loaded year up to the report's year
(the `history_missions` relation of MissionRows)."""

from __future__ import annotations

import polars as pl

from pipeline.breakdowns.common import ordered, with_shares
from pipeline.breakdowns.rows import MissionRows
from pipeline.ref.load import Ref

SQL_TRENDS = """
SELECT annee::BIGINT              AS annee,
       count(DISTINCT id_demande) AS demandes,
       count(*)                   AS missions,
       count(DISTINCT code_insee) FILTER (WHERE demandeur_type = 'commune' AND code_insee IS NOT NULL)
                                  AS communes_demandeuses
FROM history_missions
WHERE annee <= $year
GROUP BY annee
ORDER BY annee
"""
SQL_TRENDS_DOMAINE = """
SELECT annee::BIGINT AS annee, domaine::VARCHAR AS domaine, count(*) AS missions
FROM history_missions
WHERE annee <= $year
GROUP BY annee, domaine
"""
SQL_YEARS = "SELECT count(DISTINCT annee) FROM history_missions WHERE annee <= $year"


def has_trends(rows: MissionRows) -> bool:
    """Trends need history, and more than one year of it up to the report's."""
    return rows.has_history and rows.one(SQL_YEARS)[0] > 1


def trends(rows: MissionRows) -> pl.DataFrame:
    """annee, demandes, missions, communes_demandeuses — one row per loaded year."""
    return rows.sql(SQL_TRENDS)


def trends_domaine(rows: MissionRows, ref: Ref) -> pl.DataFrame:
    """annee, domaine, missions, pct — the six domains each year, pct within the year."""
    counts = rows.sql(SQL_TRENDS_DOMAINE)
    years = counts.select("annee").unique().sort("annee")
    grid = years.join(ordered(ref.domaines, "domaine"), how="cross")
    out = grid.join(counts, on=["annee", "domaine"], how="left", maintain_order="left")
    out = out.with_columns(pl.col("missions").fill_null(0).cast(pl.Int64))
    return with_shares(out, within=["annee"])
