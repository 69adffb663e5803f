"""Benchmark: how long does `Warehouse.breakdowns(year)` take on a large year, and how much memory?

    uv run python bench/bench_breakdowns.py --rows 1e6 [--rows 1e7] [--db DIR] [--keep]

For each size, builds a synthetic warehouse straight into a DuckDB file (vectorised NumPy/Polars
generation, every code valid against data/ref: communes with their real canton(s), EPCI, population
and size class; thématique → domaine; partner → type), with N missions in 2021 and N/10 in 2020 (so the
evolution and the trends are computed too). Then, in a fresh process (so that the generation's memory
does not count), opens the warehouse and times `breakdowns(2021)` — read + every table — and reports
wall time and peak RSS. A second, in-process call of `all_breakdowns` on the frames already read
splits compute from read.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.ref.load import load_ref  # noqa: E402

SCHEMA_SQL = ROOT / "pipeline" / "warehouse" / "schema.sql"
MISSIONS_PER_DEMANDE = (1, 1, 1, 2, 2, 3)          # ≈ 1.7 missions per demande
TYPE_WEIGHTS = {"commune": 0.80, "epci": 0.12, "syndicat": 0.05, "autre": 0.03}


def synth_missions(n: int, year: int, ref, seed: int, prefix: str) -> pl.DataFrame:
    """n clean missions rows of `year`, every column of the `missions` table."""
    rng = np.random.default_rng(seed)
    ry = ref.for_year(year)
    # demandes first, so that all missions of a demande share its demandeur
    per = rng.choice(MISSIONS_PER_DEMANDE, size=n)   # n demandes always cover n rows; the unused go
    dem_of_row = np.repeat(np.arange(n), per)[:n]
    n_dem = int(dem_of_row[-1]) + 1

    places = (ry.communes.select("code_insee", "nom", "population", "classe", "epci_siren", "epci_nom",
                                 pl.col("canton_codes").alias("code_canton"))
              .explode("code_canton")
              .join(ry.cantons.select(pl.col("code").alias("code_canton"), pl.col("label_rapport").alias("canton")),
                    on="code_canton"))
    epci = ry.epci.select("siren", "nom")
    types = np.array(list(TYPE_WEIGHTS))
    dem = pl.DataFrame({
        "id_demande": pl.int_range(n_dem, eager=True).cast(pl.String).str.zfill(9),
        "demandeur_type": types[rng.choice(len(types), size=n_dem, p=list(TYPE_WEIGHTS.values()))],
        "place": rng.integers(0, places.height, size=n_dem),
        "epci_idx": rng.integers(0, epci.height, size=n_dem),
        "day": rng.integers(0, 365, size=n_dem),
    }).with_columns((pl.lit(f"{prefix}D") + pl.col("id_demande")).alias("id_demande"))

    themes = ref.thematiques.sort("ordre")
    partners = ref.partenaires.sort("ordre")
    prest = ref.prestations.sort("ordre")
    theme_w = np.linspace(3, 1, themes.height)                # earlier thématiques more frequent
    theme_w /= theme_w.sum()
    prest_w = np.array([23, 63, 7, 4, 3], dtype=float)         # the 2021 report's prestation shares
    prest_w /= prest_w.sum()
    rows = pl.DataFrame({
        "dem": dem_of_row,
        "thematique": themes["thematique"].to_numpy()[rng.choice(themes.height, size=n, p=theme_w)],
        "prestation": prest["prestation"].to_numpy()[rng.choice(prest.height, size=n, p=prest_w)],
        "partenaire": partners["partenaire"].to_numpy()[rng.integers(0, partners.height, size=n)],
    })
    df = rows.join(dem.with_row_index("dem").with_columns(pl.col("dem").cast(pl.Int64)), on="dem", how="left")
    df = df.join(places.with_row_index("place").with_columns(pl.col("place").cast(pl.Int64)), on="place", how="left")
    df = df.join(epci.with_row_index("epci_idx").with_columns(pl.col("epci_idx").cast(pl.Int64))
                 .rename({"siren": "siren_e", "nom": "nom_e"}), on="epci_idx", how="left")
    is_commune = pl.col("demandeur_type") == "commune"
    is_epci = pl.col("demandeur_type") == "epci"
    commune_only = lambda c: pl.when(is_commune).then(pl.col(c))  # noqa: E731
    domaine = dict(themes.select("thematique", "domaine").iter_rows())
    ptype = dict(partners.select("partenaire", "type").iter_rows())
    return df.select(
        (pl.lit(f"{prefix}M") + pl.int_range(pl.len()).cast(pl.String).str.zfill(10)).alias("id_mission"),
        "id_demande",
        (pl.lit(dt.date(year, 1, 1)) + pl.duration(days=pl.col("day"))).cast(pl.Date).alias("date_demande"),
        pl.lit(year, dtype=pl.Int32).alias("annee"),
        pl.when(is_commune).then(pl.lit("Mairie de ") + pl.col("nom"))
          .when(is_epci).then(pl.col("nom_e")).otherwise(pl.lit("Syndicat mixte")).alias("demandeur"),
        "demandeur_type",
        commune_only("code_insee").alias("code_insee"),
        pl.lit(None, dtype=pl.String).alias("code_insee_lu"),
        commune_only("nom").alias("commune"),
        commune_only("code_canton").alias("code_canton"),
        commune_only("canton").alias("canton"),
        pl.when(is_commune).then(pl.col("epci_siren")).when(is_epci).then(pl.col("siren_e")).alias("siren_epci"),
        pl.when(is_commune).then(pl.col("epci_nom")).when(is_epci).then(pl.col("nom_e")).alias("epci"),
        commune_only("population").cast(pl.Int32).alias("population"),
        commune_only("classe").alias("classe"),
        "thematique",
        pl.col("thematique").replace_strict(domaine).alias("domaine"),
        "prestation",
        "partenaire",
        pl.col("partenaire").replace_strict(ptype).alias("partenaire_type"),
        (pl.lit("Projet ") + pl.col("thematique")).alias("objet"),
        pl.lit("Terminée").alias("statut"),
        pl.lit(None, dtype=pl.String).alias("avertissement"),
        pl.int_range(pl.len()).hash(seed).cast(pl.String).alias("content_hash"),
        pl.lit(1, dtype=pl.Int32).alias("load_id"),
        pl.lit(f"bench_{year}.csv").alias("fichier"),
        pl.lit(None, dtype=pl.String).alias("feuille"),
        (pl.int_range(pl.len(), dtype=pl.Int32) + 2).alias("ligne"),
    )


def build(db: Path, n: int) -> float:
    """Write the synthetic warehouse; returns seconds spent."""
    t0 = time.perf_counter()
    ref = load_ref()
    db.unlink(missing_ok=True)
    con = duckdb.connect(str(db))
    con.execute(SCHEMA_SQL.read_text(encoding="utf-8"))
    for year, size, seed, prefix in ((2020, max(1, n // 10), 20, "A"), (2021, n, 21, "B")):
        frame = synth_missions(size, year, ref, seed, prefix)
        con.register("frame", frame)
        con.execute("INSERT INTO missions BY NAME SELECT * FROM frame")
        con.unregister("frame")
        del frame
    con.close()
    return time.perf_counter() - t0


def peak_rss_mb() -> float:
    """This process's peak resident memory. VmHWM, not ru_maxrss: on Linux ru_maxrss survives exec and
    would report the generating parent's peak."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(db: Path, year: int) -> dict:
    """Run in a fresh process: time breakdowns(year), then the compute alone; peak RSS."""
    from pipeline.api import open_warehouse
    from pipeline.breakdowns import COLUMNS, all_breakdowns
    t0 = time.perf_counter()
    wh = open_warehouse(db)
    tables = wh.breakdowns(year)
    total = time.perf_counter() - t0
    peak_mb = peak_rss_mb()
    t1 = time.perf_counter()
    missions = wh._rows("SELECT {cols} FROM missions WHERE annee = $year", COLUMNS, year)
    read = time.perf_counter() - t1
    t2 = time.perf_counter()
    all_breakdowns(missions, wh.ref_year(year), ref=wh.ref)
    compute = time.perf_counter() - t2
    summary = dict(tables["summary"].iter_rows())
    return {"breakdowns_s": round(total, 2), "peak_rss_mb": round(peak_mb), "read_year_s": round(read, 2),
            "compute_s": round(compute, 2), "missions": summary["missions"], "demandes": summary["demandes"],
            "tables": len(tables)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", action="append", type=float, help="missions in 2021 (repeatable); default 1e6")
    parser.add_argument("--db", type=Path, help="folder for the warehouse files (default: a temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the warehouse files")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, 2021)))
        return
    folder = args.db or Path(tempfile.mkdtemp(prefix="bilan-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    for n in [int(r) for r in (args.rows or [1e6])]:
        db = folder / f"bench_{n}.duckdb"
        built = build(db, n)
        out = subprocess.run([sys.executable, __file__, "--measure", str(db)], capture_output=True, text=True,
                             check=True)
        result = json.loads(out.stdout)
        size_mb = db.stat().st_size / 1e6
        r = result
        print(f"N={n:>11,}  build {built:6.1f} s  file {size_mb:7.0f} MB  breakdowns(2021) {r['breakdowns_s']:6.2f} s"
              f"  (read {r['read_year_s']:.2f} s, compute {r['compute_s']:.2f} s)  peak RSS {r['peak_rss_mb']} MB"
              f"  — {r['missions']:,} missions, {r['demandes']:,} demandes, {r['tables']} tables", flush=True)
        if not args.keep:
            db.unlink()


if __name__ == "__main__":
    main()
