"""`bilan habitat …`: the housing-aid monitoring's commands (a Typer sub-app registered in pipeline/cli.py).

Heavy modules (polars, duckdb, plotly…) are imported inside the commands so that `bilan --help` stays fast.
Errors are one line in French (exit code 2 for unusable input), like the missions' commands.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import NoReturn

import typer

from pipeline.errors import BilanError

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Aides à l'habitat 2023-2028 : droits, enveloppes, paiements, rapport.")

RefOption = typer.Option(None, "--ref", help="Dossier de règles remplaçant data/ref/habitat/ (même structure).")
DbOption = typer.Option(None, "--db", help="Entrepôt DuckDB de l'habitat (défaut : data/habitat.duckdb).")


def _fail(message: str, code: int = 2) -> NoReturn:
    raise BilanError(message, code)


def _rules(ref: Path | None):
    from pipeline.habitat.rules import RulesError, load_rules

    try:
        return load_rules(ref)
    except RulesError as exc:
        _fail(str(exc))


@app.command()
def droit(action: str = typer.Option(..., "--action", help="Code (S1-NEUF, T10-IML…) ou libellé de l'aide."),
          logements: float | None = typer.Option(None, "--logements", help="Nombre de logements."),
          code_insee: str | None = typer.Option(None, "--code-insee", help="Commune des travaux."),
          beneficiaire: str | None = typer.Option(None, "--beneficiaire", help="Type de bénéficiaire."),
          montant_vote: float | None = typer.Option(None, "--montant-vote", help="Montant proposé au vote."),
          cout: float | None = typer.Option(None, "--cout", help="Coût subventionnable."),
          autres: float | None = typer.Option(None, "--autres-subventions", help="Autres subventions."),
          condition: list[str] = typer.Option([], "--condition", "-c", help="CHAMP=VALEUR (financement=PLAI, dpe_apres=B…)."),
          annee: int = typer.Option(dt.date.today().year, "--annee", help="Millésime de la géographie."),
          ref: Path | None = RefOption,
          as_json: bool = typer.Option(False, "--json", help="Réponse en JSON.")) -> None:
    """Droit d'un dossier envisagé : conditions remplies / non remplies / inconnues, montant et règle."""
    from pipeline.habitat import clean
    from pipeline.habitat.droits import droit_ligne, fmt_eur
    from pipeline.habitat.geo import communes

    rules = _rules(ref)
    code = clean.resolve_action(action, {}, rules)
    if code not in rules.actions:
        _fail(f"action inconnue : « {action} » (codes : {', '.join(rules.actions)})")
    line: dict = {"code_action": code, "nb_logements": logements, "beneficiaire_type": beneficiaire,
                  "montant_vote": montant_vote, "cout_operation": cout, "autres_subventions": autres,
                  "date_depot": dt.date.today()}
    if code_insee:
        place = communes(annee).get(code_insee)
        if place is None:
            _fail(f"code INSEE inconnu : {code_insee}")
        line.update(code_insee=place["code_insee"], siren_epci=place["siren_epci"])
    for item in condition:
        if "=" not in item:
            _fail(f"condition à écrire CHAMP=VALEUR : « {item} »")
        k, v = item.split("=", 1)
        line[k.strip()] = clean.parse_field(k.strip(), v.strip(), rules)
    d = droit_ligne(line, rules)
    conditions = dict(d.conditions.items())
    if as_json:
        sys.stdout.write(json.dumps({"code_action": code, "droit": d.droit, "statut": d.statut, "regle": d.regle,
                                     "conditions": conditions, "motifs": d.motifs}, ensure_ascii=False) + "\n")
        return
    from rich.console import Console

    out = Console(soft_wrap=True, highlight=False)
    a = rules.actions[code]
    out.print(f"{code} — {a.libelle} (source : {a.src})")
    words = {"pass": "remplie", "fail": "NON REMPLIE", "unknown": "inconnue (supposée remplie)"}
    for k, v in conditions.items():
        out.print(f"  {k} : {words[v]}")
    out.print(f"Règle : {d.regle}")
    out.print("Droit : " + ("montant fixé par la convention DAH" if d.droit is None else fmt_eur(d.droit)))
    if d.motifs:
        out.print("Motifs : " + " ; ".join(d.motifs))
    if montant_vote is not None or d.statut != "en_attente":
        out.print(f"Verdict : {d.statut}")
