"""The workbook an Excel user opens with a double click: French sheets and titles, real number formats.

Why written cell by cell with xlsxwriter rather than `DataFrame.write_excel`: every text must be a
string cell (`write_string`), never guessed into a formula — export text starting with `=` would
otherwise become a live formula — and shares are stored as fractions with a percentage format, so
that Excel computes with them and shows "14 %". Each sheet holds one named Excel table whose column
titles are the TableSchema titles; a first sheet "À lire" says what the workbook is.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import xlsxwriter

from pipeline.publish.schemas import (
    COUNTING_NOTE,
    DATASET_TITLE,
    LICENCE,
    PUBLISHER,
    ROUNDING_NOTE,
    SHEETS,
    SOURCES,
    TABLES,
)

README_SHEET = "À lire"
PCT_FORMAT = "0 %"           # a fraction shown as a whole percent: 0.14 → 14 %
COUNT_FORMAT = "#,##0"       # thousands grouped by the reader's locale (1 041 in French Excel)
PLAIN_FORMAT = "0"           # years, line numbers: 2021, not 2 021
PLAIN_COLUMNS = {"annee", "ligne"}


def is_share(column: str) -> bool:
    """Columns holding a whole percent in the CSV (pct, pct_demandes, part_…_pct)."""
    return column == "pct" or column.startswith("pct_") or column.endswith("_pct")


def _titles(df: pl.DataFrame, schema: dict) -> list[str]:
    """Column titles from the TableSchema, made unique (Excel refuses two equal table headers)."""
    by_name = {f["name"]: f.get("title") or f["name"] for f in schema["fields"]}
    seen: set[str] = set()
    out = []
    for col in df.columns:
        title = " ".join(str(by_name.get(col, col)).split()) or "Colonne"
        candidate, n = title, 2
        while candidate.casefold() in seen:
            candidate, n = f"{title} ({n})", n + 1
        seen.add(candidate.casefold())
        out.append(candidate)
    return out


class _Formats:
    def __init__(self, wb: xlsxwriter.Workbook):
        self.pct = wb.add_format({"num_format": PCT_FORMAT})
        self.count = wb.add_format({"num_format": COUNT_FORMAT})
        self.plain = wb.add_format({"num_format": PLAIN_FORMAT})
        self.decimal = wb.add_format({"num_format": "#,##0.0#"})
        self.text = wb.add_format({"text_wrap": False})
        self.date = wb.add_format({"num_format": "dd/mm/yyyy"})
        self.title = wb.add_format({"bold": True, "font_size": 15, "font_color": "#0B4F6C"})
        self.label = wb.add_format({"bold": True, "valign": "top"})
        self.wrap = wb.add_format({"text_wrap": True, "valign": "top"})
        self.header = wb.add_format({"bold": True, "font_color": "#FFFFFF", "bg_color": "#0B4F6C",
                                     "text_wrap": True, "valign": "top"})


def _number_format(fmts: _Formats, table: str, column: str, row: dict | None = None):
    """The format of a numeric cell; summary's `valeur` depends on its row's indicateur."""
    if table == "summary" and column == "valeur" and row is not None:
        name = str(row.get("indicateur") or "")
        return fmts.pct if is_share(name) else fmts.plain if name == "annee" else fmts.count
    if is_share(column):
        return fmts.pct
    if column in PLAIN_COLUMNS:
        return fmts.plain
    return fmts.count


def _write_cell(ws, r: int, c: int, value, fmt, fmts: _Formats, share: bool) -> None:
    if value is None:
        ws.write_blank(r, c, None, fmt)
    elif isinstance(value, bool):
        ws.write_boolean(r, c, value)
    elif isinstance(value, int | float):
        ws.write_number(r, c, value / 100 if share else value, fmt)
    elif isinstance(value, dt.datetime | dt.date):
        ws.write_datetime(r, c, value, fmts.date)
    else:
        ws.write_string(r, c, str(value), fmts.text)


def _sheet(wb, fmts: _Formats, name: str, df: pl.DataFrame, schema: dict) -> None:
    sheet_name, table_name = SHEETS.get(name, (name[:31], f"T_{name}"))
    ws = wb.add_worksheet(sheet_name)
    titles = _titles(df, schema)
    numeric = {c for c, t in df.schema.items() if t.is_numeric()}
    for i, row in enumerate(df.iter_rows(named=True), start=1):
        for j, col in enumerate(df.columns):
            fmt = _number_format(fmts, name, col, row) if col in numeric else fmts.text
            share = col in numeric and fmt is fmts.pct
            _write_cell(ws, i, j, row[col], fmt, fmts, share)
    last_row = max(df.height, 1)          # an Excel table needs one body row, even empty
    columns = [{"header": t, "header_format": fmts.header} for t in titles]
    ws.add_table(0, 0, last_row, max(len(titles) - 1, 0),
                 {"name": table_name, "columns": columns, "style": "Table Style Light 9",
                  "autofilter": True})
    for j, col in enumerate(df.columns):
        longest = df.select(pl.col(col).cast(pl.String).str.len_chars().max()).item() if df.height else 0
        ws.set_column(j, j, min(60, max(len(titles[j]) * 0.9, int(longest or 0)) + 3))
    ws.set_row(0, 32)
    ws.freeze_panes(1, 0)


def _readme(wb, fmts: _Formats, year: int, edited: dt.date, names: list[str]) -> None:
    ws = wb.add_worksheet(README_SHEET)
    ws.set_column(0, 0, 26)
    ws.set_column(1, 1, 100)
    ws.write_string(0, 0, DATASET_TITLE.format(year=year) + " — " + PUBLISHER, fmts.title)
    rows = [
        ("Titre", DATASET_TITLE.format(year=year)),
        ("Année", str(year)),
        ("Producteur", PUBLISHER),
        ("Sources", " ; ".join(s["title"] for s in SOURCES) + "."),
        ("Licence", f"{LICENCE['title']} (Etalab) : {LICENCE['path']}"),
        ("Date d'édition", edited.strftime("%d/%m/%Y")),
        ("Ce qui est compté", COUNTING_NOTE),
        ("Arrondi des parts", ROUNDING_NOTE + " Dans ce classeur, les parts sont enregistrées en fraction "
                                              "(0,14) et affichées en pourcentage (14 %)."),
        ("Lignes en quarantaine", "Lignes des exports qui n'ont pas pu être rattachées (commune, thématique ou "
                                  "date inconnue…) : elles ne sont comptées nulle part et sont publiées pour "
                                  "être corrigées. Les données personnelles en sont retirées."),
    ]
    r = 2
    for label, text in rows:
        ws.write_string(r, 0, label, fmts.label)
        ws.write_string(r, 1, text, fmts.wrap)
        r += 1
    r += 1
    ws.write_string(r, 0, "Feuilles du classeur", fmts.title)
    r += 1
    ws.write_string(r, 0, "Feuille", fmts.header)
    ws.write_string(r, 1, "Contenu", fmts.header)
    for name in names:
        r += 1
        title, description = TABLES.get(name, (name, ""))
        ws.write_string(r, 0, SHEETS.get(name, (name[:31], ""))[0], fmts.label)
        ws.write_string(r, 1, f"{title}. {description}", fmts.wrap)
    ws.activate()


def write_xlsx(tables: dict[str, pl.DataFrame], schemas: dict[str, dict], path: Path, year: int,
               edited: dt.date | None = None) -> Path:
    """The workbook: "À lire" first, then one sheet and one named table per published table."""
    edited = edited or dt.date.today()
    options = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    with xlsxwriter.Workbook(str(path), options) as wb:
        wb.set_properties({
            "title": DATASET_TITLE.format(year=year), "author": PUBLISHER, "company": PUBLISHER,
            "subject": f"Tables du bilan {year} de l'ingénierie publique de la Drôme",
            "keywords": "ingénierie publique, Drôme, bilan, données ouvertes",
            "comments": f"{LICENCE['title']} ({LICENCE['name']})",
            "created": dt.datetime.combine(edited, dt.time(12)),
        })
        wb.set_custom_property("Licence", LICENCE["title"])
        fmts = _Formats(wb)
        _readme(wb, fmts, year, edited, list(tables))
        for name, df in tables.items():
            _sheet(wb, fmts, name, df, schemas[name])
    return path
