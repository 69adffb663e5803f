"""Read an export file into raw sheets of text cells, whatever form it came in.

Analysts open exports in Excel and save them again, so a file may be UTF-8, UTF-8 with BOM or
Windows-1252, separated by `;`, `,` or tab, with title lines above the header, or an XLSX workbook with
several sheets, date cells and codes stored as numbers. Everything is turned into text here (dates as
ISO text, integral numbers without '.0') so the cleaning stage sees one form. Line numbers are the ones
a person sees: the physical line where a CSV record starts, the Excel row number.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

csv.field_size_limit(10_000_000)


class UnreadableFile(Exception):
    """The file cannot be read as a table at all; the message is the one line shown to the user."""


@dataclass
class RawSheet:
    """One table as read: all cells as text (None for empty), each row with its line number."""

    fichier: str
    chemin: str
    sha256: str
    format: str
    feuille: str | None
    rows: list[tuple[int, list[str | None]]] = field(default_factory=list)


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
    if head.startswith(b"PK\x03\x04"):
        return _read_xlsx(path, sha)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableFile("format Excel 97 (.xls) non pris en charge : l'enregistrer en .xlsx ou .csv")
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


def _read_csv(path: Path, sha: str) -> RawSheet:
    data = path.read_bytes()
    if not data.strip():
        raise UnreadableFile("fichier vide")
    if b"\x00" in data[:4096]:
        raise UnreadableFile("fichier binaire : ni CSV ni XLSX")
    text, encoding = decode(data)
    sep = sniff_separator(text)
    sheet = RawSheet(path.name, str(path), sha, f"csv {encoding} {_SEP_NAMES[sep]}", None)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    line = 1
    try:
        for rec in reader:
            start, line = line, reader.line_num + 1
            cells = [c.strip() or None for c in rec]
            if any(cells):
                sheet.rows.append((start, cells))
    except csv.Error as exc:
        raise UnreadableFile(f"CSV mal formé ligne {reader.line_num} ({exc})") from exc
    return sheet


# --- XLSX ------------------------------------------------------------------------------------------

def cell_text(value: object) -> str | None:
    """One XLSX cell as text: date cells as ISO dates, 26362.0 as '26362'."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None


def _read_xlsx(path: Path, sha: str) -> list[RawSheet]:
    import openpyxl  # imported here: CSV-only runs never pay for it

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken zip
        raise UnreadableFile(f"classeur XLSX illisible ({type(exc).__name__})") from exc
    sheets = []
    try:
        for ws in wb.worksheets:
            sheet = RawSheet(path.name, str(path), sha, "xlsx", ws.title)
            for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
                cells = [cell_text(v) for v in values]
                if any(cells):
                    sheet.rows.append((number, cells))
            sheets.append(sheet)
    finally:
        wb.close()
    return sheets
