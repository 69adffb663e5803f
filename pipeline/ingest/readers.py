"""Read an export file into raw sheets of text cells, whatever form it came in.

Analysts open exports in Excel and save them again, so a file may be UTF-8, UTF-8 with BOM or
Windows-1252, separated by `;`, `,` or tab, with title lines above the header, or an XLSX workbook with
several sheets, date cells and codes stored as numbers. Everything is turned into text here (dates as
ISO text, integral numbers without '.0') so the cleaning stage sees one form. Line numbers are the ones
a person sees: the physical line where a CSV record starts, the Excel row number.
"""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl

from pipeline import config
from pipeline.ingest import detect
from pipeline.ingest.csvcount import CsvCount
from pipeline.ingest.hashing import file_hash
from pipeline.text import sql_text

csv.field_size_limit(10_000_000)


class UnreadableFile(Exception):
    """The file cannot be read as a table at all; the message is the one line shown to the user."""


class CountMismatch(Exception):
    """The reader did not produce the records the independent count found (csvcount.py)."""


def mismatch_message(exc: CountMismatch) -> str:
    line = exc.args[0] if exc.args else "?"
    return (f"le fichier ne se relit pas ligne pour ligne à partir de la ligne {line} "
            "(guillemets ou fins de ligne irréguliers) : rien n'en est chargé")


@dataclass
class CsvSource:
    """A CSV file DuckDB can read from its path (UTF-8, LF or CRLF), with its independent count."""

    path: Path
    sep: str
    width: int          # cells of the widest record
    count: CsvCount
    speculative: bool = False   # read before the count is known: width and line size are guesses


@dataclass
class RawSheet:
    """One table as read: text cells `c0..cN` (None for empty) and the line of each row.

    `frame` holds every row of a workbook sheet, or only the first records of a CSV file (title lines,
    header, first data rows: what header detection looks at); `batches()` gives every row, a bounded
    number at a time, streamed from the file for a CSV. Rows with no value at all are left out (they are
    not data); their lines still count. `enregistrements`: the records of the file by an independent
    count (CSV), to be compared with what the reader produced.
    """

    fichier: str
    chemin: str
    sha256: str
    format: str
    feuille: str | None
    frame: pl.DataFrame = field(default_factory=pl.DataFrame)
    ignoree: str | None = None      # a workbook sheet not loaded, and why (hidden sheet, chart sheet)
    stream: Callable[[int, bool], Iterator[pl.DataFrame]] | None = None
    enregistrements: np.ndarray | None = None
    cleanup: Callable[[], None] | None = None
    csv: CsvSource | None = None    # set when DuckDB may read the rows from the file itself (ingest/stage.py)
    pending: Callable[[bool], None] | None = None   # finishes a CSV's count (see _read_csv)

    def settle(self, utf8: bool = False) -> RawSheet:
        """Wait for the count still running on the file and take its results: `format`,
        `enregistrements`, `csv` and the batches are final after this. `utf8`: DuckDB read the whole
        file as UTF-8 (it checks every byte), so it need not be checked again. May raise UnreadableFile
        (a file the count refuses)."""
        if self.pending is not None:
            pending, self.pending = self.pending, None
            pending(utf8)
        return self

    def head_rows(self, n: int) -> list[tuple[int, list[str | None]]]:
        """The first n rows as (line, cells): what header detection looks at."""
        cells = [c for c in self.frame.columns if c != "ligne"]
        return [(r[0], list(r[1:])) for r in self.frame.head(n).select("ligne", *cells).iter_rows()]

    def batches(self, size: int, exact: bool = False) -> Iterator[pl.DataFrame]:
        """Every row, at most `size` at a time. `exact`: read with Python's csv module rather than
        DuckDB (slower; used when DuckDB's records disagree with the independent count)."""
        self.settle()
        if self.stream is not None:
            yield from self.stream(size, exact)
            return
        for offset in range(0, self.frame.height, size):
            yield self.frame.slice(offset, size)

    def materialize(self) -> RawSheet:
        """Every row in `frame` (for callers that want the whole sheet at once: small files)."""
        if self.stream is not None:
            try:
                frames = list(self.batches(1 << 30))
            except CountMismatch:
                try:
                    frames = list(self.batches(1 << 30, exact=True))
                except CountMismatch as exc:
                    raise UnreadableFile(mismatch_message(exc)) from exc
            finally:
                self.close()
            self.frame = pl.concat(frames, how="vertical") if frames else self.frame.clear()
            self.stream = None
        return self

    def close(self) -> None:
        if self.pending is not None:     # the threads finish before their files are removed
            with contextlib.suppress(Exception):   # closing: the load already failed or was refused
                self.settle()
        if self.cleanup is not None:
            self.cleanup()
            self.cleanup = None


