"""Load export files into the warehouse: read → header → clean → store, one sheet at a time.

A file that cannot be read, or has no usable header, is refused whole with one line saying why; the
other files still load. A file whose exact bytes were loaded before changes nothing.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

import duckdb

from pipeline.clean.missions import MISSION_FIELDS, clean_query, drop_resolved, finish_quarantine, resolve_fields
from pipeline.ingest import stage
from pipeline.ingest.detect import scan
from pipeline.ingest.hashing import HashAhead, file_hash
from pipeline.ingest.headers import HeaderPlan, NoHeader, header_plan
from pipeline.ingest.readers import CountMismatch, RawSheet, UnreadableFile, mismatch_message, read_export
from pipeline.ref import Ref, load_ref
from pipeline.text import redact
from pipeline.warehouse.store import LoadCounts, SheetLoad, connect, log_refused, seen_hash


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files as given, and the exports inside any folder given (sorted, so loads are reproducible).
    `detect.scan` also says which files of the folders are skipped, and why (the CLI prints them)."""
    return scan(paths).files


def _unexpected(exc: Exception) -> str:
    """One French line for an exception nobody foresaw on this file (BILAN_DEBUG=1 lets it through)."""
    if os.environ.get("BILAN_DEBUG"):
        raise exc
    if isinstance(exc, MemoryError):
        return "lecture impossible : mémoire insuffisante pour ce fichier"
    if isinstance(exc, RecursionError):
        return "lecture impossible : structure trop profonde"
    return f"lecture impossible : erreur inattendue ({type(exc).__name__})"


def ingest_file(con: duckdb.DuckDBPyConnection, path: Path, ref: Ref, sha: str | None = None) -> list[LoadCounts]:
    """Load one file; one LoadCounts per sheet (or a single refused/already-loaded entry). Whatever the
    file holds, this returns: a refusal names the file and says why in one French line. `sha`: the
    file's hash when already known."""
    path = Path(path)
    if not path.is_file():
        return [LoadCounts(path.name, None, refuse="fichier introuvable")]
    try:
        sha = sha or file_hash(path)
    except OSError as exc:
        return [LoadCounts(path.name, None, refuse=f"fichier illisible ({exc.strerror})")]
    if (seen := seen_hash(con, sha)) is not None:
        when, refusal = seen
        if refusal:
            return [LoadCounts(path.name, None, refuse=f"{refusal} (déjà refusé le {when})")]
        return [LoadCounts(path.name, None, deja_charge=True)]
    try:
        sheets = read_export(path, sha, stream=True)
    except UnreadableFile as exc:
        reason = str(exc)
    except Exception as exc:
        reason = _unexpected(exc)
    else:
        try:
            return _load_file(con, path, sha, sheets, ref)
        except UnreadableFile as exc:
            reason = str(exc)
        except Exception as exc:
            reason = _unexpected(exc)
        finally:
            for sheet in sheets:
                sheet.close()
    return [log_refused(con, path.name, str(path), None, sha, None, redact(reason) or reason)]


def _load_file(con: duckdb.DuckDBPyConnection, path: Path, sha: str, sheets: list[RawSheet],
               ref: Ref) -> list[LoadCounts]:
    """All the sheets of a file in one transaction: a failure leaves nothing of the file. When DuckDB
    reads a CSV's records otherwise than the independent count, the file is read again with Python's
    csv module; when that disagrees too, it is refused. A CSV read while it was still being counted
    (stage.Restage: the read does not fit what the count found) is loaded once more."""
    exact = restaged = False
    while True:
        con.execute("BEGIN TRANSACTION")
        try:
            results = _load_sheets(con, path, sha, sheets, ref, exact)
        except stage.Restage:             # a speculative read that does not fit: once more, settled
            con.execute("ROLLBACK")
            if restaged:
                raise
            restaged = True
            continue
        except CountMismatch as exc:
            con.execute("ROLLBACK")
            if exact:
                raise UnreadableFile(mismatch_message(exc)) from exc
            exact = True
            continue
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")
        return results


