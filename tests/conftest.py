"""Shared fixtures: the reference data, and real DuckDB warehouses built from schema.sql.

`make_mission(...)` builds one clean `missions` row the way the clean stage would (commune →
canton label, EPCI, population, size class; thématique → domaine; partner → type), so a test states
only what matters to it. `make_warehouse(path, missions, ...)` writes a warehouse file.
`small_warehouse` holds the hand-made 2020 + 2021 missions described in MISSIONS_2021 below.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipeline.ref.load import load_ref

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_SQL = ROOT / "pipeline" / "warehouse" / "schema.sql"

MISSION_COLUMNS = (
    "id_mission", "id_demande", "date_demande", "annee", "demandeur", "demandeur_type", "code_insee",
    "code_insee_lu", "commune", "code_canton", "canton", "siren_epci", "epci", "population", "classe",
    "thematique", "domaine", "prestation", "partenaire", "partenaire_type", "objet", "statut",
    "avertissement", "content_hash", "load_id", "fichier", "feuille", "ligne",
)

CONSEIL = "Conseil"
ACCOMP = "Accompagnement à la maîtrise d'ouvrage de 1er niveau"
AMO = "Assistance à maîtrise d'ouvrage"
MOE = "Maîtrise d'œuvre"
MOD = "Maîtrise d'ouvrage déléguée"

# Columns of every table of docs/spec/outputs.md, as the contract lists them.
CONTRACT_COLUMNS = {
    "summary": ["indicateur", "valeur"],
    "by_domaine": ["domaine", "missions", "pct"],
    "by_thematique": ["domaine", "thematique", "missions", "pct"],
    "by_prestation": ["prestation", "missions", "pct"],
    "by_partenaire": ["partenaire", "type", "missions", "pct"],
    "by_taille": ["classe", "communes_demandeuses", "communes_total", "demandes", "pct_demandes"],
    "by_canton": ["code_canton", "canton", "communes_concernees", "demandes", "missions"],
    "canton_thematique": ["code_canton", "canton", "thematique", "missions", "pct"],
    "canton_prestation": ["code_canton", "canton", "prestation", "missions", "pct"],
    "by_epci": ["siren", "epci", "communes_demandeuses", "demandes_communes", "demandes_epci", "demandes"],
    "domaine_prestation": ["domaine", "prestation", "missions", "pct"],
}

# The hand-made year (2021). id, demande, commune (or EPCI siren), canton, thématique, prestation, partenaire.
# - Valence (26362) is split: D01 in Valence 1 (2615), D02 in Valence 2 (2616).
# - D02 is one demande answered by two partners (SDED and CAUE).
# - Crest canton (2602): three missions, one per prestation → 1/1/1, a tie: 34/33/33.
# - Diois (2604): seven missions on seven thématiques → 14.29 % each, sum 98: R2 spreads +2.
# - D13, D14: the CC du Diois's own demandes. D15: a syndicat (no commune, no EPCI).
MISSIONS_2021 = [
    ("m01", "D01", "26362", "2615", "Numérique - Démat", CONSEIL, "Syndicat mixte Numérian"),
    ("m02", "D02", "26362", "2616", "Énergie", ACCOMP, "SDED - Territoire d'énergie Drôme"),
    ("m03", "D02", "26362", "2616", "Aménagement", ACCOMP, "CAUE"),
    ("m04", "D03", "26108", "2602", "Archives", CONSEIL, "CD26 - Archives départementales"),
    ("m05", "D04", "26108", "2602", "Conservation et patrimoine", ACCOMP, "CD26 - Direction culture et patrimoine"),
    ("m06", "D05", "26021", "2602", "Voirie", AMO, "CD26 - Direction des déplacements"),
    ("m07", "D06", "26113", "2604", "Numérique - SIG", CONSEIL, "CD26 - SIG"),
    ("m08", "D07", "26113", "2604", "Logement habitat", CONSEIL, "ADIL"),
    ("m09", "D08", "26113", "2604", "Médiathèque", CONSEIL, "CD26 - Médiathèque départementale"),
    ("m10", "D09", "26001", "2604", "Eau et assainissement", ACCOMP, "CD26 - Direction environnement"),
    ("m11", "D10", "26001", "2604", "Espaces naturels sensibles", ACCOMP, "CD26 - Direction environnement"),
    ("m12", "D11", "26001", "2604", "Tourisme", AMO, "Agence de développement touristique"),
    ("m13", "D12", "26001", "2604", "Santé", CONSEIL, "CD26 - Mission santé"),
    ("m14", "D13", "epci:242600534", None, "Numérique - Démat", ACCOMP, "Syndicat mixte Numérian"),
    ("m15", "D14", "epci:242600534", None, "Énergie", MOE, "SDED - Territoire d'énergie Drôme"),
    ("m16", "D15", "syndicat", None, "Eau et assainissement", MOD, "CD26 - Direction environnement"),
]
# 2020: 8 demandes, 9 missions (P1 has two), communes Crest and Die; 6 Numérique - Démat + 3 Énergie.
MISSIONS_2020 = [
    ("p01", "P1", "26108", "2602", "Numérique - Démat", CONSEIL, "Syndicat mixte Numérian"),
    ("p02", "P1", "26108", "2602", "Énergie", CONSEIL, "SDED - Territoire d'énergie Drôme"),
    ("p03", "P2", "26108", "2602", "Numérique - Démat", CONSEIL, "Syndicat mixte Numérian"),
    ("p04", "P3", "26113", "2604", "Numérique - Démat", CONSEIL, "Syndicat mixte Numérian"),
    ("p05", "P4", "26113", "2604", "Numérique - Démat", ACCOMP, "Syndicat mixte Numérian"),
    ("p06", "P5", "26113", "2604", "Énergie", ACCOMP, "SDED - Territoire d'énergie Drôme"),
    ("p07", "P6", "26113", "2604", "Énergie", ACCOMP, "SDED - Territoire d'énergie Drôme"),
    ("p08", "P7", "26113", "2604", "Numérique - Démat", AMO, "Syndicat mixte Numérian"),
    ("p09", "P8", "26113", "2604", "Numérique - Démat", AMO, "Syndicat mixte Numérian"),
]


@pytest.fixture(scope="session")
def ref():
    return load_ref()


@pytest.fixture(scope="session")
def ref_2021(ref):
    return ref.for_year(2021)


@pytest.fixture(scope="session")
def make_mission(ref):
    """Factory of one clean missions row (dict with every column of the table)."""
    themes = dict(ref.thematiques.select("thematique", "domaine").iter_rows())
    partner_types = dict(ref.partenaires.select("partenaire", "type").iter_rows())
    cantons = dict(ref.cantons.select("code", "label_rapport").iter_rows())
    epci_names = dict(ref.epci.select("siren", "nom").iter_rows())

    def make(id_mission: str, id_demande: str, demandeur: str, code_canton: str | None, thematique: str,
             prestation: str, partenaire: str, annee: int = 2021, ligne: int = 1) -> dict:
        communes = ref.for_year(annee).communes
        row = dict.fromkeys(MISSION_COLUMNS)
        row.update(id_mission=id_mission, id_demande=id_demande, date_demande=dt.date(annee, 3, 15),
                   annee=annee, thematique=thematique, domaine=themes[thematique], prestation=prestation,
                   partenaire=partenaire, partenaire_type=partner_types[partenaire],
                   content_hash=f"h-{id_mission}", load_id=1, fichier=f"export_{annee}.csv", ligne=ligne)
        if demandeur.startswith("epci:"):
            siren = demandeur.removeprefix("epci:")
            row.update(demandeur=epci_names[siren], demandeur_type="epci", siren_epci=siren, epci=epci_names[siren])
        elif demandeur == "syndicat":
            row.update(demandeur="Syndicat des eaux", demandeur_type="syndicat")
        else:
            c = communes.filter(pl.col("code_insee") == demandeur).row(0, named=True)
            row.update(demandeur=f"Mairie de {c['nom']}", demandeur_type="commune", code_insee=demandeur,
                       commune=c["nom"], code_canton=code_canton, canton=cantons[code_canton],
                       siren_epci=c["epci_siren"], epci=c["epci_nom"], population=c["population"],
                       classe=c["classe"])
        return row

    return make


def write_warehouse(path: Path, missions: list[dict], quarantine: list[dict] = (), load_log: list[dict] = (),
                    conflicts: list[dict] = ()) -> Path:
    """A warehouse file: schema.sql executed, then the given rows inserted (by column name)."""
    con = duckdb.connect(str(path))
    try:
        con.execute(SCHEMA_SQL.read_text(encoding="utf-8"))
        for table, rows in (("missions", missions), ("quarantine", quarantine), ("load_log", load_log),
                            ("conflicts", conflicts)):
            if rows:
                encoded = [{k: json.dumps(v, ensure_ascii=False) if isinstance(v, dict) else v for k, v in r.items()}
                        for r in rows]
                frame = pl.DataFrame(encoded, infer_schema_length=None)
                con.register("rows_frame", frame)
                con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM rows_frame")
                con.unregister("rows_frame")
    finally:
        con.close()
    return path


@pytest.fixture(scope="session")
def make_warehouse():
    """write_warehouse(path, missions, quarantine=(), load_log=(), conflicts=()) -> path."""
    return write_warehouse


@pytest.fixture(scope="session")
def small_rows(make_mission) -> dict[int, list[dict]]:
    return {
        2020: [make_mission(*r, annee=2020, ligne=i + 2) for i, r in enumerate(MISSIONS_2020)],
        2021: [make_mission(*r, annee=2021, ligne=i + 2) for i, r in enumerate(MISSIONS_2021)],
    }


@pytest.fixture(scope="session")
def small_warehouse(tmp_path_factory, small_rows) -> Path:
    """Warehouse with the hand-made 2020 and 2021 missions, a load log, quarantine and a conflict."""
    path = tmp_path_factory.mktemp("wh") / "small.duckdb"
    now = dt.datetime(2022, 1, 12, 10, 0)
    load_log = [
        dict(load_id=1, fichier="export_2020.csv", sha256="a" * 64, charge_le=now, lignes_lues=10,
             acceptees=9, quarantaine=1, doublons=0, conflits=0, deja_charge=False),
        dict(load_id=2, fichier="export_2021.csv", sha256="b" * 64, charge_le=now, lignes_lues=18,
             acceptees=16, quarantaine=1, doublons=1, conflits=1, deja_charge=False),
    ]
    quarantine = [
        dict(load_id=1, fichier="export_2020.csv", ligne=11, id_mission="p99", annee=2020,
             raison="commune inconnue", valeurs={"N° mission": "p99", "Code INSEE": "26999"}),
        dict(load_id=2, fichier="export_2021.csv", ligne=19, id_mission="m99", annee=None,
             raison="date illisible", valeurs={"N° mission": "m99", "Date": "31/02/2021",
                                                "Objet": "voir jean@mairie.fr"}),
    ]
    conflicts = [dict(id_mission="m04", ancien_fichier="export_2021.csv", ancien_ligne=5, ancien_hash="x",
                      nouveau_fichier="export_2021_v2.csv", nouveau_ligne=5, nouveau_hash="h-m04",
                      load_id=2, annee=2021)]
    return write_warehouse(path, small_rows[2020] + small_rows[2021], quarantine, load_log, conflicts)


@dataclass(frozen=True)
class DemoLoad:
    files: list[Path]     # the calibrated demo exports, in load order
    counts: list          # what ingest_paths reported, per file and sheet
    db: Path              # the warehouse they were loaded into


@pytest.fixture(scope="session")
def demo_load(tmp_path_factory) -> DemoLoad:
    """The calibrated demo exports written and loaded with the real ingest, once per test session
    (test_demo_exports and test_report_2021 read it; open it read-only)."""
    from pipeline.ingest.load import ingest_paths
    from pipeline.synth import write_demo_exports

    tmp = tmp_path_factory.mktemp("demo")
    files = write_demo_exports(tmp / "exports")
    counts = ingest_paths(files, db=tmp / "warehouse.duckdb")
    return DemoLoad(files, counts, tmp / "warehouse.duckdb")
