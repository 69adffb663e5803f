"""Figures derived from the report's tables (not from missions): what the pages show beyond the
contract tables, computed here so that page models only format.

Why from tables: the site and the PDF can be built from published CSV tables (and the test fixtures)
without the warehouse; these functions give the same figures either way.
"""

from __future__ import annotations

import polars as pl

from pipeline.shares import round_half_up_pct


def partenaire_types(by_partenaire: pl.DataFrame) -> pl.DataFrame:
    """type (cd26|externe), missions, pct — pct is the sum of the partners' whole percents, so it is
    exactly what the partner chart adds up to (and summary's part_cd26_pct / part_partenaires_pct)."""
    out = (by_partenaire.group_by("type")
           .agg(pl.col("missions").sum().cast(pl.Int64), pl.col("pct").sum().cast(pl.Int64)))
    grid = pl.DataFrame({"type": ["cd26", "externe"]})
    return grid.join(out, on="type", how="left").fill_null(0)


def taille_couverture(by_taille: pl.DataFrame) -> pl.DataFrame:
    """by_taille + pct_communes: the share of a size class's communes that made a request (half up)."""
    pct = [round_half_up_pct(int(a), int(t)) if t else 0
           for a, t in by_taille.select("communes_demandeuses", "communes_total").iter_rows()]
    return by_taille.with_columns(pl.Series("pct_communes", pct, dtype=pl.Int64))


def communes_demandes(by_commune: pl.DataFrame) -> pl.DataFrame:
    """code_insee, commune, classe, demandes — one row per commune (a split commune's rows per canton
    added up: each demande names one canton, so the sum counts each demande once)."""
    return (by_commune.group_by("code_insee")
            .agg(pl.col("commune").first(), pl.col("classe").first(),
                 pl.col("demandes").sum().cast(pl.Int64))
            .sort("code_insee"))
