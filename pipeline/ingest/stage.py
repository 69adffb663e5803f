"""Stage a sheet's rows in DuckDB: the cells of its kept columns, trimmed, with the line of each row.

Two ways in, one table out (`stage_cells`, seen through the view `staged`: ligne, c<i>…). It is a
temporary table, created and dropped inside the load's transaction: past DuckDB's memory limit it is
spilled to the warehouse's temporary folder (deleted when the connection closes), never written into
the warehouse file — coded columns are staged as read, and one may hold an address by mistake (that row
is quarantined, its reason and row as read redacted). A failed load leaves nothing behind.
- a CSV file is read by DuckDB's own reader straight from its path — no row passes through Python —
  and its records are checked against the independent count (csvcount.py), whose record starts give
  each row its line;
- any other sheet (a workbook, or a CSV read by Python's csv module) is appended batch by batch.
Personal columns are never staged (the header plan drops them), and free-text cells are redacted as
they come in: nothing personal reaches even a temporary table. The view `fields` then names the
canonical fields (pipeline.clean works on it).
"""

from __future__ import annotations

import duckdb
import numpy as np
import polars as pl

from pipeline import config
from pipeline.ingest.headers import FIELDS, RESOLVED_FIELDS, HeaderPlan, apply_header
from pipeline.ingest.readers import CountMismatch, CsvSource, RawSheet, line_size, read_csv_sql
from pipeline.text import GATE_PATTERN, redact, sql_text

# Unicode white space, as Polars' strip_chars() knows it (DuckDB's trim() with a set of characters is
# ten times slower than a regular expression that first checks the two ends).
_SPACE = (r"[\t\n\x0b\x0c\r \x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}"
          r"\x{3000}]")
_EDGE = sql_text(f"^{_SPACE}|{_SPACE}$")
_EDGES = sql_text(f"^{_SPACE}+|{_SPACE}+$")

TEMPORARIES = ("VIEW fields_rest", "VIEW fields", "VIEW staged", "VIEW stage_lined", "TABLE stage_cells", "TABLE stage_lines", "TABLE cleaned",
               "TABLE quarantined")


def _resolved_columns(plan: HeaderPlan) -> set[int]:
    """The kept columns of fields resolved through their distinct values (headers.RESOLVED_FIELDS)."""
    column = dict(zip(plan.names, plan.keep, strict=True))
    return {column[plan.fields[f]] for f in RESOLVED_FIELDS
            if f in plan.fields and column[plan.fields[f]] < plan.header_width}


def _cells(plan: HeaderPlan, present: set[str] | None = None) -> list[str]:
    """The staged cells: trimmed (Unicode spaces, as Polars strips), '' is no value; free text redacted
    (the cheap gate first: only a value with an '@' or a phone-like run of digits calls Python). The
    cells of resolved fields are staged as read: the cleaning trims their distinct values."""
    free = {plan.keep[plan.names.index(n)] for n in plan.free_text}
    resolved = _resolved_columns(plan)
    out = []
    for i in plan.keep:
        c = f"c{i}"
        if present is not None and c not in present:
            out.append(f"NULL::VARCHAR AS {c}")
            continue
        if i in resolved:
            out.append(c)
            continue
        text = f"nullif(CASE WHEN regexp_matches({c}, {_EDGE}) THEN regexp_replace({c}, {_EDGES}, '', 'g') ELSE {c} END, '')"
        if i in free:
            text = f"CASE WHEN regexp_matches({text}, {sql_text(GATE_PATTERN)}) THEN bilan_redact({text}) ELSE {text} END"
        out.append(f"{text} AS {c}")
    return out


def register_redact(con: duckdb.DuckDBPyConnection) -> None:
    """`bilan_redact(text)` in SQL: pipeline.text.redact. Registered when the connection opens (a
    function created inside a transaction would go with its rollback)."""
    exists = con.execute("SELECT count(*) FROM duckdb_functions() WHERE function_name = 'bilan_redact'").fetchall()
    if not exists[0][0]:
        con.create_function("bilan_redact", redact, ["VARCHAR"], "VARCHAR", side_effects=False)


