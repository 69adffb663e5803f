"""Cells a spreadsheet would execute, made inert before any table is published.

Why: export text is typed by people on the platform. A cell that starts with `=`, `+`, `-` or `@` (or a
tab or carriage return before one) is read by Excel and LibreOffice as a formula when a CSV is opened
("CSV injection", OWASP): `=HYPERLINK(...)` or `=cmd|...` in a commune's `objet` would run on an
analyst's machine. Following OWASP's guidance, such a text cell is published with a leading
apostrophe, which every spreadsheet shows as text and which a reader of the CSV can see and strip.
Only text columns are touched: numbers stay numbers (a negative count is not text).

In the XLSX workbook every text is written as a string cell (never through xlsxwriter's guessing
`write()`), so nothing there can become a formula whatever it starts with.
"""

from __future__ import annotations

import polars as pl

# OWASP "CSV Injection": = + - @ and the tab / carriage return that some spreadsheets skip before them.
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Leading characters that a spreadsheet may skip before evaluating (" =1+1" is a formula in some).
_SKIPPED = " \n\u00a0\u202f"
_PREFIX = "'"


def is_dangerous(value: str) -> bool:
    """True when a spreadsheet could read this text as a formula."""
    return value.lstrip(_SKIPPED).startswith(TRIGGERS)


def neutralise(value: str) -> str:
    """`=1+1` → `'=1+1`; any other text unchanged."""
    return _PREFIX + value if is_dangerous(value) else value


def neutralise_frame(df: pl.DataFrame) -> pl.DataFrame:
    """Every text column with its dangerous cells prefixed; other columns as they are."""
    pattern = "^[" + _SKIPPED + "]*[=+@\t\r-]"   # the same test as is_dangerous, in Polars' regex
    exprs = [
        pl.when(pl.col(c).str.contains(pattern)).then(pl.lit(_PREFIX) + pl.col(c)).otherwise(pl.col(c)).alias(c)
        for c, dtype in df.schema.items() if dtype == pl.String
    ]
    return df.with_columns(exprs) if exprs else df
