"""Benchmark exports of any size, streamed: `;`-separated UTF-8 CSV written chunk by chunk.

Why streaming: 10 million missions do not fit comfortably in memory as Python objects, and a
benchmark must measure the pipeline, not the generator. Each chunk is sampled and formatted with
NumPy / Polars on whole columns and appended to the file, so memory stays flat whatever the size.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import polars as pl

from pipeline.ref import load_ref
from pipeline.synth import vocab
from pipeline.synth.calibrated import calibrated_missions
from pipeline.synth.sample import Distribution, sample_missions

CHUNK = 250_000
TYPE_LABELS = {"commune": "Commune", "epci": "EPCI", "syndicat": "Syndicat"}


@lru_cache(maxsize=2)
def _distribution(year: int) -> Distribution:
    return Distribution.from_missions(calibrated_missions(2021), load_ref().for_year(year))


def _render(frame: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """Canonical missions → export columns (headers as the platform writes them), vectorised."""
    n = frame.height
    labels = dict(load_ref().cantons.select("code", "label_rapport").iter_rows())
    two = lambda: pl.Series(rng.integers(100, size=n)).cast(pl.Utf8).str.zfill(2)  # noqa: E731
    return frame.select(
        pl.col("id_mission").alias("N° mission"),
        pl.col("id_demande").alias("N° demande"),
        pl.col("date_demande").dt.strftime("%Y-%m-%d").alias("Date de la demande"),
        pl.col("demandeur").alias("Collectivité"),
        pl.col("demandeur_type").replace_strict(TYPE_LABELS, return_dtype=pl.Utf8).alias("Type de collectivité"),
        pl.col("code_insee").alias("Code INSEE"),
        pl.col("siren").alias("SIREN"),
        pl.col("code_canton").replace_strict(labels, default=None, return_dtype=pl.Utf8).alias("Canton"),
        pl.col("thematique").alias("Thématique"),
        pl.col("prestation").alias("Type de prestation"),
        pl.col("partenaire").alias("Partenaire"),
        pl.col("objet").alias("Objet"),
        pl.col("statut").alias("Statut"),
        pl.Series("Contact", vocab.CONTACTS).gather(rng.integers(len(vocab.CONTACTS), size=n)),
        pl.Series("Email", vocab.EMAILS).gather(rng.integers(len(vocab.EMAILS), size=n)),
        (pl.lit(vocab.PHONE_PREFIX + " ") + two() + pl.lit(" ") + two()).alias("Téléphone"),
    )


def write_scaled(out_dir: Path, missions: int, seed: int = 1, year: int = 2021,
                 rows_per_file: int = 1_000_000) -> list[Path]:
    """`missions` plausible missions of `year` in files of at most `rows_per_file` rows; returns the paths.

    About 1.3 missions per demande; valid commune codes, EPCI SIREN, canton for every commune (the
    split communes need it); personal columns included (the ingest must drop them).
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    dist = _distribution(year)
    rng = np.random.default_rng(seed)
    paths: list[Path] = []
    done, next_demande = 0, 1
    while done < missions:
        path = out_dir / f"scaled_{year}_{len(paths) + 1:03d}.csv"
        in_file = min(rows_per_file, missions - done)
        with open(path, "wb") as fh:
            written = 0
            while written < in_file:
                n = min(CHUNK, in_file - written)
                chunk = sample_missions(dist, rng, year, n_missions=n, first_mission=done + 1,
                                        first_demande=next_demande)
                next_demande = int(chunk["id_demande"][-1].split("-")[1]) + 1
                _render(chunk, rng).write_csv(fh, separator=";", include_header=written == 0)
                written += n
                done += n
        paths.append(path)
    return paths
