"""A file's identity: the sha256 of its bytes, which says whether it was loaded before.

Kept free of heavy imports on purpose: `bilan ingest` starts hashing its files (`HashAhead`) before it
imports DuckDB, Polars and NumPy, and goes on while each file before loads — hashlib lets go of the
GIL, so on two cores a 270 MB file is hashed in the time the libraries take to load.
"""

from __future__ import annotations

import hashlib
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path


def file_hash(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _hash_or_none(path: Path) -> str | None:
    """The file's hash, or None when it cannot be read (the load then says why)."""
    try:
        return file_hash(path) if Path(path).is_file() else None
    except OSError:
        return None


class HashAhead:
    """The files' hashes, computed one after the other in a thread, in the order given."""

    def __init__(self, files: list[Path]):
        self.files = list(files)
        self._pool = ThreadPoolExecutor(1)
        self._futures: list[Future[str | None]] = [self._pool.submit(_hash_or_none, f) for f in self.files]

    def result(self, i: int) -> str | None:
        return self._futures[i].result()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
