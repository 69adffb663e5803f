"""Read an export file into raw sheets of text cells, whatever form it came in.

Analysts open exports in Excel and save them again, so a file may be UTF-8, UTF-8 with BOM or
Windows-1252, separated by `;`, `,` or tab, with title lines above the header, or an XLSX workbook with
several sheets, date cells and codes stored as numbers. Everything is turned into text here (dates as
ISO text, integral numbers without '.0') so the cleaning stage sees one form. Line numbers are the ones
a person sees: the physical line where a CSV record starts, the Excel row number.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from pipeline.ingest import detect

csv.field_size_limit(10_000_000)


class UnreadableFile(Exception):
    """The file cannot be read as a table at all; the message is the one line shown to the user."""


@dataclass
class RawSheet:
    """One table as read: a frame of text cells `c0..cN` (None for empty) and the line of each row.

    Rows with no value at all are left out (they are not data); their lines still count.
    """

    fichier: str
    chemin: str
    sha256: str
    format: str
    feuille: str | None
    frame: pl.DataFrame = field(default_factory=pl.DataFrame)
    ignoree: str | None = None      # a workbook sheet not loaded, and why (hidden sheet, chart sheet)

    def head_rows(self, n: int) -> list[tuple[int, list[str | None]]]:
        """The first n rows as (line, cells): what header detection looks at."""
        cells = [c for c in self.frame.columns if c != "ligne"]
        return [(r[0], list(r[1:])) for r in self.frame.head(n).select("ligne", *cells).iter_rows()]


def _frame(rows: list[tuple[int, list[str | None]]]) -> pl.DataFrame:
    """(line, cells) rows → the RawSheet frame (cells padded to the widest row)."""
    width = max((len(c) for _, c in rows), default=0)
    data: dict[str, list[int] | list[str | None]] = {"ligne": [line for line, _ in rows]}
    for i in range(width):
        data[f"c{i}"] = [cells[i] if i < len(cells) else None for _, cells in rows]
    return pl.DataFrame(data, schema={"ligne": pl.Int64, **{f"c{i}": pl.Utf8 for i in range(width)}})


def file_hash(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_export(path: Path, sha256: str | None = None) -> list[RawSheet]:
    """All the tables of a file (one per XLSX sheet, one for a CSV)."""
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
    return [_read_csv(path, sha)]


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


def _head(data: bytes, size: int = 1 << 20) -> bytes:
    """The first MiB cut after a line end (a multi-byte character is never split)."""
    if len(data) <= size:
        return data
    cut = data.rfind(b"\n", 0, size)
    return data[: cut + 1] if cut > 0 else data[:size]


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
            score = count * 1000 + width
            if score > best_score:
                best, best_score = sep, score
    return best


_SEP_NAMES = {";": ";", ",": ",", "\t": "tab", "|": "|"}


_HEAD_RECORDS = 40


def _read_csv(path: Path, sha: str) -> RawSheet:
    """Title lines are read with Python's csv module; the table itself, from its first full-width
    record on, with Polars (Rust, multi-threaded): a million-row export reads in seconds."""
    data = path.read_bytes()
    if not data.strip():
        raise UnreadableFile("fichier vide")
    if b"\x00" in data[:4096]:
        raise UnreadableFile("fichier binaire : ni CSV ni XLSX")
    # Title lines and header come from the first MiB; a large UTF-8 file is never decoded in Python.
    head_bytes = _head(data)
    text, encoding = decode(head_bytes)
    if encoding not in ("utf-8", "utf-8-bom") or len(data) <= len(head_bytes):
        text, encoding = decode(data)
    sep = sniff_separator(text)
    head = _python_records(text[: 1 << 20], sep, limit=_HEAD_RECORDS)
    width = max(len(c) for _, c in head)
    start = next(i for i, (_, c) in enumerate(head) if len(c) == width)
    first_line = head[start][0]
    raw = data[3:] if encoding == "utf-8-bom" else data
    body_bytes = raw[_line_offset(raw, first_line):] if encoding.startswith("utf-8") else \
        text[_line_offset(text, first_line):].encode("utf-8")
    try:
        body = _polars_records(body_bytes, sep, first_line)
    except pl.exceptions.PolarsError as exc:
        if encoding.startswith("utf-8") and "utf" in str(exc).lower():   # not UTF-8 after the first MiB
            text, encoding = data.decode("cp1252", errors="replace"), "windows-1252"
            body_bytes = text[_line_offset(text, first_line):].encode("utf-8")
            body = _polars_records(body_bytes, sep, first_line)
        else:
            body = _frame(_python_records(body_bytes.decode("utf-8", errors="replace"), sep, first_line=first_line))
    fmt = f"csv {encoding} {_SEP_NAMES[sep]}"
    title = _frame([r for r in head[:start] if any(r[1])]) if start else None
    frame = pl.concat([title, body], how="diagonal") if title is not None and title.height else body
    cols = ["ligne"] + [f"c{i}" for i in range(width)]
    return RawSheet(path.name, str(path), sha, fmt, None, frame.select([c for c in cols if c in frame.columns]))


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


def _line_offset(text: str | bytes, line: int) -> int:
    """Offset where physical line `line` (1-based) starts, in a str or in bytes."""
    offset = 0
    for _ in range(line - 1):
        offset = (text.index("\n", offset) if isinstance(text, str) else text.index(b"\n", offset)) + 1
    return offset


def _polars_records(body: bytes, sep: str, first_line: int) -> pl.DataFrame:
    """All records of `body` (which starts with the widest record); a record's line is the first line
    plus the records and embedded line breaks before it."""
    df = pl.read_csv(body, separator=sep, has_header=False, infer_schema=False,
                     truncate_ragged_lines=True, quote_char='"')
    cells = [f"c{i}" for i in range(df.width)]
    df = df.rename(dict(zip(df.columns, cells, strict=True)))
    breaks = pl.sum_horizontal([pl.col(c).str.count_matches("\n").fill_null(0) for c in cells])
    df = df.with_columns(
        (pl.int_range(pl.len()) + breaks.cum_sum().shift(1, fill_value=0) + first_line).cast(pl.Int64).alias("ligne"),
        *[pl.col(c).str.strip_chars().replace("", None) for c in cells],
    )
    return df.filter(pl.any_horizontal(pl.col(c).is_not_null() for c in cells)).select("ligne", *cells)
