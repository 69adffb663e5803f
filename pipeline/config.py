"""Paths and settings in one place.

Everything the pipeline reads or writes by default is named here, so that a reader (or a test) can
point the whole pipeline elsewhere by changing one value or one environment variable.

Two kinds of paths:
- what ships with the package (reference data, HTML and Typst templates): read-only, found by
  `package_data()` in the source checkout or, once installed, inside the package (the wheel copies
  data/ref, reports/templates and reports/typst to pipeline/_data/, see pyproject.toml);
- what belongs to the user (the warehouse, exports, the demo, built reports): relative to the working
  directory, so `bilan demo` in an empty folder writes data/demo/ and reports/2021/ there.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent     # the source checkout, when running from one

# package data: name → folder of the source checkout (the wheel ships it as pipeline/_data/<name>)
PACKAGE_DATA = {"ref": "data/ref", "templates": "reports/templates", "typst": "reports/typst",
                "editorial": "data/editorial"}


def package_data(name: str) -> Path:
    """Folder of shipped data `name` ('ref', 'templates', 'typst'): the checkout's when running from a
    source checkout (edits show at once), else the copy installed with the package."""
    checkout = ROOT / PACKAGE_DATA[name]
    if (ROOT / "pyproject.toml").is_file() and checkout.is_dir():
        return checkout
    return Path(str(resources.files("pipeline") / "_data" / name))


REF_DIR = Path(os.environ.get("BILAN_REF_DIR") or package_data("ref"))
TEMPLATES_DIR = package_data("templates")   # Jinja2 site templates and style.css
TYPST_DIR = package_data("typst")           # the PDF's Typst template

# The user's data, relative to the working directory.
DATA_DIR = Path("data")
RAW_DIR = DATA_DIR / "raw"
DEMO_DIR = DATA_DIR / "demo"                # synthetic exports written by `bilan demo` (not committed)
WAREHOUSE = Path(os.environ.get("BILAN_DB") or DATA_DIR / "warehouse.duckdb")
REPORTS_DIR = Path("reports")               # built years go to reports/YEAR/
EDITORIAL_DIR = DATA_DIR / "editorial"      # the team's texts, one folder per year (pipeline/editorial)
# The demo's texts (2021, written for the demo), shipped with the package so `bilan demo` anywhere has them.
DEMO_EDITORIAL_DIR = package_data("editorial")
# The PDF's typeface: Inter (SIL Open Font License; œ, ’, « », narrow no-break space), Debian's
# fonts-inter, installed by scripts/setup.sh. Typst falls back to DejaVu Sans when it is missing.
PDF_FONT_DIRS = (Path("/usr/share/fonts/opentype/inter"),)


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

# --- Ingest at scale: bounded memory whatever the size of the exports ---
# DuckDB spills to disk past its memory limit instead of growing (temp files go next to the warehouse,
# in "<warehouse>.tmp", DuckDB's own default place). One limit for the warehouse connection, one for
# the in-memory connection that streams a CSV file in batches.
DUCKDB_MEMORY_LIMIT = os.environ.get("BILAN_DUCKDB_MEMORY") or "600MB"
DUCKDB_READ_MEMORY = "256MB"
DUCKDB_THREADS = int(os.environ.get("BILAN_THREADS") or min(4, os.cpu_count() or 1))
# Rows cleaned and merged at a time: bounds the Python/Polars side of the ingest. Each merge scans the
# ids already in `missions`, so fewer, larger batches are faster; measured on 1 M rows (quiet machine):
# DuckDB's own ~7 500-row batches 21,5 s / 0,99 GB, 25 000 rows 13,5 s / 1,03 GB, 100 000 rows 13,3 s / 1,21 GB.
INGEST_BATCH_ROWS = 25_000
# Temporary UTF-8 copies of exports that needed transcoding (Windows-1252, UTF-16, CR line ends).
INGEST_TMP: Path | None = Path(os.environ["BILAN_TMP"]) if os.environ.get("BILAN_TMP") else None
