"""Write tables of cells the way analysts' tools write them: CSV in three encodings, XLSX with titles.

Kept apart from the content so that a test can aim at one form. Cells are Python values: str for
text, int for codes stored as numbers, dt.date for date cells; a `Serial` wraps an Excel day number
written as a plain number (what a sheet shows when a date column lost its format).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

EXCEL_EPOCH = dt.date(1899, 12, 30)


@dataclass(frozen=True)
class Serial:
    date: dt.date

    @property
    def number(self) -> int:
        return (self.date - EXCEL_EPOCH).days


@dataclass
class Sheet:
    name: str
    header: list[str]
    rows: list[list[object]]
    title: list[str] | None = None    # lines above the header (then one blank row)


def _text(cell: object) -> str:
    if cell is None:
        return ""
    if isinstance(cell, Serial):
        return str(cell.number)
    if isinstance(cell, dt.date):
        return cell.strftime("%d/%m/%Y")
    return str(cell)


def write_csv(path: Path, sheet: Sheet, *, encoding: str = "utf-8", sep: str = ";", newline: str = "\n") -> Path:
    """One CSV; fields holding the separator, quotes or line breaks are quoted (RFC 4180 style).

    `encoding` is a Python codec: 'utf-8-sig' writes the BOM, 'cp1252' fails loudly on a character
    Windows-1252 lacks rather than writing '?'.
    """
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, delimiter=sep, lineterminator=newline, quoting=csv.QUOTE_MINIMAL)
    for line in sheet.title or []:
        writer.writerow([line])
    if sheet.title:
        writer.writerow([])
    writer.writerow(sheet.header)
    for row in sheet.rows:
        writer.writerow([_text(c) for c in row])
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, sheets: list[Sheet]) -> Path:
    """An XLSX workbook: title lines and a blank row above each header, typed cells as given."""
    import xlsxwriter  # only the demo needs it

    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False,
                                         "strings_to_urls": False})
    bold = wb.add_format({"bold": True})
    date_fmt = wb.add_format({"num_format": "dd/mm/yyyy"})
    wrap = wb.add_format({"text_wrap": True})
    try:
        for sheet in sheets:
            ws = wb.add_worksheet(sheet.name)
            r = 0
            for line in sheet.title or []:
                ws.write_string(r, 0, line, bold if r == 0 else None)
                r += 1
            if sheet.title:
                r += 1
            for c, name in enumerate(sheet.header):
                ws.write_string(r, c, name, bold)
            for row in sheet.rows:
                r += 1
                for c, cell in enumerate(row):
                    if cell is None or cell == "":
                        continue
                    if isinstance(cell, Serial):
                        ws.write_number(r, c, cell.number)
                    elif isinstance(cell, dt.date):
                        ws.write_datetime(r, c, dt.datetime.combine(cell, dt.time()), date_fmt)
                    elif isinstance(cell, (int, float)):
                        ws.write_number(r, c, cell)
                    else:
                        ws.write_string(r, c, str(cell), wrap if "\n" in str(cell) else None)
            ws.set_column(0, len(sheet.header) - 1, 18)
    finally:
        wb.close()
    return path
