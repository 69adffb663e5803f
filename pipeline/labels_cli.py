"""`bilan labels` and `bilan reprocess` (registered in pipeline/cli.py): a new year's unknown spellings
resolved in minutes — list them with their closest canonical labels, accept, replay the quarantine.

    bilan labels [ANNÉE] [--json]                  the unknown values, by field, with suggestions
    bilan labels accept CHAMP VALEUR CANONIQUE     one alias (refused if the canonical label does not exist)
    bilan labels accept --from revue.json          every entry of a reviewed `--json` list (its
                                                   `canonique`, else its first suggestion)
    bilan labels accept --top [ANNÉE]              the first suggestion of every unknown value
    bilan reprocess [--db FICHIER]                 replay the quarantine without the original files
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import NoReturn

import typer

from pipeline import config
from pipeline.errors import BilanError

DbOption = typer.Option(None, "--db", help="Fichier DuckDB de l'entrepôt (défaut : data/warehouse.duckdb).")


def _fail(message: str, code: int = 2) -> NoReturn:
    raise BilanError(message, code)


def _db(db: Path | None) -> Path:
    path = Path(db or config.WAREHOUSE)
    if not path.exists():
        _fail(f"entrepôt introuvable : {path} (lancer d'abord `bilan ingest`)")
    return path


def labels(args: list[str] | None = typer.Argument(None, metavar="[ANNÉE] | accept CHAMP VALEUR CANONIQUE",
                                                      help="Une année, ou « accept » suivi du champ, de la valeur et du libellé canonique."),
           db: Path | None = DbOption,
           as_json: bool = typer.Option(False, "--json", help="Liste JSON {champ, valeur, lignes, fichiers, suggestions}."),
           from_file: Path | None = typer.Option(None, "--from", help="accept : une liste `--json` relue."),
           top: bool = typer.Option(False, "--top", help="accept : la première suggestion de chaque valeur inconnue.")) -> None:
    """Libellés inconnus de la quarantaine, avec les plus proches ; `labels accept` les ajoute aux alias."""
    from pipeline.cli import console
    from pipeline.labels_review import LabelError, accept_many, reviewed, unknown_labels

    args = list(args or [])
    if args and args[0] == "accept":
        rest = args[1:]
        try:
            if from_file is not None:
                items = reviewed(from_file)
            elif top:
                year = _year(rest[0]) if rest else None
                items = [(e["champ"], e["valeur"], e["suggestions"][0]["canonique"])
                         for e in unknown_labels(_db(db), year=year) if e["suggestions"]]
            elif len(rest) == 3:
                items = [(rest[0], rest[1], rest[2])]
            else:
                _fail("usage : bilan labels accept CHAMP VALEUR CANONIQUE (ou --from LISTE.json, ou --top)")
            done = accept_many(items)
        except LabelError as exc:
            _fail(str(exc))
        for (champ, valeur, _), canon in zip(items, done, strict=True):
            console.print(f"{champ} : « {valeur} » → « {canon} »", highlight=False)
        console.print(f"{len(items)} alias ajouté(s) à {Path(config.REF_DIR) / 'aliases.csv'} ; "
                      "lancer `bilan reprocess` pour rejouer la quarantaine.", highlight=False)
        return
    if len(args) > 1:
        _fail("usage : bilan labels [ANNÉE] [--json]")
    year = _year(args[0]) if args else None
    found = unknown_labels(_db(db), year=year)
    if as_json:
        sys.stdout.write(json.dumps(found, ensure_ascii=False, indent=1) + "\n")
        return
    if not found:
        console.print("Aucun libellé inconnu dans la quarantaine.")
        return
    from rich.table import Table

    t = Table(title="Libellés inconnus de la quarantaine")
    for col in ("champ", "valeur", "lignes", "fichiers", "le plus proche"):
        t.add_column(col, justify="right" if col == "lignes" else "left")
    for e in found:
        best = ", ".join(f"{s['canonique']} ({s['score']})" for s in e["suggestions"]) or "—"
        t.add_row(e["champ"], e["valeur"], str(e["lignes"]), ", ".join(e["fichiers"]), best)
    console.print(t)


def reprocess(db: Path | None = DbOption) -> None:
    """Rejoue la quarantaine avec les référentiels actuels, sans les fichiers d'origine."""
    from pipeline.cli import console
    from pipeline.reprocess import reprocess as replay

    counts = replay(_db(db))
    moved = sum(c.examinees - c.quarantaine for c in counts)
    for c in counts:
        name = c.fichier + (f" [{c.feuille}]" if c.feuille else "")
        console.print(f"{name} : {c.examinees} rejouées, {c.acceptees} acceptées, {c.doublons} doublons, "
                      f"{c.conflits} conflits, {c.quarantaine} restent en quarantaine", highlight=False)
    console.print(f"Quarantaine rejouée : {moved} ligne(s) sortie(s) sur {sum(c.examinees for c in counts)}.",
                  highlight=False)


def _year(text: str) -> int:
    if not text.isdigit():
        _fail(f"année attendue, pas « {text} »")
    return int(text)
