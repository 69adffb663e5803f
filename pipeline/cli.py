"""The `bilan` command line: parse arguments, call one function each, print results.

Exit codes: 0 success; 2 when a file was refused whole (`ingest`) or the input is unusable (`build` of an
empty year): a BilanError carries its code; 1 for any other error. Errors are one line in French, never a
traceback (BILAN_DEBUG=1 raises it, `-vv` logs it). Logging is configured here, once: `-v` shows the
pipeline's steps (INFO), `-vv` its details (DEBUG); warnings are always shown.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path

import typer
from rich.console import Console

from pipeline import config
from pipeline.errors import BilanError

# rich_markup_mode=None: plain help text; Typer's rich help formatter alone costs ~0.2 s of imports
app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  help="Bilan de l'ingénierie publique : exports de la plate-forme → entrepôt DuckDB → rapport.")
# markup=False: file, sheet and folder names are printed literally ("export [copie].csv", a "[/b]" in a path).
console = Console(soft_wrap=True, markup=False)
err = Console(stderr=True, soft_wrap=True, markup=False)

DbOption = typer.Option(None, "--db", help="Fichier DuckDB de l'entrepôt (défaut : data/warehouse.duckdb).")


log = logging.getLogger("pipeline.cli")


def configure_logging(verbosity: int) -> None:
    """Log lines of the pipeline's modules on stderr: warnings always, INFO with -v, DEBUG with -vv.
    Other libraries stay at WARNING so that -vv shows our details, not theirs."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "bilan", False)]:   # called again (tests, notebooks)
        root.removeHandler(old)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s : %(message)s"))
    handler.bilan = True   # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
    logging.getLogger("pipeline").setLevel(
        logging.DEBUG if verbosity >= 2 else logging.INFO if verbosity == 1 else logging.WARNING)


@app.callback()
def _global(verbose: int = typer.Option(0, "--verbose", "-v", count=True, show_default=False,
                                        help="Journal détaillé sur la sortie d'erreur (-v : étapes, -vv : détails).")
            ) -> None:
    """Bilan de l'ingénierie publique : exports de la plate-forme → entrepôt DuckDB → rapport."""
    configure_logging(verbose)


class _NoProgress:
    """Stands in for rich's Progress when stderr is not a terminal (scripts, CI): nothing to draw, and
    rich.progress (~0.2 s of imports) stays unloaded — a no-change rebuild must answer at once."""

    def __enter__(self) -> _NoProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def add_task(self, *args: object, **kwargs: object) -> int:
        return 0

    def advance(self, *args: object, **kwargs: object) -> None:
        return None


def _progress():
    if not err.is_terminal:
        return _NoProgress()
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=err, transient=True)


def _fmt(n: int) -> str:
    return f"{n:,}".replace(",", "\u202f")


def run_ingest(paths: list[Path], db: Path | None) -> int:
    """Load files, print one line per file; 2 when a file was refused whole."""
    from rich.text import Text

    from pipeline.ingest.detect import scan
    from pipeline.ingest.hashing import HashAhead

    found = scan(paths)
    for skipped, why in found.skipped:     # every file of a folder that is not read, and why
        err.print(f"ignoré : {skipped} : {why}", highlight=False)
    files = found.files
    if not files:
        raise BilanError("aucun fichier CSV ou XLSX à charger dans " + ", ".join(map(str, paths)), 2)
    hashes = HashAhead(files)          # while DuckDB, Polars and NumPy load
    try:
        from pipeline.ingest.load import ingest_paths
    except BaseException:
        hashes.close()
        raise
    refused = 0
    with _progress() as progress:
        task = progress.add_task("Chargement", total=len(files))

        def report(path: Path, counts) -> None:
            nonlocal refused
            for c in counts:
                name = c.fichier + (f" [{c.feuille}]" if c.feuille else "")
                if c.refuse:
                    refused += 1
                    err.print(Text.assemble(("REFUSÉ", "red"), f" {name} : {c.refuse}"), highlight=False)
                elif c.ignore:
                    console.print(f"{name} : {c.ignore}", highlight=False)
                elif c.deja_charge:
                    console.print(f"{name} : déjà chargé à l'identique, rien n'a changé", highlight=False)
                else:
                    console.print(
                        f"{name} : {_fmt(c.lignes_lues)} lues, {_fmt(c.acceptees)} acceptées, "
                        f"{_fmt(c.quarantaine)} en quarantaine, {_fmt(c.doublons)} doublons"
                        + (f", {_fmt(c.conflits)} conflits (version remplacée)" if c.conflits else ""),
                        highlight=False)
            progress.advance(task)

        ingest_paths(files, db=db, on_file=report, hashes=hashes)
    return 2 if refused else 0