def _frame(rows: list[tuple[int, list[str | None]]], width: int | None = None) -> pl.DataFrame:
    """(line, cells) rows → the RawSheet frame (cells padded to `width`, or to the widest row)."""
    width = max((len(c) for _, c in rows), default=0) if width is None else width
    data: dict[str, list[int] | list[str | None]] = {"ligne": [line for line, _ in rows]}
    for i in range(width):
        data[f"c{i}"] = [cells[i] if i < len(cells) else None for _, cells in rows]
    return pl.DataFrame(data, schema={"ligne": pl.Int64, **{f"c{i}": pl.Utf8 for i in range(width)}})


def read_export(path: Path, sha256: str | None = None, stream: bool = False) -> list[RawSheet]:
    """All the tables of a file (one per XLSX sheet, one for a CSV). `stream`: a CSV's rows are left
    in the file, to be read with `batches()` (the ingest); otherwise they are all in `frame`."""
    path = Path(path)
    sha = sha256 or file_hash(path)
    try:
        with open(path, "rb") as f:
            head = f.read(8)
    except OSError as exc:
        raise UnreadableFile(f"fichier illisible ({exc.strerror})") from exc
    kind = detect.sniff(head)           # by content, never by name: an XLSX named .csv is a workbook
    if kind == detect.ZIP:
        from pipeline.ingest.workbook import read_workbook

        return read_workbook(path, sha)
    if kind == detect.OLE2:
        raise UnreadableFile(detect.OLE2_MESSAGE)
    sheet = _read_csv(path, sha, speculative=stream)
    return [sheet if stream else sheet.materialize()]


# --- CSV -------------------------------------------------------------------------------------------

def decode(data: bytes) -> tuple[str, str]:
    """Text and the encoding's name. cp1252, not latin-1: 'œ', '’' and '€' live in 0x80–0x9F."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-bom"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def sniff_separator(text: str) -> str:
    """The separator that splits the first lines into the most rows of one same width (> 1)."""
    sample = text[:65536]
    best, best_score = ";", -1
    for sep in (";", ",", "\t", "|"):
        widths: dict[int, int] = {}
        try:
            for i, rec in enumerate(csv.reader(io.StringIO(sample), delimiter=sep)):
                if i >= 60:
                    break
                if len(rec) > 1:
                    widths[len(rec)] = widths.get(len(rec), 0) + 1
        except csv.Error:
            continue
        if widths:
            width, count = max(widths.items(), key=lambda kv: (kv[1], kv[0]))
            score = count * width * width   # wide rows of one width: a separator met inside quoted text splits few
            if score > best_score:
                best, best_score = sep, score
    return best



def _python_records(text: str, sep: str, limit: int | None = None, first_line: int = 1):
    """(start line, cells) of each non-empty record, with Python's csv module (exact line numbers)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    out, line = [], first_line
    try:
        for rec in reader:
            start, line = line, first_line + reader.line_num
            cells = [c.strip() or None for c in rec]
            if any(cells):
                out.append((start, cells))
                if limit and len(out) >= limit:
                    break
    except csv.Error as exc:
        raise UnreadableFile(f"CSV mal formé ligne {first_line + reader.line_num - 1} ({exc})") from exc
    if not out:
        raise UnreadableFile("aucune ligne de données")
    return out


_SEP_NAMES = {";": ";", ",": ",", "\t": "tab", "|": "|"}
_HEAD_BYTES = 1 << 20
_HEAD_RECORDS = 40
_ASCII_BLANK = " \t\r\n"


