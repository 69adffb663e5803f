"""Breakdowns by territory: size class, canton, EPCI, commune.

Only demandes made by a commune have a canton and a size class. A commune split between cantons
(Valence, Montélimar, Romans-sur-Isère) counts in each canton its rows name, so canton totals may
exceed the number of communes demandeuses — as in the 2021 report (259 canton communes for 251).
Demandes are distinct id_demande, communes distinct code_insee (a demande has several missions).
"""

from __future__ import annotations

import polars as pl

from pipeline.breakdowns.common import cantons_grid, on_grid, ordered, with_shares
from pipeline.breakdowns.rows import MissionRows, as_rows
from pipeline.ref.load import Ref, RefYear

Missions = pl.DataFrame | MissionRows

SQL_BY_TAILLE = """
SELECT classe,
       count(DISTINCT code_insee) AS communes_demandeuses,
       count(DISTINCT id_demande) AS demandes
FROM year_missions
WHERE demandeur_type = 'commune' AND code_insee IS NOT NULL AND classe IS NOT NULL
GROUP BY classe
"""
SQL_BY_CANTON = """
SELECT code_canton,
       count(DISTINCT code_insee) AS communes_concernees,
       count(DISTINCT id_demande) AS demandes,
       count(*)                   AS missions
FROM year_missions
WHERE demandeur_type = 'commune' AND code_insee IS NOT NULL AND code_canton IS NOT NULL
GROUP BY code_canton
"""
SQL_CANTON_THEMATIQUE = """
SELECT code_canton, thematique, count(*) AS missions
FROM year_missions
WHERE demandeur_type = 'commune' AND code_insee IS NOT NULL AND code_canton IS NOT NULL
GROUP BY code_canton, thematique
"""
SQL_CANTON_PRESTATION = """
SELECT code_canton, prestation, count(*) AS missions
FROM year_missions
WHERE demandeur_type = 'commune' AND code_insee IS NOT NULL AND code_canton IS NOT NULL
GROUP BY code_canton, prestation
"""
SQL_EPCI_OF_COMMUNES = """
SELECT siren_epci AS siren,
       count(DISTINCT code_insee) AS communes_demandeuses,
       count(DISTINCT id_demande) AS demandes_communes
FROM year_missions
WHERE demandeur_type = 'commune' AND code_insee IS NOT NULL AND siren_epci IS NOT NULL
GROUP BY siren_epci
"""
SQL_EPCI_OWN = """
SELECT siren_epci AS siren, count(DISTINCT id_demande) AS demandes_epci
FROM year_missions
WHERE demandeur_type = 'epci' AND siren_epci IS NOT NULL
GROUP BY siren_epci
"""
# commune, classe and population follow from code_insee (the clean stage sets them from the reference),
# so min() only picks the one value deterministically
SQL_BY_COMMUNE = """
SELECT code_insee::VARCHAR AS code_insee, code_canton::VARCHAR AS code_canton,
       min(commune)::VARCHAR      AS commune,
       min(classe)::VARCHAR       AS classe,
       min(population)::BIGINT    AS population,
       count(DISTINCT id_demande) AS demandes,
       count(*)                   AS missions
FROM year_missions
WHERE demandeur_type = 'commune' AND code_insee IS NOT NULL
GROUP BY code_insee, code_canton
"""


def by_taille(missions: Missions, ref_year: RefYear) -> pl.DataFrame:
    """classe, communes_demandeuses, communes_total, demandes, pct_demandes.

    pct_demandes is the share of the demandes made by communes (the 2021 report's 62 % / 31 % only
    fit that base), and communes_total counts the communes of the year's geography in each class.
    """
    grid = ordered(ref_year.classes, "classe")
    totals = ref_year.communes.group_by("classe").agg(pl.len().alias("communes_total"))
    asked = as_rows(missions).sql(SQL_BY_TAILLE)
    out = on_grid(on_grid(grid, asked, ["classe"]), totals, ["classe"])
    out = out.select("classe", "communes_demandeuses", "communes_total", "demandes")
    return with_shares(out, count="demandes", pct="pct_demandes")


def by_canton(missions: Missions, ref_year: RefYear) -> pl.DataFrame:
    """code_canton, canton, communes_concernees, demandes, missions — all 19 cantons, even at 0."""
    return on_grid(cantons_grid(ref_year), as_rows(missions).sql(SQL_BY_CANTON), ["code_canton"])


def _canton_cross(counts: pl.DataFrame, ref_year: RefYear, categories: pl.DataFrame) -> pl.DataFrame:
    """Missions per canton × category on the full grid, pct within the canton."""
    col = categories.columns[0]
    grid = cantons_grid(ref_year).join(categories, how="cross")
    return with_shares(on_grid(grid, counts, ["code_canton", col]), within=["code_canton"])


def canton_thematique(missions: Missions, ref_year: RefYear, ref: Ref) -> pl.DataFrame:
    """code_canton, canton, thematique, missions, pct — 19 × 15 rows (the canton pages' domain chart)."""
    counts = as_rows(missions).sql(SQL_CANTON_THEMATIQUE)
    return _canton_cross(counts, ref_year, ordered(ref.thematiques, "thematique"))


def canton_prestation(missions: Missions, ref_year: RefYear, ref: Ref) -> pl.DataFrame:
    """code_canton, canton, prestation, missions, pct — 19 × 5 rows."""
    counts = as_rows(missions).sql(SQL_CANTON_PRESTATION)
    return _canton_cross(counts, ref_year, ordered(ref.prestations, "prestation"))


def by_epci(missions: Missions, ref_year: RefYear) -> pl.DataFrame:
    """siren, epci, communes_demandeuses, demandes_communes, demandes_epci, demandes.

    One row per EPCI of the year's geography (ref order). demandes_communes are the demandes of its
    member communes; demandes_epci those the EPCI itself made (demandeur_type 'epci').
    """
    rows = as_rows(missions)
    grid = ref_year.epci.select(pl.col("siren"), pl.col("nom").alias("epci"))
    out = on_grid(on_grid(grid, rows.sql(SQL_EPCI_OF_COMMUNES), ["siren"]), rows.sql(SQL_EPCI_OWN), ["siren"])
    return out.with_columns((pl.col("demandes_communes") + pl.col("demandes_epci")).alias("demandes"))


def by_commune(missions: Missions, ref_year: RefYear) -> pl.DataFrame:
    """code_insee, commune, code_canton, canton, classe, population, demandes, missions.

    One row per commune demandeuse × canton its rows name (a split commune gets one row per canton);
    communes that asked nothing are not listed (the site's map fills them from the geography).
    """
    counts = as_rows(missions).sql(SQL_BY_COMMUNE)
    out = counts.join(cantons_grid(ref_year), on="code_canton", how="left")
    return (out.select("code_insee", "commune", "code_canton", "canton", "classe", "population",
                       "demandes", "missions")
            .sort("code_insee", "code_canton", nulls_last=True))