def run_build(year: int, db: Path | None, out: Path | None, pdf: bool, tables_only: bool = False,
              editorial: Path | None = None, force: bool = False) -> Path:
    """Build with a progress bar over the steps (tables, site, PDF); each step prints its time."""
    from pipeline.build import UNCHANGED, build_year

    unchanged = False
    with _progress() as progress:
        task = progress.add_task(f"Bilan {year}", total=1 if tables_only else 3 if pdf else 2)

        def log(message: str) -> None:
            nonlocal unchanged
            unchanged = unchanged or message == UNCHANGED
            err.print(message, highlight=False)
            progress.advance(task)

        target = build_year(year, db=db, out=out, pdf=pdf, log=log, tables_only=tables_only,
                            editorial=editorial, force=force)
    if not unchanged:   # nothing was built: what the last build said about the quarantine still holds
        _say_if_quarantine_is_stale(db)
    return target


def _say_if_quarantine_is_stale(db: Path | None) -> None:
    """A build only reads the warehouse; rows the current reference would now accept are pointed out,
    and `bilan reprocess` moves them (pipeline/reprocess.py says why it is not automatic)."""
    from pipeline.reprocess import stale_rows

    n = stale_rows(Path(db or config.WAREHOUSE))
    if n:
        err.print(f"attention : {_fmt(n)} ligne(s) de la quarantaine se résolvent avec les référentiels actuels ; "
                  "lancer `bilan reprocess` puis reconstruire", highlight=False)


@app.command()
def ingest(paths: list[Path] = typer.Argument(..., help="Fichiers d'export, ou dossiers qui en contiennent."),
           db: Path | None = DbOption) -> None:
    """Charge des exports (CSV, XLSX) dans l'entrepôt DuckDB."""
    raise typer.Exit(run_ingest(paths, db))


@app.command()
def validate(year: int | None = typer.Argument(None, help="Année (défaut : toutes)."),
             db: Path | None = DbOption,
             as_json: bool = typer.Option(False, "--json", help="Un objet JSON sur la sortie standard.")) -> None:
    """Résumé de la qualité des données : fichiers, quarantaine par motif, conflits."""
    from rich.table import Table

    from pipeline import quality
    from pipeline.api import open_warehouse

    path = Path(db or config.WAREHOUSE)
    if not path.exists():
        raise BilanError(f"entrepôt introuvable : {path} (lancer d'abord `bilan ingest`)", 2)
    with open_warehouse(path) as wh:
        summary = quality.summary(wh, year)
        if as_json:
            sys.stdout.write(json.dumps(summary, ensure_ascii=False) + "\n")
            return
        t = Table(title="Fichiers chargés")
        for col in ("fichier", "lues", "acceptées", "quarantaine", "doublons", "conflits", "refusé"):
            t.add_column(col, justify="right" if col not in ("fichier", "refusé") else "left")
        for f in summary["files"]:
            t.add_row(f["fichier"], _fmt(f["lignes_lues"]), _fmt(f["acceptees"]), _fmt(f["quarantaine"]),
                      _fmt(f["doublons"]), _fmt(f["conflits"]), f["refuse"] or "")
        console.print(t)
        q = wh.quarantine(year)
        if q.height:
            t = Table(title=f"Quarantaine par motif ({_fmt(q.height)} lignes)")
            t.add_column("motif")
            t.add_column("lignes", justify="right")
            for motif, n in quality.by_reason(q).iter_rows():
                t.add_row(motif, _fmt(n))
            console.print(t)
        else:
            console.print("Quarantaine : aucune ligne.")
        n_conflicts = wh.conflicts(year).height
        console.print(f"Conflits (même mission, contenu différent ; la version la plus récente gagne) : {_fmt(n_conflicts)}")
        warnings = wh.warnings(year)
        console.print(f"Avertissements (missions acceptées avec une remarque) : {_fmt(warnings.height)}")
        for motif, n in quality.by_reason(warnings.rename({"avertissement": "raison"})).iter_rows():
            console.print(f"  {motif} : {_fmt(n)}", highlight=False)
        from pipeline.reprocess import replays

        r = replays(wh.con)
        if r.height:
            t = Table(title="Rejeux de la quarantaine (bilan reprocess)")
            for col in ("rejeu", "le", "fichier", "rejouées", "acceptées", "doublons", "conflits", "restent"):
                t.add_column(col, justify="left" if col in ("le", "fichier") else "right")
            for x in r.iter_rows(named=True):
                t.add_row(str(x["replay_id"]), x["rejoue_le"].strftime("%d/%m/%Y %H:%M"),
                          x["fichier"] + (f" [{x['feuille']}]" if x["feuille"] else ""), _fmt(x["examinees"]),
                          _fmt(x["acceptees"]), _fmt(x["doublons"]), _fmt(x["conflits"]), _fmt(x["quarantaine"]))
            console.print(t)