def _read_csv(path: Path, sha: str, speculative: bool = False) -> RawSheet:
    """A CSV (or tab-separated text) export, streamed (see textfile.py, csvcount.py).

    The head (first MiB) is read with Python's csv module for the separator, title lines and header;
    the records are then counted by the strict pass, and read by DuckDB's CSV reader from the file
    itself (multi-threaded, bounded memory) — or by Python's csv module when a quote is used in a way
    DuckDB reads differently (text after a closing quote). The line of each record comes from the
    count, and the two are checked against each other.

    `speculative` (the ingest): when the head is UTF-8 without a lone CR, as most exports are, the sheet
    is returned at once while a thread counts the file; DuckDB stages the rows meanwhile (checking every
    byte is UTF-8), and `RawSheet.settle()` takes the count (stage.py reads the file again in the rare
    case it calls for it: a record DuckDB could not read — not UTF-8 —, a lone CR, a record wider than
    the head, a multi-line cell).
    """
    from pipeline.ingest.textfile import UTF16_BOMS, prepare

    with open(path, "rb") as f:
        first = f.read(_HEAD_BYTES)
    if not first.strip() and path.stat().st_size <= _HEAD_BYTES:
        raise UnreadableFile("fichier vide")
    if b"\x00" in first[:4096] and not first.startswith(UTF16_BOMS):
        raise UnreadableFile("fichier binaire : ni CSV ni XLSX")
    if first.startswith(UTF16_BOMS):
        src = prepare(path, config.INGEST_TMP)
        return _sheet(path, sha, src, *_head_and_count(src.path))
    if speculative and _plain_head(first):
        return _speculative(path, sha)
    with ThreadPoolExecutor(1) as pool:
        # The file is counted while another thread checks it is UTF-8 with LF or CRLF ends (Arrow's
        # UTF-8 check lets go of the GIL); a file that had to be transcoded is counted again.
        prepared = pool.submit(prepare, path, config.INGEST_TMP)
        counted: tuple | UnreadableFile
        try:
            counted = _head_and_count(path)
        except UnreadableFile as exc:     # judged on the bytes DuckDB will read, below
            counted = exc
        except BaseException:
            prepared.result().cleanup()
            raise
        src = prepared.result()
    try:
        if src.temporary:
            counted = _head_and_count(src.path)
        if isinstance(counted, UnreadableFile):
            raise counted
    except BaseException:
        src.cleanup()
        raise
    return _sheet(path, sha, src, *counted)


def _plain_head(first: bytes) -> bool:
    """The first MiB is UTF-8 (a character cut at the end aside) with no lone CR."""
    head = first[: first.rfind(b"\n") + 1] if len(first) == _HEAD_BYTES else first
    if first.count(b"\r") != first.count(b"\r\n"):
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _sheet(path: Path, sha: str, src, sep: str, head, head_width: int, count: CsvCount,
           sheet: RawSheet | None = None) -> RawSheet:
    """The sheet of a counted CSV (or `sheet` completed with it)."""
    try:
        _refuse_broken(count)
        width = max(count.max_width, head_width)
        fmt = f"csv {src.encoding} {_SEP_NAMES[sep]}" + (" fins de ligne CR" if src.line_ending == "cr" else "")
        csv_source = CsvSource(src.path, sep, width, count)

        def stream(size: int, exact: bool) -> Iterator[pl.DataFrame]:
            if exact or count.irregular:
                yield from _python_batches(src.path, sep, width, count.starts, size)
            else:
                yield from _duckdb_batches(csv_source, size)
    except BaseException:
        src.cleanup()
        raise
    out = sheet or RawSheet(path.name, str(path), sha, fmt, None, _frame(head, width))
    if out.frame.width - 1 < width:      # a record wider than the speculative head: the head widens too
        out.frame = _frame(head, width)
    out.format, out.stream, out.enregistrements, out.cleanup = fmt, stream, count.starts, src.cleanup
    out.csv = None if count.irregular else csv_source
    return out


_SPARE_COLUMNS = 4    # a speculative read takes a few more columns than the head shows


