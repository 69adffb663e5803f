"""Normalising the values of an export: dates, codes and labels.

All of it is vectorised (Polars expressions, or a Python lookup over the *distinct* spellings only),
because a scaled export has millions of rows but only a few hundred distinct labels.
"""

from __future__ import annotations

import polars as pl

from pipeline.ref import Ref
from pipeline.ref.labels import resolve_label

_EXCEL_EPOCH = pl.date(1899, 12, 30)


def parse_date(column: str) -> pl.Expr:
    """2021-03-15, 2021/03/15, 15/03/2021, 15-03-2021, 15.03.2021, 15/03/21, '15/03/2021 10:42',
    '2021-03-15T10:42:00', or an Excel serial number. An impossible date (30/02) is not a date."""
    raw = pl.col(column).str.strip_chars()
    day = raw.str.replace(r"[ T].*$", "")
    dmy = day.str.replace_all(r"[.\-]", "/")
    serial = raw.str.extract(r"^(\d{4,5})(?:\.\d+)?$", 1).cast(pl.Int64, strict=False)
    return (
        pl.when(day.str.contains(r"^\d{4}[-/]\d{1,2}[-/]\d{1,2}$"))
        .then(day.str.replace_all("/", "-").str.to_date("%Y-%m-%d", strict=False))
        .when(dmy.str.contains(r"^\d{1,2}/\d{1,2}/\d{4}$")).then(dmy.str.to_date("%d/%m/%Y", strict=False))
        .when(dmy.str.contains(r"^\d{1,2}/\d{1,2}/\d{2}$")).then(dmy.str.to_date("%d/%m/%y", strict=False))
        .when(serial.is_between(20000, 80000)).then(_EXCEL_EPOCH + pl.duration(days=serial))
        .otherwise(None)
    )


def digits(column: str) -> pl.Expr:
    """A code as read, with spaces (also no-break) and a float's '.0' removed: '26 198', '26198.0'."""
    return pl.col(column).str.replace(r"\.0+$", "").str.replace_all(r"[\s\u00a0\u202f]", "")


def commune_code(column: str) -> pl.Expr:
    """INSEE commune code: 5 characters; a number that lost its leading zero gets it back."""
    d = digits(column)
    return pl.when(d.str.contains(r"^\d{4}$")).then(pl.lit("0") + d).otherwise(d)


def resolve_labels(frame: pl.DataFrame, column: str, champ: str, ref: Ref) -> pl.Series:
    """Canonical label of each value through the alias table (None when unknown or empty)."""
    distinct = frame.get_column(column).drop_nulls().unique().to_list()
    mapping = {v: ref.resolve(champ, v) for v in distinct}
    mapping = {k: v for k, v in mapping.items() if v}
    return frame.get_column(column).replace_strict(mapping, default=None, return_dtype=pl.Utf8)


def resolve_labels_for_year(frame: pl.DataFrame, column: str, champ: str, ref: Ref,
                            year_column: str = "annee") -> pl.DataFrame:
    """Two columns, `{champ}_c` (canonical label valid in the row's year) and `{champ}_raison` (why
    not: unknown, with the closest labels, or outside the year's taxonomy), in the frame's row order.
    Resolved in Python over the distinct (value, year) pairs only, then joined back."""
    pairs = frame.select(pl.col(column).alias("v"), pl.col(year_column).alias("y")).unique()
    pairs = pairs.filter(pl.col("v").is_not_null())
    resolved = [resolve_label(ref, champ, v, y) for v, y in pairs.iter_rows()]
    mapping = pairs.with_columns(
        pl.Series(f"{champ}_c", [r[0] for r in resolved], dtype=pl.Utf8),
        pl.Series(f"{champ}_raison", [r[1] for r in resolved], dtype=pl.Utf8))
    keyed = frame.select(pl.col(column).alias("v"), pl.col(year_column).alias("y"))
    return (keyed.join(mapping, on=["v", "y"], how="left", nulls_equal=True, maintain_order="left")
            .select(f"{champ}_c", f"{champ}_raison"))
