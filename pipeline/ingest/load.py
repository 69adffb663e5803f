"""Load export files into the warehouse: read → header → clean → store, one sheet at a time.

A file that cannot be read, or has no usable header, is refused whole with one line saying why; the
other files still load. A file whose exact bytes were loaded before changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import duckdb

from pipeline import config
from pipeline.clean.missions import clean_rows
from pipeline.ingest.headers import NoHeader, to_table
from pipeline.ingest.readers import UnreadableFile, file_hash, read_export
from pipeline.ref import Ref, load_ref
from pipeline.warehouse.store import LoadCounts, connect, log_refused, seen_hash, store_sheet


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files as given, and the exports inside any folder given (sorted, so loads are reproducible)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in config.EXPORT_SUFFIXES)
        else:
            out.append(p)
    return out


def ingest_file(con: duckdb.DuckDBPyConnection, path: Path, ref: Ref) -> list[LoadCounts]:
    """Load one file; one LoadCounts per sheet (or a single refused/already-loaded entry)."""
    path = Path(path)
    if not path.is_file():
        return [LoadCounts(path.name, None, refuse="fichier introuvable")]
    sha = file_hash(path)
    if (seen := seen_hash(con, sha)) is not None:
        when, refusal = seen
        if refusal:
            return [LoadCounts(path.name, None, refuse=f"{refusal} (déjà refusé le {when})")]
        return [LoadCounts(path.name, None, deja_charge=True)]
    try:
        sheets = read_export(path, sha)
    except UnreadableFile as exc:
        return [log_refused(con, path.name, str(path), None, sha, None, str(exc))]
    results: list[LoadCounts] = []
    tables, not_tables = [], []
    for sheet in sheets:
        try:
            tables.append((sheet, to_table(sheet, ref)))
        except NoHeader as exc:
            if exc.partial:   # a table whose required columns are missing: refused, and said
                results.append(log_refused(con, sheet.fichier, sheet.chemin, sheet.feuille, sha, sheet.format, str(exc)))
            else:
                not_tables.append((sheet, exc))
    # A workbook's notes or empty sheets are not an error as long as another sheet is a table.
    if not tables and not results:
        first, why = not_tables[0]
        feuille = first.feuille if len(sheets) > 1 else None
        results.append(log_refused(con, path.name, str(path), feuille, sha, first.format, str(why)))
    for sheet, table in tables:
        missions, quarantine = clean_rows(table.frame, ref)
        results.append(store_sheet(con, fichier=sheet.fichier, chemin=sheet.chemin, feuille=sheet.feuille,
                                   sha256=sha, fmt=sheet.format, rows=table.frame, missions=missions,
                                   quarantine=quarantine))
    return results


def ingest_paths(paths: Iterable[Path], db: Path | None = None, ref: Ref | None = None,
                 on_file: Callable[[Path, list[LoadCounts]], None] | None = None) -> list[LoadCounts]:
    """Load every file; `on_file` is told after each one (the CLI prints and advances its progress bar)."""
    ref = ref or load_ref()
    files = expand_paths(paths)
    con = connect(db)
    try:
        results: list[LoadCounts] = []
        for f in files:
            counts = ingest_file(con, f, ref)
            results += counts
            if on_file:
                on_file(f, counts)
        return results
    finally:
        con.close()
