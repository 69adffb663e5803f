"""The calibrated demo exports, ingested for real, give the 2021 report's headline figures.

Expected numbers come from the published report (tests/fixtures/bilan_2021_figures.yaml), not from the
code: 1 041 demandes, 251 communes demandeuses split 155 / 77 / 15 / 4 by size class, and every file
reconciles.
"""

from __future__ import annotations

import duckdb
import pytest

from pipeline.ingest.load import ingest_paths
from pipeline.synth import write_demo_exports


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("demo")
    files = write_demo_exports(tmp / "exports")
    counts = ingest_paths(files, db=tmp / "w.duckdb")
    con = duckdb.connect(str(tmp / "w.duckdb"), read_only=True)
    yield files, counts, con
    con.close()


def one(con, sql):
    return con.execute(sql).fetchall()[0][0]


def test_every_file_loads_and_reconciles(demo):
    files, counts, _ = demo
    assert not [c for c in counts if c.refuse]
    assert all(c.lignes_lues == c.acceptees + c.quarantaine + c.doublons for c in counts)
    forms = {f.suffix for f in files}
    assert {".csv", ".xlsx"} <= forms
    assert sum(c.quarantaine for c in counts) > 0 and sum(c.doublons for c in counts) > 0
    assert sum(c.conflits for c in counts) > 0


def test_2021_headline_figures(demo):
    _, _, con = demo
    assert one(con, "SELECT count(DISTINCT id_demande) FROM missions WHERE annee = 2021") == 1041
    assert one(con, "SELECT count(DISTINCT code_insee) FROM missions WHERE annee = 2021 AND demandeur_type = 'commune'") == 251
    classes = dict(con.execute(
        "SELECT classe, count(DISTINCT code_insee) FROM missions WHERE annee = 2021 AND demandeur_type = 'commune' "
        "GROUP BY classe").fetchall())
    assert classes == {"moins de 1 000 hab.": 155, "1 000 à 4 999 hab.": 77,
                       "5 000 à 14 999 hab.": 15, "15 000 hab. et plus": 4}
    assert one(con, "SELECT count(DISTINCT siren_epci) FROM missions WHERE annee = 2021 AND demandeur_type = 'epci'") == 11


def test_2020_is_sized_for_plus_14_percent(demo):
    _, _, con = demo
    d2020 = one(con, "SELECT count(DISTINCT id_demande) FROM missions WHERE annee = 2020")
    growth = 100 * (1041 - d2020) / d2020
    assert 14 <= growth < 14.5      # « un peu plus de 14 % »


def test_no_personal_data_in_warehouse(demo):
    _files, _, con = demo
    dump = str([con.execute(f"SELECT * FROM {t}").fetchall() for t in ("missions", "raw_rows", "quarantine")])
    assert "@" not in dump.replace("[donnée personnelle retirée]", "")
    assert "Téléphone" not in dump and "Email" not in dump
