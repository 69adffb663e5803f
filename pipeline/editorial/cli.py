"""`bilan editorial …`: the team's texts of a year (skeleton; check against the year's tables)."""

from __future__ import annotations

from pathlib import Path

import typer

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Textes du rapport (édito, démarche, actions…) écrits par l'équipe, par année.")


def _tables(year: int, db: Path | None, allow_empty: bool = False):
    from pipeline import config
    from pipeline.api import open_warehouse
    from pipeline.breakdowns import EmptyYearError
    from pipeline.errors import BilanError
    from pipeline.ref import load_ref

    path = Path(db or config.WAREHOUSE)
    if not path.exists():
        if allow_empty:
            return {}, load_ref()
        raise BilanError(f"entrepôt introuvable : {path} (lancer d'abord `bilan ingest`)", 2)
    with open_warehouse(path) as wh:
        try:
            return wh.breakdowns(year), wh.ref
        except EmptyYearError:
            if allow_empty:
                return {}, wh.ref
            raise


@app.command("init")
def init(year: int = typer.Argument(..., help="Année du bilan."),
         db: Path | None = typer.Option(None, "--db", help="Entrepôt (défaut : data/warehouse.duckdb)."),
         folder: Path | None = typer.Option(None, "--dir", help="Dossier (défaut : data/editorial/ANNÉE).")) -> None:
    """Écrit le squelette des textes de l'année (sans rien écraser) et la liste des chiffres disponibles."""
    from pipeline.editorial.figures import figures_for_year, sigles_from_ref
    from pipeline.editorial.skeleton import write_skeleton
    from pipeline.editorial.year import editorial_folder
    from pipeline.fmt import plural

    tables, ref = _tables(year, db, allow_empty=True)
    if not tables:
        typer.echo(f"remarque : pas encore de mission {year} dans l'entrepôt ; CHIFFRES.md sera complet "
                   "après le chargement (relancer init : rien n'est écrasé)", err=True)
    target = folder or editorial_folder(year)
    written = write_skeleton(year, target, figures_for_year(tables, None, sigles_from_ref(ref)))
    for path in written:
        typer.echo(str(path))
    typer.echo(f"{plural(len(written), 'fichier écrit', 'fichiers écrits')} dans {target} ; "
               "les fichiers existants sont gardés tels quels.")


@app.command("check")
def check(year: int = typer.Argument(..., help="Année du bilan."),
          db: Path | None = typer.Option(None, "--db", help="Entrepôt (défaut : data/warehouse.duckdb)."),
          folder: Path | None = typer.Option(None, "--editorial", help="Dossier des textes.")) -> None:
    """Vérifie les textes de l'année contre ses tableaux, sans construire le rapport."""
    from pipeline.editorial.year import editorial_for_year
    from pipeline.fmt import plural

    tables, ref = _tables(year, db)
    rendered = editorial_for_year(year, tables, ref, folder)
    for notice in rendered.notices:
        typer.echo(f"remarque : {notice}", err=True)
    typer.echo(f"{plural(len(rendered.sections), 'section prête', 'sections prêtes')} pour {year}.")