def _speculative(path: Path, sha: str) -> RawSheet:
    """The sheet at once, its count running in a thread (see _read_csv)."""
    from pipeline.ingest.csvcount import count_csv
    from pipeline.ingest.textfile import UTF8_BOM, TextSource, prepare

    sep, head, head_width = _head(path)
    pool = ThreadPoolExecutor(1)
    counted = pool.submit(count_csv, path, sep, max(2, head_width - 1))
    sheet = RawSheet(path.name, str(path), sha, f"csv utf-8 {_SEP_NAMES[sep]}", None, _frame(head, head_width),
                     csv=CsvSource(path, sep, head_width + _SPARE_COLUMNS, CsvCount(), speculative=True))

    def settle(utf8: bool) -> None:
        try:
            count = counted.result()
        finally:
            pool.shutdown(wait=True)
        if utf8 and not count.lone_cr:     # as it is: UTF-8 (DuckDB read it all), LF or CRLF
            with open(path, "rb") as f:
                bom = f.read(3) == UTF8_BOM
            src = TextSource(path, "utf-8-bom" if bom else "utf-8", "lf", temporary=False)
        else:                              # checked, and transcoded when it must be
            src = prepare(path, config.INGEST_TMP)
            if src.temporary:              # the head is the same; the count is redone on the new bytes
                try:
                    count = count_csv(src.path, sep, max(2, head_width - 1))
                except BaseException:
                    src.cleanup()
                    raise
        _sheet(path, sha, src, sep, head, head_width, count, sheet)

    sheet.pending = settle
    return sheet


def _head(path: Path):
    """(separator, head records, head width) from the first MiB, read with Python's csv module."""
    with open(path, "rb") as f:
        head_bytes = f.read(_HEAD_BYTES)
    if len(head_bytes) == _HEAD_BYTES:
        head_bytes = head_bytes[: head_bytes.rfind(b"\n") + 1] or head_bytes
    text = head_bytes.decode("utf-8-sig", errors="replace")
    sep = sniff_separator(text)
    head = _python_records(text, sep, limit=_HEAD_RECORDS)
    return sep, head, max(len(c) for _, c in head)


def _head_and_count(path: Path):
    """(separator, head records, head width, count) of a UTF-8 text file: the head, then the strict
    count of the whole file."""
    from pipeline.ingest.csvcount import count_csv

    sep, head, head_width = _head(path)
    return sep, head, head_width, count_csv(path, sep, swallow_separators=max(2, head_width - 1))


def _refuse_broken(count) -> None:
    """A quote that never closes, or that swallows whole rows into one cell: the file is refused with
    the line where it breaks (reading on would lose or merge rows; the fix is one character)."""
    if count.unterminated is not None:
        raise UnreadableFile(f"guillemet ouvert ligne {count.unterminated} et jamais refermé : toute la suite "
                             "du fichier serait lue comme une seule cellule ; corriger ce guillemet")
    if count.too_long is not None:
        raise UnreadableFile(f"ligne {count.too_long} : une cellule entre guillemets dépasse 64 Mo "
                             "(guillemet mal placé ?)")
    if count.swallowing:
        first, last, _ = count.swallowing[0]
        raise UnreadableFile(f"ligne {first} : un guillemet ouvre une cellule qui avale les lignes {first + 1} "
                             f"à {last}, qui ont l'air de lignes de données ; corriger ce guillemet")


def _clean_cells(df: pl.DataFrame, cells: list[str]) -> pl.DataFrame:
    return df.with_columns(pl.col(c).str.strip_chars().replace("", None) for c in cells)


def _coalesced(reader, size: int) -> Iterator[object]:
    """Arrow tables of about `size` rows from DuckDB's record batches.

    Why: DuckDB hands batches the size of its own buffers (a few thousand rows) whatever size was asked;
    each batch is one merge into `missions`, and each merge scans the ids already there, so a 1 M-row file
    merged 7 500 rows at a time made the 10 M ingest grow with the square of its size (bench_scale).
    """
    import pyarrow as pa

    pending: list = []
    rows = 0
    for batch in reader:
        pending.append(batch)
        rows += batch.num_rows
        if rows >= size:
            yield pa.Table.from_batches(pending)
            pending, rows = [], 0
    if pending:
        yield pa.Table.from_batches(pending)


