"""The years side by side (the Tendances page and PDF section), from the missions of every loaded year
up to the report's (the `history_missions` relation of MissionRows).

Each year is counted exactly as its own report counts it (same filters, whole-percent rule R2 within the
year), so a trend row of 2021 says what the 2021 report says. Categories are laid on the union of the
taxonomy of every year (`ordre`); a year where a label did not exist shows 0.
"""

from __future__ import annotations

from itertools import pairwise

import polars as pl

from pipeline.breakdowns.common import cantons_grid, ordered, with_shares
from pipeline.breakdowns.rows import MissionRows
from pipeline.breakdowns.summary import evolution_pct
from pipeline.ref.load import Ref, RefYear
from pipeline.shares import pct_shares

SQL_TRENDS = """
SELECT annee::BIGINT              AS annee,
       count(DISTINCT id_demande) AS demandes,
       count(*)                   AS missions,
       count(DISTINCT code_insee) FILTER (WHERE demandeur_type = 'commune' AND code_insee IS NOT NULL)
                                  AS communes_demandeuses,
       count(DISTINCT siren_epci) FILTER (WHERE demandeur_type = 'epci' AND siren_epci IS NOT NULL)
                                  AS epci_demandeurs
FROM history_missions
WHERE annee <= $year
GROUP BY annee
ORDER BY annee
"""
SQL_BY = """
SELECT annee::BIGINT AS annee, {col}::VARCHAR AS {col}, count(*) AS missions
FROM history_missions
WHERE annee <= $year
GROUP BY annee, {col}
"""
SQL_CANTONS = """
SELECT annee::BIGINT AS annee, code_canton::VARCHAR AS code_canton,
       count(DISTINCT code_insee) AS communes_concernees,
       count(DISTINCT id_demande) AS demandes
FROM history_missions
WHERE annee <= $year AND demandeur_type = 'commune' AND code_insee IS NOT NULL AND code_canton IS NOT NULL
GROUP BY annee, code_canton
"""
SQL_YEARS = "SELECT count(DISTINCT annee) FROM history_missions WHERE annee <= $year"
# the only columns {col} takes (static text, never user input)
_CATEGORY_COLUMNS = ("domaine", "prestation", "partenaire")


def has_trends(rows: MissionRows) -> bool:
    """Trends need history, and more than one year of it up to the report's."""
    return rows.has_history and rows.one(SQL_YEARS)[0] > 1


def _evolution(values: list[int]) -> list[int | None]:
    """Year-over-year % change of a column sorted by year (null for the first year, or after a 0)."""
    return [None] + [evolution_pct(cur, prev) if prev else None for prev, cur in pairwise(values)]


def _counts(rows: MissionRows, col: str) -> pl.DataFrame:
    if col not in _CATEGORY_COLUMNS:
        raise ValueError(col)
    return rows.sql(SQL_BY.format(col=col))


def trends(rows: MissionRows, ref: Ref) -> pl.DataFrame:
    """annee, demandes, missions, communes_demandeuses, epci_demandeurs, evolution_demandes_pct,
    part_cd26_pct, part_partenaires_pct — one row per loaded year.

    The CD26 / partners split is the summary's: the sum, per type, of the partners' whole percents
    (so 2021 reads 38 / 62, as printed)."""
    out = rows.sql(SQL_TRENDS).with_columns(
        pl.col("demandes", "missions", "communes_demandeuses", "epci_demandeurs").cast(pl.Int64))
    out = out.with_columns(pl.Series("evolution_demandes_pct", _evolution(out["demandes"].to_list()),
                                     dtype=pl.Int64))
    partners = ordered(ref.partenaires, "partenaire", "type").unique("partenaire", keep="first", maintain_order=True)
    type_of = dict(partners.iter_rows())
    labels = list(type_of)
    counts = _counts(rows, "partenaire")
    split = []
    for year in out["annee"].to_list():
        n = dict(counts.filter(pl.col("annee") == year).select("partenaire", "missions").iter_rows())
        pcts = pct_shares([int(n.get(p, 0)) for p in labels])
        cd26 = sum(p for label, p in zip(labels, pcts, strict=True) if type_of[label] == "cd26")
        split.append((cd26, sum(pcts) - cd26))
    return out.with_columns(pl.Series("part_cd26_pct", [s[0] for s in split], dtype=pl.Int64),
                            pl.Series("part_partenaires_pct", [s[1] for s in split], dtype=pl.Int64))


def _by_category(rows: MissionRows, ref_frame: pl.DataFrame, col: str) -> pl.DataFrame:
    """annee, <col>, missions, pct — every category each year (0 when absent), pct within the year."""
    counts = _counts(rows, col)
    years = counts.select("annee").unique().sort("annee")
    cats = ordered(ref_frame, col).unique(col, keep="first", maintain_order=True)
    out = years.join(cats, how="cross").join(counts, on=["annee", col], how="left", maintain_order="left")
    out = out.with_columns(pl.col("missions").fill_null(0).cast(pl.Int64))
    return with_shares(out, within=["annee"])


def trends_domaine(rows: MissionRows, ref: Ref) -> pl.DataFrame:
    """annee, domaine, missions, pct — the domains each year, pct within the year."""
    return _by_category(rows, ref.domaines, "domaine")


def trends_prestation(rows: MissionRows, ref: Ref) -> pl.DataFrame:
    """annee, prestation, missions, pct — the prestations each year, pct within the year."""
    return _by_category(rows, ref.prestations, "prestation")


def trends_canton(rows: MissionRows, ref_year: RefYear) -> pl.DataFrame:
    """annee, code_canton, canton, communes_concernees, demandes, evolution_demandes_pct — the 19
    cantons each year (as by_canton counts them), with the change from the year before."""
    counts = rows.sql(SQL_CANTONS)
    years = rows.sql(SQL_TRENDS).select(pl.col("annee").cast(pl.Int64))
    out = (years.join(cantons_grid(ref_year), how="cross")
           .join(counts, on=["annee", "code_canton"], how="left", maintain_order="left")
           .with_columns(pl.col("communes_concernees", "demandes").fill_null(0).cast(pl.Int64))
           .sort("code_canton", "annee"))
    evolution: list[int | None] = []
    for part in out.partition_by("code_canton", maintain_order=True):
        evolution += _evolution(part["demandes"].to_list())
    return (out.with_columns(pl.Series("evolution_demandes_pct", evolution, dtype=pl.Int64))
            .sort("annee", "code_canton"))
