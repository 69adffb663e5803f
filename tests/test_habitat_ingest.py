"""Ingestion of housing exports: reconciliation (rows and euros), quarantine reasons, snapshots whatever
the load order, personal data dropped when read. The expected counts are those of the hand-written file
tests/fixtures/habitat/dossiers_2024.csv (cp1252, title row, personal columns), counted by eye."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.habitat import store
from pipeline.habitat.ingest import geography, ingest_paths, read_file
from pipeline.habitat.rules import load_rules

FIX = Path(__file__).parent / "fixtures" / "habitat"


@pytest.fixture(scope="module")
def rules():
    return load_rules()


@pytest.fixture(scope="module")
def geo():
    return geography(range(2023, 2027))


def test_reconciliation_rows_and_euros(rules, geo):
    (res,) = read_file(FIX / "dossiers_2024.csv", rules, geo)
    assert res.kind == "dossiers" and str(res.date_extraction) == "2024-12-31"
    # 10 data rows: 3 accepted (H24-001, -002, -008), 6 quarantined, 1 repeated H24-001
    assert (res.lignes_lues, res.acceptees, len(res.quarantine), res.doublons) == (10, 3, 6, 1)
    assert res.lignes_lues == res.acceptees + len(res.quarantine) + res.doublons
    # euros voted readable: 42 000 + 1 000 + 5 000 + 10 500 + 10 500 + 1 000 + 15 000 = 85 000
    assert res.euros_lus == 85000 == res.euros_acceptes + res.euros_quarantaine
    reasons = {q["ligne"]: q["raison"] for q in res.quarantine}
    assert reasons == {5: "action inconnue : « Aide façade »", 6: "date de dépôt illisible : « 31/02/2024 »",
                       7: "code INSEE inconnu : 26999", 8: "identifiant de dossier manquant",
                       9: "action ambiguë : « Offre nouvelle PLAi PLUS » sans financement ni nature",
                       10: "montant illisible : « 12 5OO »"}
    by_id = {line["id_dossier"]: line for line in res.lines}
    assert by_id["H24-008"]["code_insee"] == "26136"          # pre-merger 26029 translated
    assert by_id["H24-008"]["code_action"] == "T14-DEMOL"


def test_personal_data_of_natural_persons_never_kept(rules, geo, tmp_path):
    (res,) = read_file(FIX / "dossiers_2024.csv", rules, geo)
    assert set(res.personal_dropped) == {"Nom", "Prénom", "Téléphone"}
    db = tmp_path / "h.duckdb"
    ingest_paths([FIX / "dossiers_2024.csv"], rules, db)
    con = store.connect(db)
    dump = json.dumps([store.lines(con), store.quarantine(con).to_dicts()], default=str)
    con.close()
    for secret in ("Dupont", "Jean", "06 12 34 56 78"):
        assert secret not in dump
    assert "Valence Romans Habitat" in dump                  # a legal entity stays named


def _snapshot(path: Path, when: str, statut: str, verse: str) -> Path:
    path.write_text(f"Export du {when}\nN° dossier;Aide;Date de dépôt;Code INSEE;Nb logts;Type de tiers;Date CP;"
                    f"Montant voté;Montant payé;Statut\nA1;S1-NEUF;05/02/2024;26362;4;Bailleur social;04/03/2024;"
                    f"14000;{verse};{statut}\n", encoding="utf-8")
    return path


def test_latest_extraction_wins_whatever_the_load_order(rules, tmp_path):
    old = _snapshot(tmp_path / "a.csv", "31/12/2024", "Voté", "0")
    new = _snapshot(tmp_path / "b.csv", "31/12/2025", "Soldé", "14000")
    for order, db in (([old, new], tmp_path / "1.duckdb"), ([new, old], tmp_path / "2.duckdb")):
        counts = ingest_paths(order, rules, db)
        con = store.connect(db)
        (line,) = store.lines(con)
        con.close()
        assert line["statut"] == "solde" and line["montant_verse"] == 14000
        assert sum(c["conflits"] for c in counts) == 1
    again = ingest_paths([new], rules, tmp_path / "2.duckdb")
    assert again[0]["deja_charge"]


def test_file_without_header_is_refused_and_cli_validate_json(tmp_path):
    bad = tmp_path / "notes.csv"
    bad.write_text("bonjour;le monde\n1;2\n", encoding="utf-8")
    db = tmp_path / "v.duckdb"
    r = CliRunner().invoke(app, ["habitat", "ingest", str(FIX / "dossiers_2024.csv"), str(bad), "--db", str(db)])
    assert r.exit_code == 2
    r = CliRunner().invoke(app, ["habitat", "validate", "--db", str(db), "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    files = {f["fichier"]: f for f in out["files"]}
    assert files["notes.csv"]["refuse"].startswith("aucune ligne d'en-tête")
    f = files["dossiers_2024.csv"]
    assert (f["lignes_lues"], f["acceptees"], f["quarantaine"], f["doublons"], f["conflits"]) == (10, 3, 6, 1, 0)
    assert {q["id_dossier"] for q in out["quarantaine"]} >= {"H24-003", "H24-004"}


def test_unseen_export_gives_the_regulations_entitlements(rules, geo):
    """A file in another spelling (portal labels, variant columns, other headers), worked by hand:
    X-1 F3 gestion directe, LOC3, F→D = +2 classes (D-10): 3 500 € (L925-L946) → conforme;
    X-2 F6 modeste, 4 500 € ≥ 4 000 € of reste à charge, 81 years, GIR 3: 1 000 € (L1219) → conforme;
    X-3 F10 IML in Die (pôle, convention of the Diois opens F10): 2 × 8 000 € (L2220) → conforme;
    X-4 F17 PLUS acquisition-amélioration, label HI: 4 × 5 500 € = 22 000 € (L2818); 24 000 voted → sur_attribution;
    X-5 « Fiche 6 » without a catégorie cannot be placed (D-27) → quarantine."""
    from pipeline.habitat.droits import calcule_droits

    (res,) = read_file(FIX / "dossiers_inedits.csv", rules, geo)
    assert str(res.date_extraction) == "2025-06-30"
    assert set(res.personal_dropped) == {"Nom", "Prénom", "Courriel"}
    assert [q["raison"] for q in res.quarantine] == ["action ambiguë : « Fiche 6 » sans catégorie de ressources"]
    lines = {x["id_dossier"]: x for x in res.lines}
    assert {k: v["code_action"] for k, v in lines.items()} == {"X-1": "S3-DIR", "X-2": "S6-M", "X-3": "T10-IML",
                                                               "X-4": "T17-PLUS-AA"}
    got = {x["id_dossier"]: (d.droit, d.statut) for x, d in zip(res.lines, calcule_droits(res.lines, rules), strict=True)}
    assert got == {"X-1": (3500, "conforme"), "X-2": (1000, "conforme"), "X-3": (16000, "conforme"),
                   "X-4": (22000, "sur_attribution")}
    assert lines["X-1"]["ref_anah"] != "A-77" and len(lines["X-1"]["ref_anah"]) == 16     # salted hash only
