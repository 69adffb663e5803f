"""Write the year's tables as people download them: CSV, one XLSX workbook, TableSchema JSON, datapackage.json.

CSV is the reference (UTF-8, comma, header row, empty cell for a missing value), as the contract says.
Each CSV gets a TableSchema (frictionless, as schema.data.gouv.fr publishes them) so that the columns are
documented in French next to the data, and `datapackage.json` lists them all with licence and sources.
Excel users get the workbook (French sheets, number formats, an "À lire" sheet) and, in `excel/`, the same
tables as `;`-separated CSV with a UTF-8 BOM, which French Excel opens right with a double click.
Text a spreadsheet would execute is neutralised in every CSV (pipeline/publish/safe.py).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl

from pipeline.publish.datapackage import write_datapackage
from pipeline.publish.safe import neutralise, neutralise_frame
from pipeline.publish.schemas import FIELD_OVERRIDES, FIELDS, PATTERNS, PRIMARY_KEYS, TABLES
from pipeline.publish.xlsx import write_xlsx
from pipeline.text import redact

TABLESCHEMA_URL = "https://frictionlessdata.io/schemas/table-schema.json"
QUARANTINE_FIRST = ("fichier", "ligne", "raison", "feuille")
EXCEL_FOLDER = "excel"
# Tables whose values come from the exports as typed: their schema never shows an example value.
USER_DATA_TABLES = {"quarantine"}


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
    # (and a header that a spreadsheet would execute is made inert, as a cell would be)
    names = {k: neutralise(f"{k} (lu)" if k in base else k) for k in keys}
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
        # An example only for a documented column of a computed table, never from export text.
        if name not in USER_DATA_TABLES and col in FIELDS:
            example = df[col].drop_nulls().head(1).to_list()
            if example:
                field["example"] = str(example[0])
        fields.append(field)
    schema = {"$schema": TABLESCHEMA_URL, "name": name, "title": title, "description": description,
              "countryCode": "FR", "fields": fields, "missingValues": [""]}
    if name in PRIMARY_KEYS:
        schema["primaryKey"] = PRIMARY_KEYS[name]
    return schema


def write_excel_csv(df: pl.DataFrame, path: Path) -> Path:
    """The CSV French Excel opens right: `;`-separated, UTF-8 with a BOM, formulas neutralised."""
    neutralise_frame(df).write_csv(path, separator=";", include_header=True, null_value="", include_bom=True)
    return path


def write_tables(tables: dict[str, pl.DataFrame], out_dir: Path, year: int,
                 quarantine: pl.DataFrame | None = None, edited: dt.date | None = None) -> list[Path]:
    """Write out_dir/tables/NAME.csv + NAME.schema.json for every table (and quarantine.csv when a
    quarantine frame is given, even empty), out_dir/tables/bilan-YEAR.xlsx, datapackage.json and the
    Excel CSVs out_dir/tables/excel/NAME-excel.csv. Returns the paths."""
    folder = Path(out_dir) / "tables"
    (folder / EXCEL_FOLDER).mkdir(parents=True, exist_ok=True)
    published = dict(tables)
    if quarantine is not None:
        published["quarantine"] = quarantine_table(quarantine)
    paths: list[Path] = []
    schemas: dict[str, dict] = {}
    for name, df in published.items():
        csv = folder / f"{name}.csv"
        neutralise_frame(df).write_csv(csv, separator=",", include_header=True, null_value="")
        schemas[name] = table_schema(name, df)
        schema = folder / f"{name}.schema.json"
        schema.write_text(json.dumps(schemas[name], ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        paths += [csv, schema, write_excel_csv(df, folder / EXCEL_FOLDER / f"{name}-excel.csv")]
    paths.append(write_xlsx(published, schemas, folder / f"bilan-{year}.xlsx", year, edited))
    paths.append(write_datapackage(folder, year, list(published), edited))
    return paths
