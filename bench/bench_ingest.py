"""Benchmark: ingest time of N synthetic missions (not a test; results go in the issue notes).

    uv run python bench/bench_ingest.py 1000000

Writes N scaled synthetic missions (`bilan synth --missions N`) into a temporary folder, then loads them
into a fresh DuckDB warehouse with the real ingest, and prints the wall times, rows/s and peak memory.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from pipeline.ingest.load import ingest_paths
from pipeline.synth import write_scaled


def main(n: int) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp_name:
        tmp = Path(tmp_name)
        t0 = time.perf_counter()
        files = write_scaled(tmp / "exports", missions=n, seed=7)
        t_write = time.perf_counter() - t0
        size = sum(f.stat().st_size for f in files)
        t0 = time.perf_counter()
        counts = ingest_paths(files, db=tmp / "w.duckdb")
        t_ingest = time.perf_counter() - t0
        with duckdb.connect(str(tmp / "w.duckdb"), read_only=True) as con:
            n_missions = con.execute("SELECT count(*) FROM missions").fetchall()[0][0]
        read = sum(c.lignes_lues for c in counts)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"missions={n:,} files={len(files)} size={size / 1e6:.0f} MB")
        print(f"synth write: {t_write:.1f} s")
        print(f"ingest: {t_ingest:.1f} s ({read / t_ingest:,.0f} rows/s); rows read={read:,} "
              f"accepted={sum(c.acceptees for c in counts):,} quarantined={sum(c.quarantaine for c in counts):,} "
              f"missions in warehouse={n_missions:,}")
        print(f"peak RSS: {rss:,.0f} MB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
