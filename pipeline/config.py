"""Paths and settings in one place.

Everything the pipeline reads or writes by default is named here, so that a reader (or a test) can
point the whole pipeline elsewhere by changing one value or one environment variable.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REF_DIR = Path(os.environ.get("BILAN_REF_DIR") or ROOT / "data" / "ref")
RAW_DIR = ROOT / "data" / "raw"
DEMO_DIR = ROOT / "data" / "demo"          # synthetic exports written by `bilan demo` (not committed)
WAREHOUSE = Path(os.environ.get("BILAN_DB") or ROOT / "data" / "warehouse.duckdb")
REPORTS_DIR = ROOT / "reports"              # templates live here; built years go to reports/YEAR/
TEMPLATES_DIR = REPORTS_DIR / "templates"
EDITORIAL_DIR = ROOT / "data" / "editorial"  # the team's texts, one folder per year (pipeline/editorial)


def report_dir(year: int) -> Path:
    """Default output folder of `bilan build YEAR`."""
    return REPORTS_DIR / str(year)


# Files the ingest step picks up when given a folder (read by content; the others are reported as skipped).
EXPORT_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".xls", ".ods", ".xlsb")

# Caps on one workbook (docs/workbooks.md): a file over one is refused with its reason. Bytes of XML
# inflated from the zip (parts actually read), cells actually used (rows holding a value × widest used
# column), used columns, seconds of reading.
XLSX_MAX_INFLATED = int(os.environ.get("BILAN_XLSX_MAX_INFLATED") or 256 << 20)
XLSX_MAX_CELLS = int(os.environ.get("BILAN_XLSX_MAX_CELLS") or 20_000_000)
XLSX_MAX_COLUMNS = 1_024
XLSX_MAX_SECONDS = float(os.environ.get("BILAN_XLSX_MAX_SECONDS") or 120)

# The département's code: every commune code must start with it.
DEPARTEMENT = "26"
DEMO_DB = DEMO_DIR / "warehouse.duckdb"    # `bilan demo` starts a fresh warehouse here, never the analysts' one