class Restage(Exception):
    """A speculative read of a CSV (made while the file was still being checked and counted) does not
    fit what the count found — a transcoded file, a record wider than the head, a multi-line cell, a
    long line — or DuckDB could not take it: the caller rolls back and loads the sheet again, now
    settled (its header planned again on a head as wide as its widest record)."""


def stage_sheet(con: duckdb.DuckDBPyConnection, sheet: RawSheet, plan: HeaderPlan, exact: bool) -> None:
    """Fill `stage_cells` and define `staged` and `fields`; CountMismatch when DuckDB's records are not
    the count's (the caller reads the file again with Python's csv module). The sheet is settled
    (readers.RawSheet.settle) when this returns."""
    register_redact(con)
    drop(con)
    guess = sheet.csv
    if guess is not None and guess.speculative and not exact:
        read = _read_into_stage(con, guess, plan)     # while the file is still being counted
        sheet.settle(utf8=read)
        src = sheet.csv
        if (not read or src is None or src.path != guess.path or src.count.multiline
                or src.count.longest + 1024 > line_size(guess.count)
                or len(plan.names) + len(plan.personal_dropped) < sheet.frame.width - 1):
            raise Restage
        _check_stage(con, src, plan)
    else:
        sheet.settle()
        src = sheet.csv
        if src is not None and not exact:
            if not _read_into_stage(con, src, plan):
                raise CountMismatch(1)   # not UTF-8 after all, a record DuckDB cannot take: read by Python
            _check_stage(con, src, plan)
        else:
            _stage_batches(con, sheet, plan, exact)
    _fields_view(con, plan)


def _read_into_stage(con: duckdb.DuckDBPyConnection, src: CsvSource, plan: HeaderPlan) -> bool:
    """DuckDB reads the file into `stage_cells` (the records in file order); False when it cannot."""
    # A record holding k line breaks spans k + 1 lines: checked against where the count starts the next.
    breaks = (", " + " + ".join(f"coalesce(length({c}) - length(replace({c}, chr(10), '')), 0)"
                                for c in (f"c{i}" for i in range(src.width))) + " AS _breaks") if src.count.multiline else ""
    try:
        con.execute(f"CREATE TEMP TABLE stage_cells AS SELECT {', '.join(_cells(plan))}{breaks} "  # noqa: S608
                    f"FROM ({read_csv_sql(src)})")
    except duckdb.Error:
        return False
    return True


def _check_stage(con: duckdb.DuckDBPyConnection, src: CsvSource, plan: HeaderPlan) -> None:
    """The staged records against the count: as many, each at its line, multi-line records spanning
    the lines the count gives them."""
    starts = src.count.starts
    n, first, last = con.execute("SELECT count(*), min(rowid), max(rowid) FROM stage_cells").fetchall()[0]
    if n != starts.size:
        raise CountMismatch(int(starts[min(n, starts.size - 1)]) if starts.size else 1)
    if n and last - first + 1 != n:      # rowids not one run: the rank of a record is unknown
        raise CountMismatch(1)
    _line_view(con, plan, np.asarray(starts, dtype=np.int64), int(first or 0))
    if src.count.multiline:
        bad = con.execute("SELECT min(ligne) FROM (SELECT ligne, _breaks, lead(ligne) OVER (ORDER BY ligne) AS nxt "
                          "FROM stage_lined) WHERE ligne + _breaks >= nxt").fetchall()[0][0]
        if bad is not None:
            raise CountMismatch(int(bad))


def _line_view(con: duckdb.DuckDBPyConnection, plan: HeaderPlan, starts: np.ndarray, first: int) -> None:
    """View `staged`: the staged cells with each record's line. Record k (rowid - first: the rows of
    a table created in a transaction are numbered from a base of DuckDB's) starts on line
    k + 1, plus the lines skipped before it (blank lines, the extra lines of multi-line records): a
    step function with a step per skip, kept as a small table and found by an ASOF join."""
    shift = starts - np.arange(1, starts.size + 1, dtype=np.int64)
    steps = np.flatnonzero(np.diff(shift, prepend=0))
    if not steps.size:
        con.execute(f"CREATE TEMP VIEW stage_lined AS SELECT s.rowid - {first} + 1 AS ligne, s.* FROM stage_cells s")  # noqa: S608
    else:
        con.register("_steps", pl.DataFrame({"k": steps.astype(np.int64), "shift": shift[steps]}))
        con.execute("CREATE TEMP TABLE stage_lines AS SELECT k, shift FROM _steps")
        con.unregister("_steps")
        con.execute(f"CREATE TEMP VIEW stage_lined AS SELECT s.rowid - {first} + 1 + coalesce(l.shift, 0) AS ligne, s.* "  # noqa: S608
                    f"FROM stage_cells s ASOF LEFT JOIN stage_lines l ON s.rowid - {first} >= l.k")
    con.execute("CREATE TEMP VIEW staged AS SELECT ligne, " + ", ".join(f"c{i}" for i in plan.keep) + " FROM stage_lined")  # noqa: S608 (names of ours)


