"""`bilan build YEAR`: tables, charts, maps, site (and PDF) of one year, swapped into place atomically.

Everything is written into a temporary folder beside the target; only when every step succeeded is the
previous report replaced. A failed build leaves the previous report untouched and says which step failed.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from pipeline import __version__, config


class BuildError(Exception):
    """A build step failed; the message names the step. exit_code 2 for unusable input."""

    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(message)
        self.exit_code = exit_code


def _swap(tmp: Path, target: Path) -> None:
    """Replace target by tmp with two renames (same filesystem), then drop the old report."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{int(time.time())}")
        target.rename(old)
    tmp.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def build_year(year: int, db: Path | None = None, out: Path | None = None, pdf: bool = False,
               log: Callable[[str], None] = lambda _m: None) -> Path:
    """Build the report of `year` from the warehouse `db` into `out`; returns `out`."""
    from pipeline.api import open_warehouse

    target = Path(out or config.report_dir(year)).resolve()
    db = Path(db or config.WAREHOUSE)
    if not db.exists():
        raise BuildError(f"entrepôt introuvable : {db} (lancer d'abord `bilan ingest` ou `bilan demo`)", 2)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    step = "lecture de l'entrepôt"
    try:
        t0 = time.perf_counter()
        with open_warehouse(db) as wh:
            tables = wh.breakdowns(year)
            quarantine = wh.quarantine(year)
            ctx = _context(wh, year, tables, quarantine, pdf)
        log(f"tableaux calculés ({time.perf_counter() - t0:.1f} s)")
        step = "tableaux (CSV, XLSX, TableSchema)"
        from pipeline.publish.tables import write_tables

        write_tables(tables, tmp, year, quarantine=quarantine)
        step = "site HTML"
        from pipeline.site import build_site

        build_site(ctx, tmp)
        log(f"site écrit ({time.perf_counter() - t0:.1f} s)")
        if pdf:
            step = "PDF"
            from pipeline.print import build_pdf

            build_pdf(ctx, tmp)
            log(f"PDF écrit ({time.perf_counter() - t0:.1f} s)")
        step = "mise en place"
        _swap(tmp, target)
    except Exception as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        code = getattr(exc, "exit_code", 1)
        if type(exc).__name__ == "EmptyYearError":
            code = 2
        raise BuildError(f"échec de l'étape « {step} » : {exc} ; le rapport précédent est inchangé", code) from exc
    return target


def _context(wh, year, tables, quarantine, pdf: bool):
    """Everything the site and the PDF read, gathered once from the warehouse (pipeline.api)."""
    from pipeline.site import BuildContext

    return BuildContext(
        year=year, tables=tables, ref=wh.ref, ref_year=wh.ref_year(year),
        load_log=wh.load_log(), quarantine=quarantine, conflicts=wh.conflicts(year), warnings=wh.warnings(year),
        version=__version__, generated_at=dt.datetime.now().replace(microsecond=0), pdf=pdf,
    )
