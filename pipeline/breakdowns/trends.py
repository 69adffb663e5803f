"""Year-on-year views for the site, from the missions of every loaded year up to the report's year."""

from __future__ import annotations

import polars as pl

from pipeline.breakdowns.common import communes_rows, ordered, with_shares
from pipeline.ref.load import Ref


def trends(history: pl.DataFrame) -> pl.DataFrame:
    """annee, demandes, missions, communes_demandeuses — one row per loaded year."""
    totals = history.lazy().group_by("annee").agg(pl.col("id_demande").n_unique().alias("demandes"),
                                                  pl.len().alias("missions")).collect()
    communes = (communes_rows(history).group_by("annee")
                .agg(pl.col("code_insee").n_unique().alias("communes_demandeuses")).collect())
    out = totals.join(communes, on="annee", how="left")
    return (out.select(pl.col("annee").cast(pl.Int64),
                       pl.col("demandes", "missions", "communes_demandeuses").fill_null(0).cast(pl.Int64))
            .sort("annee"))


def trends_domaine(history: pl.DataFrame, ref: Ref) -> pl.DataFrame:
    """annee, domaine, missions, pct — the six domains each year, pct within the year."""
    years = history.select(pl.col("annee").cast(pl.Int64)).unique().sort("annee")
    grid = years.join(ordered(ref.domaines, "domaine"), how="cross")
    counts = (history.lazy().group_by("annee", "domaine").agg(pl.len().alias("missions")).collect()
              .with_columns(pl.col("annee").cast(pl.Int64), pl.col("domaine").cast(pl.String)))
    out = grid.join(counts, on=["annee", "domaine"], how="left", maintain_order="left")
    out = out.with_columns(pl.col("missions").fill_null(0).cast(pl.Int64))
    return with_shares(out, within=["annee"])
