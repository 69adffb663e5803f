"""`bilan --help` answers at once because cli.py imports no heavy library at module level (the guide's
rule): checked on the modules a fresh interpreter holds after importing the CLI and rendering its help."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("polars", "duckdb", "pyarrow", "pandas", "numpy", "plotly", "geopandas", "jinja2", "typst",
         "pydantic", "rich.progress", "rich.table", "pipeline.api", "pipeline.breakdowns")

PROBE = f"""
import sys
from pipeline.cli import app
try:
    app(["--help"], standalone_mode=False)
except SystemExit:
    pass
print("LOADED=" + ",".join(m for m in {HEAVY!r} if m in sys.modules))
"""


def test_help_imports_no_heavy_library():
    res = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60, check=False)
    assert res.returncode == 0, res.stderr
    assert "Usage" in res.stdout and "build" in res.stdout
    assert res.stdout.strip().splitlines()[-1] == "LOADED="
