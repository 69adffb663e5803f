"""What every breakdown shares: the empty-year error, label checks, canonical grids, shares.

Why grids: the report lists every canonical category (a thématique nobody asked for still shows with
0), in the order of data/ref (`ordre`). That order is also the tie-break of the whole-percent rule
(R2, `pipeline.shares.pct_shares`), so counts are always laid on the canonical grid *before* the
percentages are computed.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import polars as pl

from pipeline import config
from pipeline.breakdowns.rows import MissionRows
from pipeline.errors import BilanError
from pipeline.ref.load import Ref, RefYear, load_ref
from pipeline.shares import pct_shares


class EmptyYearError(BilanError, ValueError):
    """A year with no mission in the warehouse: there is nothing to count and no share to compute (exit 2)."""


@lru_cache(maxsize=4)
def _ref_for(ref_dir: Path) -> Ref:
    return load_ref(ref_dir)


def default_ref() -> Ref:
    """data/ref as configured (`config.REF_DIR`), loaded once per process."""
    return _ref_for(Path(config.REF_DIR))


def check_year(rows: MissionRows, year: int) -> None:
    """Refuse an empty year (clear message, no division by zero) or rows mixing several years."""
    n, years = rows.one("SELECT count(*), list(DISTINCT annee ORDER BY annee) FROM year_missions")
    if n == 0:
        raise EmptyYearError(f"aucune mission pour {year} dans l'entrepôt")
    if years != [year]:
        raise ValueError(f"les missions passées pour {year} contiennent les années {years}")


# one scan for the seven label columns (in check_labels' order): their distinct values are few
SQL_LABELS = """
SELECT list(DISTINCT domaine::VARCHAR), list(DISTINCT thematique::VARCHAR), list(DISTINCT prestation::VARCHAR),
       list(DISTINCT partenaire::VARCHAR), list(DISTINCT partenaire_type::VARCHAR), list(DISTINCT classe::VARCHAR),
       list(DISTINCT code_canton::VARCHAR)
FROM year_missions
"""


def check_labels(rows: MissionRows, ref: Ref, ref_year: RefYear) -> None:
    """Every label must be canonical: a stray spelling would otherwise vanish from the grids unseen."""
    allowed = {
        "domaine": ref.domaines["domaine"],
        "thematique": ref.thematiques["thematique"],
        "prestation": ref.prestations["prestation"],
        "partenaire": ref.partenaires["partenaire"],
        "partenaire_type": pl.Series(["cd26", "externe"]),
        "classe": ref_year.classes["classe"],
        "code_canton": ref_year.cantons["code"],
    }
    seen = rows.one(SQL_LABELS)
    problems = []
    for (col, labels), values in zip(allowed.items(), seen, strict=True):
        unknown = sorted(set(values) - set(labels.cast(pl.String).to_list()) - {None})
        if unknown:
            problems.append(f"{col}: {unknown[:5]}")
    if problems:
        raise ValueError("libellés hors référentiel dans les missions — " + "; ".join(problems))


def cantons_grid(ref_year: RefYear) -> pl.DataFrame:
    """The 19 cantons, by INSEE code, with the report's label."""
    return (ref_year.cantons.select(pl.col("code").alias("code_canton"),
                                    pl.col("label_rapport").alias("canton"))
            .sort("code_canton"))


def ordered(frame: pl.DataFrame, *cols: str) -> pl.DataFrame:
    """A ref frame's label columns in canonical `ordre`."""
    return frame.sort("ordre").select(cols)


def on_grid(grid: pl.DataFrame, counts: pl.DataFrame, on: Sequence[str]) -> pl.DataFrame:
    """Counts laid on the canonical grid: every category kept in grid order, missing counts 0."""
    on = list(on)
    value_cols = [c for c in counts.columns if c not in on]
    counts = counts.with_columns(pl.col(on).cast(pl.String))
    out = grid.join(counts, on=on, how="left", maintain_order="left")
    return out.with_columns(pl.col(value_cols).fill_null(0).cast(pl.Int64))


def with_shares(df: pl.DataFrame, count: str = "missions", pct: str = "pct",
                within: Sequence[str] | None = None) -> pl.DataFrame:
    """Add whole percents (rule R2) of `count`, in the frame's row order, within groups if given."""
    counts = df[count].to_list()
    if not within:
        pcts = pct_shares(counts)
    else:
        groups: dict[tuple, list[int]] = {}
        for i, k in enumerate(df.select(within).rows()):
            groups.setdefault(k, []).append(i)
        pcts = [0] * len(counts)
        for idx in groups.values():
            for i, p in zip(idx, pct_shares([counts[i] for i in idx]), strict=True):
                pcts[i] = p
    return df.with_columns(pl.Series(pct, pcts, dtype=pl.Int64))
