"""The year's headline figures (summary.csv): one indicateur/valeur row per figure of the report's
first pages. Percentages here are single ratios, rounded half up exactly (integer arithmetic)."""

from __future__ import annotations

import polars as pl

from pipeline.breakdowns.common import communes_rows, epci_rows
from pipeline.ref.load import RefYear
from pipeline.shares import round_half_up_pct

INDICATEURS: tuple[str, ...] = (
    "annee", "demandes", "missions", "communes_demandeuses", "communes_departement",
    "part_communes_demandeuses_pct", "epci_demandeurs", "evolution_demandes_pct",
    "part_cd26_pct", "part_partenaires_pct",
)


def evolution_pct(current: int, previous: int) -> int:
    """% change rounded half away from zero, so a fall of 14.5 % prints −15 % like a rise prints +15 %."""
    diff = current - previous
    magnitude = round_half_up_pct(abs(diff), previous)
    return magnitude if diff >= 0 else -magnitude


def summary(missions: pl.DataFrame, ref_year: RefYear, partenaires: pl.DataFrame,
            previous: pl.DataFrame | None = None) -> pl.DataFrame:
    """indicateur, valeur (integers; evolution_demandes_pct null when the previous year is not loaded).

    `partenaires` is the by_partenaire table: the CD26 / external split is the sum of its whole
    percents per type, so the summary says exactly what the partner chart shows and the two sum to 100.
    """
    demandes = missions["id_demande"].n_unique()
    communes = communes_rows(missions).select(pl.col("code_insee").n_unique()).collect().item()
    communes_dep = ref_year.communes.height
    epci = epci_rows(missions).select(pl.col("siren_epci").n_unique()).collect().item()
    evolution = None
    if previous is not None and previous.height > 0:
        evolution = evolution_pct(demandes, previous["id_demande"].n_unique())
    split = dict(partenaires.group_by("type").agg(pl.col("pct").sum()).iter_rows())
    values = {
        "annee": ref_year.year,
        "demandes": demandes,
        "missions": missions.height,
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
