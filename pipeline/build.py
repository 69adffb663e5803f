"""`bilan build YEAR`: tables, charts, maps, site (and PDF) of one year, swapped into place atomically.

Everything is written into a temporary folder beside the target; only when every step succeeded is the
previous report replaced. A failed build leaves the previous report untouched and says which step failed.

The output folder is the tool's, never the user's: a build writes only into a folder that does not exist
yet, an empty folder, or a folder holding a report bilan built (it carries the marker file MARKER).
Anything else is refused in one line and left as it is — a mistyped `--out .` must not delete a
user's notes or the warehouse. A lock beside the target (`.NAME.lock`, flock) serialises builds of one
report; while holding it, every `.NAME.tmp-*` left by an interrupted build is stale and is removed.

Incremental: the marker records a fingerprint of everything a build reads (see `fingerprint`). When
the report in place carries the same fingerprint, a build does nothing (well under a second, even at 10
million missions) and says so; `--force` rebuilds anyway.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline import __version__, config
from pipeline.errors import BilanError

MARKER = ".bilan-rapport.json"   # in every built report: what built it (and the inputs' fingerprint)
# Folders (besides the warehouse) whose content a build reads: the code, the reference data, the
# templates. A new kind of build input (editorial texts, fonts...) belongs here.
PACKAGE_DIR = Path(__file__).resolve().parent
SKIPPED = ("__pycache__",)
UNCHANGED = ("rien n'a changé depuis la dernière construction (entrepôt, référentiel, gabarits, textes, code) : "
             "rapport inchangé")


def _input_dirs(editorial: Path | None = None) -> list[Path]:
    dirs = [PACKAGE_DIR, Path(config.REF_DIR), Path(config.TEMPLATES_DIR), Path(config.TYPST_DIR),
            Path(config.EDITORIAL_DIR)]
    if editorial is not None:
        dirs.append(Path(editorial))
    return [d.resolve() for d in dirs if d.is_dir()]


def fingerprint(year: int, db: Path, pdf: bool, tables_only: bool, editorial: Path | None = None) -> str:
    """sha256 of everything a build of `year` reads, computed without opening the warehouse.

    - the warehouse file (and its WAL) by identity: path, size, modification time. Any write counts
      as a change, even a reload that found nothing new (it adds a load_log row, which the methodology
      page lists): conservative, and free — no need to scan 10 million rows to learn nothing changed;
    - the content of every file of the input folders (code, data/ref, templates, data/editorial and
      the --editorial folder): a fresh checkout with the same content keeps the fingerprint;
    - the package version, Python and library versions, the options (year, --pdf, --tables-only).
    """
    h = hashlib.sha256()

    def add(*parts: object) -> None:
        for part in parts:
            h.update(str(part).encode("utf-8", "surrogateescape") + b"\0")

    add("bilan", __version__, sys.version, year, pdf, tables_only, editorial, _library_versions())
    for f in (db, db.with_name(db.name + ".wal")):
        st = f.stat() if f.exists() else None
        add(f.resolve(), st.st_size if st else -1, st.st_mtime_ns if st else -1, st.st_ino if st else -1)
    for d in _input_dirs(editorial):
        for f in sorted(p for p in d.rglob("*") if p.is_file() and not any(s in p.parts for s in SKIPPED)):
            add(f.relative_to(d).as_posix())
            h.update(hashlib.sha256(f.read_bytes()).digest())
    return h.hexdigest()


def _library_versions() -> str:
    """Versions of the libraries that shape the output (an upgrade may change a chart or a table)."""
    from importlib.metadata import PackageNotFoundError, version

    out = []
    for name in ("duckdb", "polars", "plotly", "jinja2", "xlsxwriter", "typst"):
        try:
            out.append(f"{name}={version(name)}")
        except PackageNotFoundError:
            out.append(f"{name}=-")
    return ",".join(out)


def up_to_date(target: Path, stamp: str) -> bool:
    """The report in place was built from exactly these inputs (its marker holds the same fingerprint)."""
    try:
        marker = json.loads((target / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(marker, dict) and marker.get("empreinte") == stamp


def check_target(target: Path) -> None:
    """Refuse (exit 2) a target the tool may not replace: a file, or a non-empty folder without MARKER."""
    if not target.exists() and not target.is_symlink():
        return
    if not target.is_dir() or target.is_symlink():
        raise BilanError(f"{target} existe et n'est pas un dossier de rapport : rien n'a été écrit", 2)
    if (target / MARKER).is_file() or not any(target.iterdir()):
        return
    raise BilanError(f"le dossier {target} existe et ne contient pas un rapport construit par bilan : "
                     "rien n'a été écrit (choisir un dossier neuf ou vide)", 2)


@contextmanager
def _lock(target: Path) -> Iterator[None]:
    """One build of a given report at a time (an flock, released even on kill -9)."""
    path = target.with_name(f".{target.name}.lock")
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BilanError(f"une autre construction de {target} est en cours (verrou {path})", 2) from None
        yield
    finally:
        os.close(fd)


def _clean_stale(target: Path) -> None:
    """Leftovers of an interrupted build (called with the lock held, so none of them is in use).

    `.NAME.tmp-*` is an unfinished report: removed. `.NAME.old-*` is the previous report set aside by
    _swap: put back if the interruption came before the new one took its place, else removed."""
    for tmp in target.parent.glob(f".{target.name}.tmp-*"):
        shutil.rmtree(tmp, ignore_errors=True)
    for old in sorted(target.parent.glob(f".{target.name}.old-*")):
        if not target.exists():
            old.rename(target)
        else:
            shutil.rmtree(old, ignore_errors=True)


def _publishable(tmp: Path) -> None:
    """mkdtemp creates its folder 0700; a published report gets the usual modes (umask applied)."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o777 & ~umask)


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
               log: Callable[[str], None] = lambda _m: None, tables_only: bool = False,
               editorial: Path | None = None, force: bool = False) -> Path:
    """Build the report of `year` from the warehouse `db` into `out`; returns `out`.

    tables_only: the CSV/XLSX tables (and the marker), no site, charts or maps.
    editorial: the team's texts (default data/editorial/YEAR); a year without them builds without them.
    force: rebuild even when the report in place was built from the same inputs."""
    target = Path(out or config.report_dir(year)).resolve()
    db = Path(db or config.WAREHOUSE)
    if not db.exists():
        raise BilanError(f"entrepôt introuvable : {db} (lancer d'abord `bilan ingest` ou `bilan demo`)", 2)
    check_target(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with _lock(target):
        _clean_stale(target)
        check_target(target)   # again: the folder may have changed while we waited for nothing
        stamp = fingerprint(year, db, pdf, tables_only, editorial)
        if not force and up_to_date(target, stamp):
            log(UNCHANGED)
            return target
        _build(year, db, target, pdf, tables_only, stamp, log, editorial)
    return target


def _build(year: int, db: Path, target: Path, pdf: bool, tables_only: bool, stamp: str,
           log: Callable[[str], None], editorial: Path | None = None) -> None:
    from pipeline.api import open_warehouse

    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    step = "lecture de l'entrepôt"
    try:
        t0 = time.perf_counter()
        with open_warehouse(db) as wh:
            tables = wh.breakdowns(year)
            quarantine = wh.quarantine(year)
            ctx = None if tables_only else _context(wh, year, tables, quarantine, pdf)
            if ctx is not None:
                step = "textes éditoriaux"
                from pipeline.editorial.year import editorial_for_year

                ctx.editorial = editorial_for_year(year, tables, wh.ref, editorial)
                for notice in ctx.editorial.notices:
                    log(f"remarque : {notice}")
        log(f"tableaux calculés ({time.perf_counter() - t0:.1f} s)")
        step = "tableaux (CSV, XLSX, TableSchema)"
        from pipeline.publish.tables import write_tables

        write_tables(tables, tmp, year, quarantine=quarantine)
        if ctx is not None:
            step = "site HTML"
            from pipeline.site import build_site

            build_site(ctx, tmp)
            log(f"site écrit ({time.perf_counter() - t0:.1f} s)")
        if pdf and ctx is not None:
            step = "PDF"
            from pipeline.print import build_pdf

            build_pdf(ctx, tmp)
            log(f"PDF écrit ({time.perf_counter() - t0:.1f} s)")
        step = "mise en place"
        marker = {"outil": "bilan", "version": __version__, "annee": year, "pdf": pdf, "tables_only": tables_only,
                  "empreinte": stamp, "construit_le": dt.datetime.now().replace(microsecond=0).isoformat()}
        (tmp / MARKER).write_text(json.dumps(marker, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        _publishable(tmp)
        _swap(tmp, target)
    except Exception as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        code = exc.exit_code if isinstance(exc, BilanError) else 1   # EmptyYearError: 2
        raise BilanError(f"échec de l'étape « {step} » : {exc} ; le rapport précédent est inchangé", code) from exc


def _context(wh, year, tables, quarantine, pdf: bool):
    """Everything the site and the PDF read, gathered once from the warehouse (pipeline.api)."""
    from pipeline.site import BuildContext

    return BuildContext(
        year=year, tables=tables, ref=wh.ref.taxonomy_for(year), ref_year=wh.ref_year(year),
        load_log=wh.load_log(), quarantine=quarantine, conflicts=wh.conflicts(year), warnings=wh.warnings(year),
        version=__version__, generated_at=dt.datetime.now().replace(microsecond=0), pdf=pdf,
    )
