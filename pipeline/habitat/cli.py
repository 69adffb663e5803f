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

    out = Console(soft_wrap=True, highlight=False, markup=False)
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


def run_ingest(paths: list[Path], db: Path | None, ref: Path | None, date_extraction: dt.date | None = None) -> int:
    from rich.console import Console

    from pipeline.habitat.ingest import ingest_paths
    from pipeline.ingest.load import expand_paths

    rules = _rules(ref)
    if not expand_paths(paths):
        _fail("aucun fichier CSV ou XLSX à charger dans " + ", ".join(map(str, paths)))
    out, err = Console(soft_wrap=True, highlight=False), Console(stderr=True, soft_wrap=True, highlight=False)
    refused = 0

    def report(c: dict) -> None:
        nonlocal refused
        name = c["fichier"] + (f" [{c['feuille']}]" if c.get("feuille") else "")
        if c.get("deja_charge"):
            out.print(f"{name} : déjà chargé à l'identique, rien n'a changé")
        elif c["refuse"]:
            refused += 1
            err.print(f"REFUSÉ {name} : {c['refuse']}")
        else:
            out.print(f"{name} ({c['type']}) : {c['lignes_lues']} lues, {c['acceptees']} acceptées, "
                      f"{c['quarantaine']} en quarantaine, {c['doublons']} doublons, {c['conflits']} mises à jour")

    ingest_paths(paths, rules, db, date_extraction, on_sheet=report)
    return 2 if refused else 0


@app.command()
def ingest(paths: list[Path] = typer.Argument(..., help="Exports de dossiers ou de paiements (CSV, XLSX) ou dossiers."),
           db: Path | None = DbOption, ref: Path | None = RefOption,
           date_extraction: str | None = typer.Option(None, "--date-extraction",
                                                         help="Date de l'état exporté (JJ/MM/AAAA), si le fichier ne la porte pas.")) -> None:
    """Charge des exports de dossiers et de paiements dans l'entrepôt de l'habitat."""
    when = None
    if date_extraction:
        from pipeline.habitat.clean import parse_date

        try:
            when = parse_date(date_extraction)
        except ValueError:
            _fail(f"date d'extraction illisible : « {date_extraction} »")
    raise typer.Exit(run_ingest(paths, db, ref, when))


def _db(db: Path | None) -> Path:
    from pipeline.habitat.store import DEFAULT_DB

    path = Path(db or DEFAULT_DB)
    if not path.exists():
        _fail(f"entrepôt introuvable : {path} (lancer d'abord `bilan habitat ingest`)")
    return path


@app.command()
def validate(year: int | None = typer.Argument(None, help="Année (défaut : toutes)."),
             db: Path | None = DbOption, ref: Path | None = RefOption,
             as_json: bool = typer.Option(False, "--json", help="Un objet JSON sur la sortie standard.")) -> None:
    """Réconciliation par fichier (lignes et euros), quarantaine par motif."""
    from pipeline.habitat import store

    con = store.connect(_db(db))
    try:
        files = store.files(con)
        q = store.quarantine(con)
    finally:
        con.close()
    summary: dict = {"files": [{k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in r.items()
                          if k not in ("sha256", "charge_le")} for r in files.to_dicts()],
               "quarantaine": [{k: r[k] for k in ("fichier", "ligne", "id_dossier", "raison")}
                               for r in q.to_dicts()]}
    if year is not None:
        summary["annee"] = year
    if as_json:
        sys.stdout.write(json.dumps(summary, ensure_ascii=False) + "\n")
        return
    from rich.console import Console
    from rich.table import Table

    from pipeline.fmt import fmt_int

    out = Console(soft_wrap=True, highlight=False)
    t = Table(title="Fichiers chargés (habitat)")
    for col in ("fichier", "type", "lues", "acceptées", "quarantaine", "doublons", "mises à jour", "€ lus",
                "€ en quarantaine", "refusé"):
        t.add_column(col)
    for f in summary["files"]:
        t.add_row(f["fichier"] + (f" [{f['feuille']}]" if f["feuille"] else ""), f["type"] or "",
                  fmt_int(f["lignes_lues"]), fmt_int(f["acceptees"]), fmt_int(f["quarantaine"]), fmt_int(f["doublons"]),
                  fmt_int(f["conflits"]), fmt_int(f["euros_lus"]), fmt_int(f["euros_quarantaine"]), f["refuse"] or "")
    out.print(t)
    from collections import Counter

    for motif, n in Counter(r["raison"].split(" : ")[0] for r in summary["quarantaine"]).most_common():
        out.print(f"  {motif} : {n}")


@app.command()
def build(year: int = typer.Argument(..., help="Année du bilan."), db: Path | None = DbOption,
          out: Path | None = typer.Option(None, "--out", help="Dossier de sortie (défaut : reports/habitat/ANNÉE)."),
          pdf: bool = typer.Option(False, "--pdf", help="Produit aussi le rapport PDF."),
          interne: bool = typer.Option(False, "--interne", help="Ajoute les tableaux par dossier et la page Contrôles."),
          ref: Path | None = RefOption) -> None:
    """Construit les tableaux, le site (et le PDF) des aides à l'habitat d'une année."""
    from pipeline.habitat.build import build_report
    from pipeline.habitat.rules import RulesError

    path = _db(db)
    try:
        target = build_report(year, path, out, pdf, interne, ref, log=lambda m: typer.echo(m, err=True))
    except (ValueError, RulesError) as exc:
        _fail(str(exc))
    typer.echo(f"Rapport habitat {year} : {target / 'index.html'}")


@app.command()
def synth(out: Path = typer.Option(Path("data/demo/habitat/exports"), "--out", help="Dossier de sortie."),
          ref: Path | None = RefOption) -> None:
    """Écrit les exports synthétiques calibrés 2023 → 31/10/2026 (dossiers, paiements, attendus)."""
    from pipeline.habitat import synth as synth_mod
    from pipeline.habitat.geo import communes

    for f in synth_mod.write_exports(out, _rules(ref), communes(2023)):
        typer.echo(str(f))


@app.command()
def demo(out: Path | None = typer.Option(None, "--out", help="Dossier du rapport (défaut : reports/habitat/2026)."),
         pdf: bool = typer.Option(True, "--pdf/--sans-pdf", help="Produit aussi le PDF."),
         interne: bool = typer.Option(False, "--interne", help="Ajoute la page Contrôles."),
         ref: Path | None = RefOption) -> None:
    """De zéro : exports synthétiques 2023-2026, chargement dans un entrepôt neuf, bilan 2026."""
    from pipeline import config
    from pipeline.habitat import synth as synth_mod
    from pipeline.habitat.build import build_report
    from pipeline.habitat.geo import communes

    exports = config.DEMO_DIR / "habitat" / "exports"
    db = config.DEMO_DIR / "habitat" / "habitat.duckdb"
    for stale in (db, db.with_suffix(db.suffix + ".wal")):
        stale.unlink(missing_ok=True)
    files = synth_mod.write_exports(exports, _rules(ref), communes(2023))
    typer.echo(f"{len(files)} exports synthétiques écrits dans {exports}")
    run_ingest(files, db, ref)
    target = build_report(2026, db, out, pdf, interne, ref, log=lambda m: typer.echo(m, err=True))
    typer.echo(f"Entrepôt : {db}")
    typer.echo(f"Rapport habitat 2026 : {target / 'index.html'}")
