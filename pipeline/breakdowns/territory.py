"""Breakdowns by territory: size class, canton, EPCI, commune.

Only demandes made by a commune have a canton and a size class. A commune split between cantons
(Valence, Montélimar, Romans-sur-Isère) counts in each canton its rows name, so canton totals may
exceed the number of communes demandeuses — as in the 2021 report (259 canton communes for 251).
"""

from __future__ import annotations

import polars as pl

from pipeline.breakdowns.common import cantons_grid, communes_rows, epci_rows, on_grid, ordered, with_shares
from pipeline.ref.load import Ref, RefYear


def by_taille(missions: pl.DataFrame, ref_year: RefYear) -> pl.DataFrame:
    """classe, communes_demandeuses, communes_total, demandes, pct_demandes.

    pct_demandes is the share of the demandes made by communes (the 2021 report's 62 % / 31 % only
    fit that base), and communes_total counts the communes of the year's geography in each class.
    """
    grid = ordered(ref_year.classes, "classe")
    totals = ref_year.communes.group_by("classe").agg(pl.len().alias("communes_total"))
    asked = (communes_rows(missions).filter(pl.col("classe").is_not_null())
             .group_by("classe")
             .agg(pl.col("code_insee").n_unique().alias("communes_demandeuses"),
                  pl.col("id_demande").n_unique().alias("demandes"))
             .collect())
    out = on_grid(on_grid(grid, asked, ["classe"]), totals, ["classe"])
    out = out.select("classe", "communes_demandeuses", "communes_total", "demandes")
    return with_shares(out, count="demandes", pct="pct_demandes")


def by_canton(missions: pl.DataFrame, ref_year: RefYear) -> pl.DataFrame:
    """code_canton, canton, communes_concernees, demandes, missions — all 19 cantons, even at 0."""
    counts = (communes_rows(missions).filter(pl.col("code_canton").is_not_null())
              .group_by("code_canton")
              .agg(pl.col("code_insee").n_unique().alias("communes_concernees"),
                   pl.col("id_demande").n_unique().alias("demandes"),
                   pl.len().alias("missions"))
              .collect())
    return on_grid(cantons_grid(ref_year), counts, ["code_canton"])


def _canton_cross(missions: pl.DataFrame, ref_year: RefYear, categories: pl.DataFrame) -> pl.DataFrame:
    """Missions per canton × category on the full grid, pct within the canton."""
    col = categories.columns[0]
    grid = cantons_grid(ref_year).join(categories, how="cross")
    counts = (communes_rows(missions).filter(pl.col("code_canton").is_not_null())
              .group_by("code_canton", col).agg(pl.len().alias("missions")).collect())
    return with_shares(on_grid(grid, counts, ["code_canton", col]), within=["code_canton"])


def canton_thematique(missions: pl.DataFrame, ref_year: RefYear, ref: Ref) -> pl.DataFrame:
    """code_canton, canton, thematique, missions, pct — 19 × 15 rows (the canton pages' domain chart)."""
    return _canton_cross(missions, ref_year, ordered(ref.thematiques, "thematique"))


def canton_prestation(missions: pl.DataFrame, ref_year: RefYear, ref: Ref) -> pl.DataFrame:
    """code_canton, canton, prestation, missions, pct — 19 × 5 rows."""
    return _canton_cross(missions, ref_year, ordered(ref.prestations, "prestation"))


def by_epci(missions: pl.DataFrame, ref_year: RefYear) -> pl.DataFrame:
    """siren, epci, communes_demandeuses, demandes_communes, demandes_epci, demandes.

    One row per EPCI of the year's geography (ref order). demandes_communes are the demandes of its
    member communes; demandes_epci those the EPCI itself made (demandeur_type 'epci').
    """
    grid = ref_year.epci.select(pl.col("siren"), pl.col("nom").alias("epci"))
    of_communes = (communes_rows(missions).filter(pl.col("siren_epci").is_not_null())
                   .group_by(pl.col("siren_epci").alias("siren"))
                   .agg(pl.col("code_insee").n_unique().alias("communes_demandeuses"),
                        pl.col("id_demande").n_unique().alias("demandes_communes"))
                   .collect())
    of_epci = (epci_rows(missions)
               .group_by(pl.col("siren_epci").alias("siren"))
               .agg(pl.col("id_demande").n_unique().alias("demandes_epci"))
               .collect())
    out = on_grid(on_grid(grid, of_communes, ["siren"]), of_epci, ["siren"])
    return out.with_columns((pl.col("demandes_communes") + pl.col("demandes_epci")).alias("demandes"))


def by_commune(missions: pl.DataFrame, ref_year: RefYear) -> pl.DataFrame:
    """code_insee, commune, code_canton, canton, classe, population, demandes, missions.

    One row per commune demandeuse × canton its rows name (a split commune gets one row per canton);
    communes that asked nothing are not listed (the site's map fills them from the geography).
    """
    counts = (communes_rows(missions)
              .group_by("code_insee", "code_canton")
              .agg(pl.col("commune").drop_nulls().first(),
                   pl.col("classe").drop_nulls().first(),
                   pl.col("population").drop_nulls().first().cast(pl.Int64),
                   pl.col("id_demande").n_unique().cast(pl.Int64).alias("demandes"),
                   pl.len().cast(pl.Int64).alias("missions"))
              .with_columns(pl.col("code_insee", "code_canton", "commune", "classe").cast(pl.String))
              .collect())
    out = counts.join(cantons_grid(ref_year), on="code_canton", how="left")
    return (out.select("code_insee", "commune", "code_canton", "canton", "classe", "population",
                       "demandes", "missions")
            .sort("code_insee", "code_canton", nulls_last=True))
