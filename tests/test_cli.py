"""The real `bilan` command: exit codes, one-line errors, the JSON of `validate`.

Most calls run the entry point in-process (tests/run_cli.py: the same parsing and error handling, no
interpreter start-up); the last test starts the installed executable, end to end."""

from __future__ import annotations

import json
from pathlib import Path

from run_cli import bilan, bilan_process
from tests.exports import row, write_csv


def test_ingest_exit_codes_and_one_line_refusal(tmp_path):
    db = str(tmp_path / "w.duckdb")
    good = write_csv(tmp_path / "good.csv", [row("M1", "D1", "15/03/2021", "Crest", "26108"),
                                             row("M2", "D2", "15/03/2021", "Crest", "26999")])
    ok = bilan("ingest", str(good), "--db", db)
    assert ok.returncode == 0, ok.stderr
    assert "good.csv : 2 lues, 1 acceptées, 1 en quarantaine, 0 doublons" in ok.stdout
    bad = tmp_path / "notes.csv"
    bad.write_text("Nom;Valeur\nA;1\n", encoding="utf-8")
    other = write_csv(tmp_path / "other.csv", [row("M3", "D3", "15/03/2021", "Crest", "26108")])
    res = bilan("ingest", str(bad), str(other), "--db", db)
    assert res.returncode == 2
    assert "Traceback" not in res.stderr + res.stdout
    refusal = [line for line in res.stderr.splitlines() if "notes.csv" in line]
    assert len(refusal) == 1 and "aucune ligne d'en-tête reconnue" in refusal[0]
    assert "other.csv : 1 lues, 1 acceptées" in res.stdout              # the other file still loads


def test_validate_json_contract(tmp_path):
    db = str(tmp_path / "w.duckdb")
    a = write_csv(tmp_path / "a.csv", [row("M1", "D1", "15/03/2021", "Crest", "26108"),
                                       row("M2", "D2", "15/03/2021", "Valence", "26362")])
    b = write_csv(tmp_path / "b.csv", [row("M1", "D1", "15/03/2021", "Crest", "26108"),
                                       row("M3", "D3", "bientôt", "Crest", "26108")])
    broken = tmp_path / "c.csv"
    broken.write_bytes(b"")
    assert bilan("ingest", str(a), str(b), str(broken), "--db", db).returncode == 2
    res = bilan("validate", "--json", "--db", db)
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert set(data) == {"files", "quarantaine"}
    assert data["files"] == [
        {"fichier": "a.csv", "lignes_lues": 2, "acceptees": 1, "quarantaine": 1, "doublons": 0, "conflits": 0, "refuse": None},
        {"fichier": "b.csv", "lignes_lues": 2, "acceptees": 0, "quarantaine": 1, "doublons": 1, "conflits": 0, "refuse": None},
        {"fichier": "c.csv", "lignes_lues": 0, "acceptees": 0, "quarantaine": 0, "doublons": 0, "conflits": 0, "refuse": "fichier vide"},
    ]
    assert [(q["fichier"], q["ligne"], q["id_mission"]) for q in data["quarantaine"]] == [("a.csv", 3, "M2"), ("b.csv", 3, "M3")]
    assert data["quarantaine"][1]["raison"] == "date illisible : « bientôt »"
    human = bilan("validate", "--db", db)
    assert human.returncode == 0 and "Quarantaine par motif" in human.stdout


def test_unknown_warehouse_and_bad_arguments_are_one_line(tmp_path):
    res = bilan("validate", "--db", str(tmp_path / "none.duckdb"))
    assert res.returncode == 2 and res.stderr.strip().startswith("erreur : entrepôt introuvable")
    res = bilan("ingest", str(tmp_path / "missing.csv"), "--db", str(tmp_path / "w.duckdb"))
    assert res.returncode == 2 and "fichier introuvable" in res.stderr and "Traceback" not in res.stderr
    res = bilan("build", "deux-mille", "--db", str(tmp_path / "w.duckdb"))
    assert res.returncode == 2 and "Traceback" not in res.stderr


def test_installed_executable_end_to_end(tmp_path):
    """The console script itself, in a separate process: one file loaded, then a one-line refusal."""
    db = str(tmp_path / "w.duckdb")
    good = write_csv(tmp_path / "good.csv", [row("M1", "D1", "15/03/2021", "Crest", "26108")])
    ok = bilan_process("ingest", str(good), "--db", db)
    assert ok.returncode == 0, ok.stderr
    assert "good.csv : 1 lues, 1 acceptées, 0 en quarantaine, 0 doublons" in ok.stdout
    res = bilan_process("validate", "--db", str(tmp_path / "none.duckdb"))
    assert res.returncode == 2
    assert res.stderr.strip().splitlines() == [
        f"erreur : entrepôt introuvable : {tmp_path / 'none.duckdb'} (lancer d'abord `bilan ingest`)"]


def test_committed_sample_export(tmp_path):
    """The sample in data/raw/samples: 8 rows written by hand, one with a date that cannot be read."""
    sample = Path(__file__).parent.parent / "data" / "raw" / "samples" / "exemple-export-2021.csv"
    db = str(tmp_path / "w.duckdb")
    assert bilan("ingest", str(sample), "--db", db).returncode == 0
    data = json.loads(bilan("validate", "--json", "--db", db).stdout)
    f = data["files"][0]
    assert (f["lignes_lues"], f["acceptees"], f["quarantaine"]) == (8, 7, 1)
    assert [(q["ligne"], q["id_mission"]) for q in data["quarantaine"]] == [(12, "EX-0008")]
