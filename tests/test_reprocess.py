"""A new year's unknown spelling, from quarantine to missions without the original files.

Two warehouses are compared: one loaded with exports that write a partner and a thématique in spellings
the reference does not know, then taken through `bilan labels --json`, `bilan labels accept --from`
and `bilan reprocess`; the other a clean load of the same exports with those spellings corrected by
hand. The year's tables and missions must be equal, including the duplicate and conflict rules (a
version loaded later wins, a later line of the same sheet wins).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest
from typer.testing import CliRunner

from exports import row, write_csv
from pipeline import config
from pipeline.api import open_warehouse
from pipeline.cli import app
from pipeline.ingest.load import ingest_paths
from pipeline.ref import load_ref

BAD_PARTNER, GOOD_PARTNER = "Agence dév. touristique", "Agence de développement touristique"
BAD_THEME, GOOD_THEME = "Mediatek", "Médiathèque"
PROVENANCE = ["load_id", "fichier", "feuille", "ligne"]


def exports(folder: Path, partner: str, theme: str) -> list[Path]:
    folder.mkdir()
    a = [row(f"M{i}", f"D{i}", f"{1 + i % 28:02d}/03/2021", "Commune de Crest", code="26108",
             theme=GOOD_THEME if i % 3 else theme, partner=partner if i % 2 else "CAUE", objet=f"objet {i}")
         for i in range(1, 21)]
    a += [
        row("M30", "D30", "02/04/2021", "Commune de Nyons", code="26220", partner=partner, objet="v1"),   # replaced later in B
        row("M31", "D31", "02/04/2021", "Commune de Nyons", code="26220", partner=partner),               # identical in B
        row("M32", "D32", "03/04/2021", "Commune de Dieulefit", code="26114", partner=partner, objet="x"),
        row("M32", "D32", "03/04/2021", "Commune de Dieulefit", code="26114", partner="CAUE", objet="y"),  # later line wins
        row("M33", "D33", "03/04/2021", "Commune de Dieulefit", code="26114", partner="CAUE", objet="x"),
        row("M33", "D33", "03/04/2021", "Commune de Dieulefit", code="26114", partner=partner, objet="y"),  # later line wins
        row("M34", "D34", "04/04/2021", "Commune inconnue", code="26999", partner=partner),             # stays: commune
        row("M35", "D35", "04/04/2021", "Commune de Crest", code="26108", partner="Partenaire jamais vu"),  # stays
    ]
    b = [row("M30", "D30", "02/04/2021", "Commune de Nyons", code="26220", partner=GOOD_PARTNER, objet="v2"),
         row("M31", "D31", "02/04/2021", "Commune de Nyons", code="26220", partner="ADT"),
         row("M40", "D40", "05/05/2021", "Commune de Crest", code="26108", theme=theme, partner="CAUE")]
    return [write_csv(folder / "export_2021_a.csv", a), write_csv(folder / "export_2021_b.csv", b)]


@pytest.fixture
def ref_dir(tmp_path, monkeypatch):
    d = tmp_path / "ref"
    shutil.copytree(config.REF_DIR, d)
    monkeypatch.setattr(config, "REF_DIR", d)
    return d


def test_labels_accept_reprocess_equals_a_clean_load(tmp_path, ref_dir):
    runner = CliRunner()
    bad_db, clean_db = tmp_path / "bad.duckdb", tmp_path / "clean.duckdb"
    ingest_paths(exports(tmp_path / "bad", BAD_PARTNER, BAD_THEME), db=bad_db, ref=load_ref(ref_dir))
    ingest_paths(exports(tmp_path / "clean", GOOD_PARTNER, GOOD_THEME), db=clean_db, ref=load_ref(ref_dir))

    res = runner.invoke(app, ["labels", "2021", "--json", "--db", str(bad_db)])
    assert res.exit_code == 0, res.output
    found = {(e["champ"], e["valeur"]): e for e in json.loads(res.stdout)}
    assert set(found) == {("partenaire", BAD_PARTNER), ("thematique", BAD_THEME),
                          ("partenaire", "Partenaire jamais vu")}
    bad_rows = 10 + 4 + 1   # the odd rows of A, M30, M31, one of M32/M33 each, M34 (its commune too)
    assert found[("partenaire", BAD_PARTNER)]["lignes"] == bad_rows
    assert found[("partenaire", BAD_PARTNER)]["fichiers"] == ["export_2021_a.csv"]
    assert found[("thematique", BAD_THEME)]["fichiers"] == ["export_2021_a.csv", "export_2021_b.csv"]
    assert found[("partenaire", BAD_PARTNER)]["suggestions"][0]["canonique"] == GOOD_PARTNER
    assert found[("thematique", BAD_THEME)]["suggestions"][0]["canonique"] == GOOD_THEME

    # The analyst reviews the list: keeps the two good suggestions, drops the unknown partner.
    reviewed = [e for k, e in found.items() if k[1] != "Partenaire jamais vu"]
    (tmp_path / "revue.json").write_text(json.dumps(reviewed, ensure_ascii=False), encoding="utf-8")
    res = runner.invoke(app, ["labels", "accept", "--from", str(tmp_path / "revue.json")])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["reprocess", "--db", str(bad_db)])
    assert res.exit_code == 0, res.output

    with open_warehouse(bad_db, ref_dir=ref_dir) as got, open_warehouse(clean_db, ref_dir=ref_dir) as want:
        for name, table in want.breakdowns(2021).items():
            assert got.breakdowns(2021)[name].equals(table), name
        keyed = lambda wh: wh.missions(2021).drop(PROVENANCE).sort("id_mission")  # noqa: E731
        assert keyed(got).equals(keyed(want))
        assert got.quarantine().select("fichier", "ligne", "raison").equals(
            want.quarantine().select("fichier", "ligne", "raison"))
        for wh in (got, want):
            log = wh.load_log()
            assert (log["lignes_lues"] == log["acceptees"] + log["quarantaine"] + log["doublons"]).all()
        totals = lambda wh: wh.load_log().select(pl.col("acceptees", "quarantaine", "doublons", "conflits").sum()).row(0)  # noqa: E731
        assert totals(got) == totals(want)
        assert got.conflicts().height == want.conflicts().height

    res = runner.invoke(app, ["validate", "--db", str(bad_db)], env={"COLUMNS": "200"})
    lines = [line for line in res.stdout.splitlines() if "export_2021_" in line and "/" in line]
    # A: rows 1–20 with a bad partner (odd) or theme (multiple of 3): 13; M30–M33: 4. B: M40.
    moved = [[int(c) for c in re.findall(r"│\s*(\d+)\s*(?=│)", line)][1:] for line in lines]
    assert "Rejeux de la quarantaine" in res.stdout
    assert [m[0] - m[-1] for m in moved] == [13 + 4, 1]


def test_accept_refuses_a_canonical_label_that_does_not_exist(ref_dir):
    before = (ref_dir / "aliases.csv").read_text(encoding="utf-8")
    res = CliRunner().invoke(app, ["labels", "accept", "partenaire", "ADT Drôme", "Agence du tourisme"])
    assert res.exit_code != 0 and getattr(res.exception, "exit_code", None) == 2   # main() prints it, exit 2
    assert "libellé canonique inexistant" in str(res.exception)
    assert (ref_dir / "aliases.csv").read_text(encoding="utf-8") == before
    res = CliRunner().invoke(app, ["labels", "accept", "partenaire", "ADT Drôme", "agence de developpement touristique"])
    assert res.exit_code == 0, res.output
    assert load_ref(ref_dir).resolve("partenaire", "ADT DRÔME") == GOOD_PARTNER


def test_reprocess_is_idempotent_and_keeps_up_to_date_reasons(tmp_path, ref_dir):
    db = tmp_path / "w.duckdb"
    ingest_paths(exports(tmp_path / "x", BAD_PARTNER, BAD_THEME), db=db, ref=load_ref(ref_dir))
    con = duckdb.connect(str(db), read_only=True)
    before = con.execute("SELECT count(*) FROM quarantine").fetchall()[0][0]
    con.close()
    assert CliRunner().invoke(app, ["reprocess", "--db", str(db)]).exit_code == 0
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM quarantine").fetchall()[0][0] == before
    assert con.execute("SELECT sum(acceptees) FROM replay_log").fetchall()[0][0] == 0
    con.close()


def test_stale_quarantine_is_counted_before_and_not_after_reprocess(tmp_path, ref_dir):
    from pipeline.labels_review import accept
    from pipeline.reprocess import reprocess, stale_rows

    db = tmp_path / "w.duckdb"
    ingest_paths(exports(tmp_path / "x", BAD_PARTNER, GOOD_THEME), db=db, ref=load_ref(ref_dir))
    assert stale_rows(db, load_ref(ref_dir)) == 0
    accept("partenaire", BAD_PARTNER, GOOD_PARTNER, ref_dir)
    assert stale_rows(db, load_ref(ref_dir)) == 10 + 4        # M34 stays: its commune is unknown
    reprocess(db, load_ref(ref_dir))
    assert stale_rows(db, load_ref(ref_dir)) == 0
