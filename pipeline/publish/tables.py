"""Write the year's tables as people download them: CSV, one XLSX workbook, TableSchema JSON.

CSV is the reference (UTF-8, comma, header row, empty cell for a missing value). The workbook holds
the same tables, one sheet each, numbers stored as numbers so that Excel can sum them. Each CSV gets
a TableSchema (frictionless, as schema.data.gouv.fr publishes them) so that the columns are
documented in French next to the data.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl
import xlsxwriter

from pipeline.publish.schemas import FIELD_OVERRIDES, FIELDS, PATTERNS, PRIMARY_KEYS, TABLES
from pipeline.text import redact

TABLESCHEMA_URL = "https://frictionlessdata.io/schemas/table-schema.json"
QUARANTINE_FIRST = ("fichier", "ligne", "raison", "feuille")
# Plain integers: Excel's default "#,##0" would print the year 2021 as "2 021".
INTEGER_FORMAT: dict[Any, str] = {(pl.Int8, pl.Int16, pl.Int32, pl.Int64, pl.UInt8, pl.UInt16, pl.UInt32, pl.UInt64): "0"}
HEADER_FORMAT = {"bold": True, "font_color": "#FFFFFF", "bg_color": "#1F4E79", "text_wrap": True,
                 "valign": "top", "border": 1}


def quarantine_table(quarantine: pl.DataFrame) -> pl.DataFrame:
    """fichier, ligne, raison, feuille, then the row's values as read (one column per header read).

    Accepts the warehouse's quarantine table (values in a JSON `valeurs` column) or a frame already
    laid out. Free text is redacted again (e-mails, phone numbers), as everywhere a value is published.
    """
    if "valeurs" not in quarantine.columns:
        return quarantine
    base = [c for c in QUARANTINE_FIRST if c in quarantine.columns]
    records = [json.loads(v) if v else {} for v in quarantine["valeurs"].to_list()]
    keys: list[str] = []
    for rec in records:
        keys.extend(k for k in rec if k not in keys)
    # a header as read may be called like a provenance column: keep both
    names = {k: (f"{k} (lu)" if k in base else k) for k in keys}
    values = {names[k]: [None if r.get(k) is None else redact(str(r[k])) for r in records] for k in keys}
    out = quarantine.select(base).with_columns(pl.col("ligne").cast(pl.Int64))
    if values:
        out = out.hstack(pl.DataFrame(values, schema=dict.fromkeys(values, pl.String)))
    return out


def _field_type(dtype: pl.DataType) -> str:
    if dtype.is_integer():
        return "integer"
    if dtype.is_float() or dtype.is_decimal():
        return "number"
    if dtype == pl.Date:
        return "date"
    if dtype == pl.Boolean:
        return "boolean"
    return "string"


def table_schema(name: str, df: pl.DataFrame) -> dict:
    """TableSchema of one published table: fields with name, type, title and description in French."""
    title, description = TABLES.get(name, (name, ""))
    fields = []
    for col, dtype in df.schema.items():
        ftitle, fdesc = (FIELD_OVERRIDES.get((name, col))
                         or FIELDS.get(col, (col, "Valeur telle que lue dans l'export.")))
        field: dict = {"name": col, "type": _field_type(dtype), "title": ftitle, "description": fdesc}
        constraints: dict = {}
        if df.height and df[col].null_count() == 0:
            constraints["required"] = True
        if col in PATTERNS:
            constraints["pattern"] = PATTERNS[col]
        if field["type"] == "integer" and col not in ("valeur", "ligne", "annee"):
            constraints["minimum"] = 0
            if col.startswith("pct"):
                constraints["maximum"] = 100
        if constraints:
            field["constraints"] = constraints
        example = df[col].drop_nulls().head(1).to_list()
        if example:
            field["example"] = str(example[0])
        fields.append(field)
    schema = {"$schema": TABLESCHEMA_URL, "name": name, "title": title, "description": description,
              "countryCode": "FR", "fields": fields, "missingValues": [""]}
    if name in PRIMARY_KEYS:
        schema["primaryKey"] = PRIMARY_KEYS[name]
    return schema


def _widths(df: pl.DataFrame) -> dict[Any, int]:
    """Column widths from the header and the longest value, within reason."""
    out = {}
    for col in df.columns:
        longest = df.select(pl.col(col).cast(pl.String).str.len_chars().max()).item() if df.height else 0
        out[col] = min(60, max(len(col), int(longest or 0)) + 2) * 7 + 5  # pixels
    return out


def write_xlsx(tables: dict[str, pl.DataFrame], path: Path) -> Path:
    """One sheet per table, header styled and frozen, widths set, numbers as numbers."""
    with xlsxwriter.Workbook(path) as wb:
        for name, df in tables.items():
            df.write_excel(workbook=wb, worksheet=name[:31], header_format=HEADER_FORMAT,
                           column_widths=_widths(df), table_style=None, autofilter=bool(df.height),
                           dtype_formats=INTEGER_FORMAT,
                           freeze_panes=(1, 0), float_precision=2)
    return path


def write_tables(tables: dict[str, pl.DataFrame], out_dir: Path, year: int,
                 quarantine: pl.DataFrame | None = None) -> list[Path]:
    """Write out_dir/tables/NAME.csv + NAME.schema.json for every table (and quarantine.csv when a
    quarantine frame is given, even empty), and out_dir/tables/bilan-YEAR.xlsx. Returns the paths."""
    folder = Path(out_dir) / "tables"
    folder.mkdir(parents=True, exist_ok=True)
    published = dict(tables)
    if quarantine is not None:
        published["quarantine"] = quarantine_table(quarantine)
    paths: list[Path] = []
    for name, df in published.items():
        csv = folder / f"{name}.csv"
        df.write_csv(csv, separator=",", include_header=True, null_value="")
        schema = folder / f"{name}.schema.json"
        schema.write_text(json.dumps(table_schema(name, df), ensure_ascii=False, indent=2) + "\n",
                          encoding="utf-8")
        paths += [csv, schema]
    paths.append(write_xlsx(published, folder / f"bilan-{year}.xlsx"))
    return paths