@app.command()
def synth(out: Path = typer.Option(Path("data/demo/exports"), "--out", help="Dossier de sortie."),
          missions: int | None = typer.Option(None, "--missions", help="Taille : N missions aléatoires (benchmarks)."),
          seed: int = typer.Option(1, "--seed"),
          year: int = typer.Option(2021, "--year")) -> None:
    """Écrit des exports synthétiques : calibrés sur le rapport 2021 (défaut) ou de taille N (--missions)."""
    from pipeline import synth as synth_mod

    with _progress() as progress:
        progress.add_task("Exports synthétiques", total=None)
        if missions is None:
            files = synth_mod.write_demo_exports(out)
        else:
            files = synth_mod.write_scaled(out, missions=missions, seed=seed, year=year)
    for f in files:
        console.print(str(f), highlight=False)


@app.command()
def build(year: int = typer.Argument(..., help="Année du bilan."),
          db: Path | None = DbOption,
          out: Path | None = typer.Option(None, "--out", help="Dossier de sortie (défaut : reports/ANNÉE)."),
          pdf: bool = typer.Option(False, "--pdf", help="Produit aussi le rapport PDF."),
          tables_only: bool = typer.Option(False, "--tables-only",
                                           help="Seulement les tableaux (CSV, XLSX), sans site ni PDF."),
          editorial: Path | None = typer.Option(
              None, "--editorial", help="Dossier des textes de l'équipe (défaut : data/editorial/ANNÉE)."),
          force: bool = typer.Option(False, "--force",
                                     help="Reconstruit même si rien n'a changé depuis la dernière construction.")
          ) -> None:
    """Construit les tableaux, graphiques, cartes et le site (et le PDF) d'une année.

    Ne refait rien si l'entrepôt, le référentiel, les gabarits, les textes et le code sont ceux du rapport
    en place (--force pour reconstruire quand même)."""
    target = run_build(year, db, out, pdf and not tables_only, tables_only, editorial, force)
    shown = target / "tables" if tables_only else target / "index.html"
    console.print(f"Rapport {year} : {shown}", highlight=False)


@app.command()
def demo(out: Path | None = typer.Option(None, "--out", help="Dossier des rapports (défaut : reports/) : ANNÉE/ pour 2021 et 2023."),
         pdf: bool = typer.Option(False, "--pdf", help="Produit aussi les rapports PDF.")) -> None:
    """De zéro : exports synthétiques 2019 à 2023, chargement dans un entrepôt neuf, bilans 2021 et 2023."""
    from pipeline import synth as synth_mod

    exports = config.DEMO_DIR / "exports"
    db = config.DEMO_DB
    for stale in (db, db.with_suffix(db.suffix + ".wal")):
        stale.unlink(missing_ok=True)
    files = synth_mod.write_demo_exports(exports)
    console.print(f"{len(files)} exports synthétiques écrits dans {exports}", highlight=False)
    run_ingest(files, db)
    console.print(f"Entrepôt : {db}", highlight=False)
    # 2021: the calibrated year, figure for figure the published report; 2023: five years of trends
    for year in DEMO_YEARS:
        target = run_build(year, db, out / str(year) if out else None, pdf, editorial=config.DEMO_EDITORIAL_DIR)
        console.print(f"Rapport {year} : {target / 'index.html'}", highlight=False)


DEMO_YEARS = (2021, 2023)


def _register_subapps() -> None:
    """Command groups live beside their stage; their heavy imports stay inside their commands."""
    from pipeline.editorial.cli import app as editorial_app
    from pipeline.habitat.cli import app as habitat_app

    app.add_typer(habitat_app, name="habitat")
    app.add_typer(editorial_app, name="editorial")


_register_subapps()

from pipeline import labels_cli  # noqa: E402  (light: typer only)

app.command("labels")(labels_cli.labels)
app.command("reprocess")(labels_cli.reprocess)


def main() -> None:
    """Entry point: one line per error, never a traceback (unless BILAN_DEBUG=1)."""
    try:
        code = app(standalone_mode=False)
    except typer.TyperException as exc:   # usage errors: the argument parser's own message (exit 2)
        if hasattr(exc, "show"):
            exc.show()
        else:
            err.print(f"erreur : {exc.format_message()}", highlight=False)
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        err.print("interrompu", highlight=False)
        sys.exit(130)
    except Exception as exc:  # the one place that turns any failure into one line
        if os.environ.get("BILAN_DEBUG"):
            raise
        log.debug("trace de l'erreur", exc_info=exc)   # -vv
        err.print(f"erreur : {exc}", highlight=False)
        sys.exit(exc.exit_code if isinstance(exc, BilanError) else 1)
    sys.exit(code if isinstance(code, int) else 0)