def _stage_batches(con: duckdb.DuckDBPyConnection, sheet: RawSheet, plan: HeaderPlan, exact: bool) -> None:
    columns = ", ".join(f"c{i} VARCHAR" for i in plan.keep)
    con.execute(f"CREATE TEMP TABLE stage_cells (ligne BIGINT{', ' if columns else ''}{columns})")
    for batch in sheet.batches(config.INGEST_BATCH_ROWS, exact=exact):
        con.register("_batch", batch)
        cells = _cells(plan, set(batch.columns))
        con.execute(f"INSERT INTO stage_cells SELECT ligne{', ' if cells else ''}{', '.join(cells)} FROM _batch")  # noqa: S608 (names of ours)
        con.unregister("_batch")
    con.execute("CREATE TEMP VIEW staged AS SELECT * FROM stage_cells")


def _fields_view(con: duckdb.DuckDBPyConnection, plan: HeaderPlan) -> None:
    """The canonical fields of the rows below the header, and `debordement`: the cells past the header's
    last named column (a row wider than its header)."""
    column = {name: f"c{i}" for name, i in zip(plan.names, plan.keep, strict=True)}
    fields = [f"{column[plan.fields[f]]} AS {f}" if f in plan.fields else f"NULL::VARCHAR AS {f}" for f in FIELDS]
    extra = [f"c{i}" for i in plan.keep if i >= plan.header_width]
    overflow = f"nullif(concat_ws(' | ', {', '.join(extra)}), '')" if extra else "NULL::VARCHAR"
    con.execute(f"CREATE TEMP VIEW fields AS SELECT ligne, {', '.join(fields)}, {overflow} AS debordement "  # noqa: S608
                f"FROM staged WHERE ligne > {int(plan.header_line)}")


def quarantined(con: duckdb.DuckDBPyConnection, plan: HeaderPlan, size: int = 50_000):
    """The quarantined rows of `cleaned` (ligne, id_mission, annee, raison, valeurs), a bounded number at
    a time: the row as read is rebuilt from the staged cells for these rows only."""
    con.execute("CREATE OR REPLACE TEMP TABLE quarantined AS SELECT row_number() OVER (ORDER BY ligne) AS k, ligne, "
                "id_mission, annee_lue AS annee, raison FROM cleaned WHERE raison IS NOT NULL")
    n = con.execute("SELECT count(*) FROM quarantined").fetchall()[0][0]
    cells = [f"c{i}" for i in plan.keep]
    untrimmed = [f"c{i}" for i in _resolved_columns(plan)]     # staged as read: trimmed here, as the others were
    for start in range(0, n, size):
        part = con.sql(f"SELECT q.ligne, q.id_mission, q.annee, q.raison{''.join(', s.' + c for c in cells)} "  # noqa: S608
                       f"FROM quarantined q JOIN staged s USING (ligne) WHERE q.k > {start} AND q.k <= {start + size} "
                       "ORDER BY q.ligne").pl()
        part = part.with_columns(pl.col(c).str.strip_chars().replace("", None) for c in untrimmed)
        valeurs = apply_header(plan, part.select("ligne", *cells)).get_column("valeurs")
        yield part.select("ligne", "id_mission", "annee", "raison").with_columns(valeurs)


def drop(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the staging tables and views (a failed load leaves none behind either)."""
    for what in TEMPORARIES:
        kind, name = what.split()
        con.execute(f"DROP {kind} IF EXISTS {name}")