def _load_sheets(con: duckdb.DuckDBPyConnection, path: Path, sha: str, sheets: list[RawSheet],
                 ref: Ref, exact: bool) -> list[LoadCounts]:
    results: list[LoadCounts] = []
    plans, not_tables = [], []
    for sheet in sheets:
        if sheet.ignoree:       # a hidden or chart sheet: not loaded, said, and logged (data-quality page)
            log_refused(con, sheet.fichier, sheet.chemin, sheet.feuille, sha, sheet.format, sheet.ignoree)
            results.append(LoadCounts(sheet.fichier, sheet.feuille, ignore=sheet.ignoree))
            continue
        try:
            plans.append((sheet, header_plan(sheet, ref)))
        except NoHeader as exc:
            if exc.partial:   # a table whose required columns are missing: refused, and said
                results.append(log_refused(con, sheet.fichier, sheet.chemin, sheet.feuille, sha, sheet.format, str(exc)))
            else:
                not_tables.append((sheet, exc))
    # A workbook's notes or empty sheets are not an error as long as another sheet is a table.
    if not plans and not any(r.refuse for r in results) and not_tables:
        first, why = not_tables[0]
        feuille = first.feuille if len(sheets) > 1 else None
        results.append(log_refused(con, path.name, str(path), feuille, sha, first.format, str(why)))
    for sheet, plan in plans:
        results.append(load_sheet(con, sheet, plan, ref, exact))
    return results


def load_sheet(con: duckdb.DuckDBPyConnection, sheet: RawSheet, plan: HeaderPlan, ref: Ref,
               exact: bool = False) -> LoadCounts:
    """Stage a sheet's rows in DuckDB, clean them there and merge them into the warehouse (inside the
    caller's transaction). The rows counted are the file's own records below the header (an
    independent count for a CSV), so `lignes_lues` is what is in the file."""
    # a failure rolls the transaction back, and the staging tables with it
    stage.stage_sheet(con, sheet, plan, exact)
    load = SheetLoad(con, fichier=sheet.fichier, chemin=sheet.chemin, feuille=sheet.feuille,
                     sha256=sheet.sha256, fmt=sheet.format)
    resolve_fields(con, ref)
    load.insert_new(clean_query("fields"), MISSION_FIELDS)          # the bulk: new ids, accepted
    load.rest_view("fields", "fields_rest")                         # the few others
    con.execute(f"CREATE TEMP TABLE cleaned AS {clean_query('fields_rest')}")
    for part in stage.quarantined(con, plan):
        load.add_quarantine(finish_quarantine(part))
    load.add_cleaned(MISSION_FIELDS)                                # repeated or known ids: a verdict each
    drop_resolved(con)
    stage.drop(con)
    expected = None
    if sheet.enregistrements is not None:
        expected = int((sheet.enregistrements > plan.header_line).sum())
    return load.finish(expected)


def ingest_paths(paths: Iterable[Path], db: Path | None = None, ref: Ref | None = None,
                 on_file: Callable[[Path, list[LoadCounts]], None] | None = None,
                 hashes: HashAhead | None = None) -> list[LoadCounts]:
    """Load every file; `on_file` is told after each one (the CLI prints and advances its progress bar).
    `hashes`: the files' hashes already under way (the CLI starts them before its imports)."""
    files = expand_paths(paths)
    # The files are hashed ahead, while the reference data loads and each file before loads: a file's
    # hash decides whether it was loaded before, so it is needed first.
    if hashes is None or hashes.files != files:
        if hashes is not None:
            hashes.close()
        hashes = HashAhead(files)
    try:
        ref = ref or load_ref()
        con = connect(db)
    except BaseException:
        hashes.close()
        raise
    try:
        results: list[LoadCounts] = []
        for i, f in enumerate(files):
            counts = ingest_file(con, f, ref, hashes.result(i))
            results += counts
            if on_file:
                on_file(f, counts)
        return results
    finally:
        hashes.close()
        con.close()
