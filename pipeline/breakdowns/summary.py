"""The year's headline figures (summary.csv): one indicateur/valeur row per figure of the report's
first pages. Percentages here are single ratios, rounded half up exactly (integer arithmetic)."""

from __future__ import annotations

import polars as pl

from pipeline.breakdowns.rows import MissionRows, frame_rows
from pipeline.ref.load import RefYear
from pipeline.shares import round_half_up_pct

INDICATEURS: tuple[str, ...] = (
    "annee", "demandes", "missions", "communes_demandeuses", "communes_departement",
    "part_communes_demandeuses_pct", "epci_demandeurs", "evolution_demandes_pct",
    "part_cd26_pct", "part_partenaires_pct",
)

SQL_TOTALS = """
SELECT count(DISTINCT id_demande) AS demandes,
       count(*)                   AS missions,
       count(DISTINCT code_insee) FILTER (WHERE demandeur_type = 'commune' AND code_insee IS NOT NULL) AS communes,
       count(DISTINCT siren_epci) FILTER (WHERE demandeur_type = 'epci' AND siren_epci IS NOT NULL)   AS epci
FROM year_missions
"""
SQL_PREVIOUS = "SELECT count(*), count(DISTINCT id_demande) FROM previous_missions"


def evolution_pct(current: int, previous: int) -> int:
    """% change rounded half away from zero, so a fall of 14.5 % prints −15 % like a rise prints +15 %."""
    diff = current - previous
    magnitude = round_half_up_pct(abs(diff), previous)
    return magnitude if diff >= 0 else -magnitude


def summary(missions: pl.DataFrame | MissionRows, ref_year: RefYear, partenaires: pl.DataFrame,
            previous: pl.DataFrame | None = None) -> pl.DataFrame:
    """indicateur, valeur (integers; evolution_demandes_pct null when the previous year is not loaded).

    `partenaires` is the by_partenaire table: the CD26 / external split is the sum of its whole
    percents per type, so the summary says exactly what the partner chart shows and the two sum to 100.
    The previous year is `previous` for a frame, the `previous_missions` relation for MissionRows.
    """
    rows = missions if isinstance(missions, MissionRows) else frame_rows(missions, previous, year=ref_year.year)
    demandes, n_missions, communes, epci = rows.one(SQL_TOTALS)
    communes_dep = ref_year.communes.height
    evolution = None
    n_previous, previous_demandes = rows.one(SQL_PREVIOUS)
    if n_previous > 0:
        evolution = evolution_pct(demandes, previous_demandes)
    split = dict(partenaires.group_by("type").agg(pl.col("pct").sum()).iter_rows())
    values = {
        "annee": ref_year.year,
        "demandes": demandes,
        "missions": n_missions,
        "communes_demandeuses": communes,
        "communes_departement": communes_dep,
        "part_communes_demandeuses_pct": round_half_up_pct(communes, communes_dep),
        "epci_demandeurs": epci,
        "evolution_demandes_pct": evolution,
        "part_cd26_pct": int(split.get("cd26", 0)),
        "part_partenaires_pct": int(split.get("externe", 0)),
    }
    return pl.DataFrame({"indicateur": list(INDICATEURS), "valeur": [values[k] for k in INDICATEURS]},
                        schema={"indicateur": pl.String, "valeur": pl.Int64})

