"""Plausible random missions, vectorised: the 2020 demo year and the benchmark exports.

Why sample from the calibrated 2021 missions: their joint distribution of (thématique, prestation,
partenaire) and of demandeurs is the most realistic one we have, so 2020 looks like 2021 and a
10-million-row benchmark file exercises the same mix of labels as real data. Everything is NumPy /
Polars on whole arrays (no Python loop per row) so that a chunk of 10⁶ missions takes well under a
second.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import polars as pl

from pipeline.ref import RefYear
from pipeline.synth import vocab
from pipeline.synth.calibrated import COLUMNS
from pipeline.synth.words import words


@dataclass(frozen=True)
class Distribution:
    triples: pl.DataFrame        # thematique, domaine, prestation, partenaire
    triple_p: np.ndarray
    demandeurs: pl.DataFrame     # demandeur, demandeur_type, code_insee, siren, code_canton
    demandeur_p: np.ndarray
    objets: pl.Series            # all titles, grouped by thématique
    objet_start: np.ndarray      # per triple: first title of its thématique
    objet_len: np.ndarray

    @classmethod
    def from_missions(cls, missions: pl.DataFrame, ref_year: RefYear) -> Distribution:
        """Weights from a year of missions (counts + a little smoothing so every commune can occur)."""
        triples = (missions.group_by("thematique", "domaine", "prestation", "partenaire").len()
                   .sort("thematique", "prestation", "partenaire"))
        tp = triples["len"].to_numpy().astype(float)

        per_commune = (missions.filter(pl.col("demandeur_type") == "commune")
                       .group_by("code_insee", "code_canton").agg(pl.col("id_demande").n_unique().alias("n")))
        communes = (ref_year.communes.select("code_insee", "nom", "canton_codes")
                    .explode("canton_codes").rename({"canton_codes": "code_canton"})
                    .join(per_commune, on=["code_insee", "code_canton"], how="left")
                    .with_columns(pl.col("n").fill_null(0).cast(pl.Float64) + 0.3)
                    .sort("code_insee", "code_canton"))
        names = [vocab.demandeur_name(nom, i) for i, nom in enumerate(communes["nom"])]
        communes = communes.select(
            pl.Series("demandeur", names), pl.lit("commune").alias("demandeur_type"), "code_insee",
            pl.lit(None, dtype=pl.Utf8).alias("siren"), "code_canton", "n")
        others = (missions.filter(pl.col("demandeur_type") != "commune")
                  .group_by("demandeur", "demandeur_type", "siren").agg(pl.col("id_demande").n_unique().alias("n"))
                  .select("demandeur", "demandeur_type", pl.lit(None, dtype=pl.Utf8).alias("code_insee"), "siren",
                          pl.lit(None, dtype=pl.Utf8).alias("code_canton"), pl.col("n").cast(pl.Float64))
                  .sort("siren", "demandeur"))
        demandeurs = pl.concat([communes, others])
        dp = demandeurs["n"].to_numpy()

        titles = words().objets
        themes = list(titles)
        objets = pl.Series("objet", [o for t in themes for o in titles[t]], dtype=pl.Utf8)
        starts = np.cumsum([0] + [len(titles[t]) for t in themes])[:-1]
        start_of = dict(zip(themes, starts, strict=True))
        t_col = triples["thematique"].to_list()
        return cls(triples.drop("len"), tp / tp.sum(), demandeurs.drop("n"), dp / dp.sum(), objets,
                   np.array([start_of[t] for t in t_col]), np.array([len(titles[t]) for t in t_col]))


def _weekdays(year: int) -> np.ndarray:
    start = np.datetime64(f"{year}-01-01")
    days = start + np.arange((dt.date(year + 1, 1, 1) - dt.date(year, 1, 1)).days)
    return days[np.is_busday(days)]


def sample_missions(dist: Distribution, rng: np.random.Generator, year: int, *, n_demandes: int | None = None,
                    n_missions: int | None = None, missions_per_demande: float = 1.3,
                    first_mission: int = 1, first_demande: int = 1) -> pl.DataFrame:
    """Canonical missions (calibrated.COLUMNS): exactly n_demandes demandes, or exactly n_missions rows.

    Missions of one demande share its demandeur and date; their count is 1 + Poisson(mean − 1).
    """
    if n_demandes is None:
        if n_missions is None:
            raise ValueError("sample_missions: give n_demandes or n_missions")
        n_demandes = n_missions    # enough: every demande has at least one mission
    per = 1 + rng.poisson(missions_per_demande - 1, size=n_demandes)
    if n_missions is not None:
        ends = np.cumsum(per)
        n_demandes = int(np.searchsorted(ends, n_missions)) + 1
        per = per[:n_demandes]
        per[-1] -= int(ends[n_demandes - 1] - n_missions)
    n = int(per.sum())
    demande = np.repeat(np.arange(n_demandes), per)

    who = rng.choice(len(dist.demandeur_p), size=n_demandes, p=dist.demandeur_p)[demande]
    days = _weekdays(year)
    dates = np.sort(days[rng.integers(len(days), size=n_demandes)])[demande]   # ids follow dates
    what = rng.choice(len(dist.triple_p), size=n, p=dist.triple_p)
    objet = dist.objets.gather(dist.objet_start[what] + (rng.random(n) * dist.objet_len[what]).astype(np.int64))
    statut = pl.Series("statut", vocab.STATUTS).gather(np.searchsorted([0.55, 0.95], rng.random(n), side="right"))
    yy = f"{year % 100:02d}"
    frame = pl.concat([
        pl.DataFrame({
            "id_mission": pl.Series(np.arange(first_mission, first_mission + n)).cast(pl.Utf8).str.zfill(5),
            "id_demande": pl.Series(demande + first_demande).cast(pl.Utf8).str.zfill(4),
            "date_demande": pl.Series(dates).cast(pl.Date),
        }),
        dist.demandeurs[who],
        dist.triples[what],
        pl.DataFrame([objet, statut]),
    ], how="horizontal")
    return frame.with_columns((pl.lit(f"M{yy}-") + pl.col("id_mission")).alias("id_mission"),
                              (pl.lit(f"D{yy}-") + pl.col("id_demande")).alias("id_demande")).select(COLUMNS)