def line_size(count: CsvCount) -> int:
    """DuckDB's line size for a file: its buffers follow it, so it is sized from the longest record the
    count met (a 64 MiB line size would make each reading thread hold a gigabyte)."""
    return max(2 << 20, count.longest + 1024)


def read_csv_sql(src: CsvSource) -> str:
    """The query by which DuckDB reads the CSV's records from the file: every cell as text (c0..cN),
    records with no visible character left out (the count leaves them out too)."""
    cells = [f"c{i}" for i in range(src.width)]
    columns = "{" + ", ".join(f"'{c}': 'VARCHAR'" for c in cells) + "}"
    quote = "'\"'"
    size = line_size(src.count)
    blank = " AND ".join(f"coalesce(trim({c}, ' \t\r\n'), '') = ''" for c in cells)
    # the path is quoted as an SQL literal; every other part is ours
    return (f"SELECT * FROM read_csv({sql_text(str(src.path))}, delim = {sql_text(src.sep)}, quote = {quote}, "  # noqa: S608
            f"escape = {quote}, header = false, "
            f"auto_detect = false, columns = {columns}, null_padding = true, strict_mode = false, "
            f"parallel = {'false' if src.count.multiline else 'true'}, max_line_size = {size}, "
            f"buffer_size = {2 * size}) "
            f"WHERE NOT ({blank})")


def _duckdb_batches(src: CsvSource, size: int) -> Iterator[pl.DataFrame]:
    """Records read by DuckDB from the file, in file order, with the line the count gives them."""
    import duckdb

    cells = [f"c{i}" for i in range(src.width)]
    starts = src.count.starts
    con = duckdb.connect(config={"memory_limit": config.DUCKDB_READ_MEMORY, "threads": config.DUCKDB_THREADS})
    con.execute("SET enable_progress_bar = false")
    try:
        reader = con.sql(read_csv_sql(src)).to_arrow_reader(size)
        done = 0
        for batch in _coalesced(reader, size):
            df = pl.DataFrame(pl.from_arrow(batch))
            if done + df.height > starts.size:
                raise CountMismatch(int(starts[-1]) if starts.size else 1)
            lines = starts[done:done + df.height]
            df = df.with_columns(pl.Series("ligne", lines, dtype=pl.Int64))
            if src.count.multiline:
                _check_spans(df, cells, starts, done)
            done += df.height
            yield _clean_cells(df, cells).select("ligne", *cells)
        if done != starts.size:
            raise CountMismatch(int(starts[done]))
    except duckdb.Error as exc:
        raise CountMismatch(1) from exc
    finally:
        con.close()


def _check_spans(df: pl.DataFrame, cells: list[str], starts: np.ndarray, done: int) -> None:
    """A record holding k line breaks spans k + 1 lines: the next record cannot start before."""
    breaks = pl.sum_horizontal(pl.col(c).str.count_matches("\n").fill_null(0) for c in cells)
    span = df.select(breaks).to_series().to_numpy()
    nxt = starts[done + 1: done + 1 + df.height]
    ok = df["ligne"].to_numpy()[: nxt.size] + span[: nxt.size] < nxt
    if not ok.all():
        raise CountMismatch(int(df["ligne"][int(np.argmin(ok))]))


def _python_batches(path: Path, sep: str, width: int, starts: np.ndarray, size: int) -> Iterator[pl.DataFrame]:
    """Records read by Python's csv module (exact line numbers), checked against the count."""
    done = 0
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as f:
        reader = csv.reader(f, delimiter=sep)
        rows: list[tuple[int, list[str | None]]] = []
        line = 0
        try:
            for rec in reader:
                start, line = line + 1, reader.line_num
                if not any(c.strip(_ASCII_BLANK) for c in rec):
                    continue
                if done >= starts.size or starts[done] != start:
                    raise CountMismatch(start)
                done += 1
                rows.append((start, [c.strip() or None for c in rec]))
                if len(rows) >= size:
                    yield _frame(rows, width)
                    rows = []
        except csv.Error as exc:
            raise UnreadableFile(f"CSV mal formé ligne {line + 1} ({exc})") from exc
        if rows:
            yield _frame(rows, width)
    if done != starts.size:
        raise CountMismatch(int(starts[done]))
