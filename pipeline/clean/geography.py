"""Where cantons are resolved: commune code → current commune, canton, EPCI and size class.

A row's year decides the reference (data/ref/millesimes.csv): a 2021 demande is placed on COG 2021 with
the populations in force in 2021. A pre-merger code is translated to the commune it now belongs to
(data/ref/codes_anciens.csv). 361 communes lie in one canton; Valence, Montélimar and Romans-sur-Isère
are split, and for them the export's canton column decides — it must name one of the commune's cantons.
"""

from __future__ import annotations

import polars as pl

from pipeline.ref import Ref


def commune_lookup(ref: Ref, years: list[int]) -> pl.DataFrame:
    """(annee, code_lu) → the current commune and its attributes, for every code a year may meet."""
    frames = []
    for year in years:
        ry = ref.for_year(year)
        current = ry.communes.select(
            pl.col("code_insee").alias("code_lu"), "code_insee", pl.col("nom").alias("commune"),
            "population", "classe", pl.col("epci_siren").alias("commune_epci_siren"),
            pl.col("epci_nom").alias("commune_epci"), "canton_codes")
        col = f"code_insee_{ry.millesime}"
        old = (ref.codes_anciens.select(pl.col("code_ancien").alias("code_lu"), pl.col(col).alias("code_insee"))
               .filter(~pl.col("code_lu").is_in(current["code_lu"].implode()))
               .join(current.drop("code_lu"), on="code_insee", how="inner"))
        frames.append(pl.concat([current, old]).with_columns(pl.lit(year, dtype=pl.Int32).alias("annee")))
    return pl.concat(frames)


def epci_lookup(ref: Ref, years: list[int]) -> pl.DataFrame:
    """(annee, siren) → EPCI name, for the EPCI of the year's millésime."""
    frames = []
    for year in years:
        ry = ref.for_year(year)
        frames.append(ry.epci.select(pl.col("siren"), pl.col("nom").alias("epci_nom"))
                      .with_columns(pl.lit(year, dtype=pl.Int32).alias("annee")))
    return pl.concat(frames)


def resolve_cantons(ref: Ref, values: pl.Series) -> pl.Series:
    """Canton code ('2616') of each spelling ('Valence 2', 'VALENCE-2', 'Valence II', '2616')."""
    distinct = values.drop_nulls().unique().to_list()
    mapping = {v: c for v in distinct if (c := ref.resolve("canton", v))}
    return values.replace_strict(mapping, default=None, return_dtype=pl.Utf8)
