"""Taxonomy by year, and the commune geography of later years.

A partner that joins the démarche in 2024 is one row of data/ref/partenaires.csv with `valide_de`; it
changes nothing in 2021, and a 2021 row naming it is quarantined with that reason. The two commune
changes of 1 January 2022 (data/ref/SOURCES.md) put a 2023 demande from Mureils in Saint-Jean-de-Galaure
and one from Véronne in Saillans, with their canton and EPCI (facts from data/ref/communes_2026.csv).
"""

from __future__ import annotations

import csv
import shutil

import duckdb
import pytest

from exports import row, write_csv
from pipeline import config
from pipeline.api import open_warehouse
from pipeline.ingest.load import ingest_paths
from pipeline.ref import load_ref

NEW = "Agence régionale de la mobilité"


@pytest.fixture
def ref_2024(tmp_path):
    """data/ref plus a partner from 2024 and Moulin Digital leaving after 2022."""
    d = tmp_path / "ref"
    shutil.copytree(config.REF_DIR, d)
    path = d / "partenaires.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    for r in rows:
        if r["partenaire"] == "Moulin Digital":
            r["valide_a"] = "2022"
    rows.append({"ordre": "21", "partenaire": NEW, "type": "externe", "sigle": "ARM", "valide_de": "2024", "valide_a": ""})
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return d


def rows_2021(extra: list | None = None) -> list:
    out = [row(f"M{i}", f"D{i}", "15/03/2021", "Commune de Crest", code="26108",
               partner=["CAUE", "Moulin Digital", "ADT"][i % 3]) for i in range(9)]
    return out + (extra or [])


def test_a_partner_added_for_2024_changes_nothing_in_2021(tmp_path, ref_2024):
    base, new = tmp_path / "base.duckdb", tmp_path / "new.duckdb"
    ingest_paths([write_csv(tmp_path / "a.csv", rows_2021())], db=base)
    exports = rows_2021([row("X1", "X1", "16/03/2021", "Commune de Crest", code="26108", partner=NEW),
                         row("X2", "X2", "16/03/2024", "Commune de Crest", code="26108", partner=NEW),
                         row("X3", "X3", "16/03/2024", "Commune de Crest", code="26108", partner="Moulin Digital"),
                         row("X4", "X4", "16/03/2022", "Commune de Crest", code="26108", partner="Moulin Digital")])
    ingest_paths([write_csv(tmp_path / "b.csv", exports)], db=new, ref=load_ref(ref_2024))

    with open_warehouse(base) as a, open_warehouse(new, ref_dir=ref_2024) as b:
        for name, table in a.breakdowns(2021).items():
            if name not in ("trends", "trends_domaine"):
                assert b.breakdowns(2021)[name].equals(table), name
        assert NEW not in b.table("by_partenaire", 2021)["partenaire"].to_list()
        p2024 = b.table("by_partenaire", 2024)["partenaire"].to_list()
        assert NEW in p2024 and "Moulin Digital" not in p2024
        reasons = dict(b.quarantine().select("id_mission", "raison").iter_rows())
    assert set(reasons) == {"X1", "X3"}
    assert reasons["X1"] == f"partenaire hors taxonomie 2021 : « {NEW} » → « {NEW} » (valable depuis 2024)"
    assert reasons["X3"].startswith("partenaire hors taxonomie 2024 : « Moulin Digital »")
    assert "jusqu'en 2022" in reasons["X3"]


def test_the_2022_commune_changes_land_in_the_right_canton_and_epci(tmp_path):
    rows = [row("A1", "A1", "10/02/2021", "Mureils", code="26219"),
            row("A2", "A2", "10/02/2021", "Véronne", code="26371"),
            row("B1", "B1", "10/02/2023", "Mureils", code="26219"),
            row("B2", "B2", "10/02/2023", "Véronne", code="26371"),
            row("B3", "B3", "10/02/2023", "Saint-Jean-de-Galaure", code="26216")]
    db = tmp_path / "w.duckdb"
    counts = ingest_paths([write_csv(tmp_path / "e.csv", rows)], db=db)
    assert counts[0].acceptees == len(rows)
    con = duckdb.connect(str(db), read_only=True)
    got = {r[0]: r[1:] for r in con.execute(
        "SELECT id_mission, code_insee, commune, code_canton, siren_epci, code_insee_lu, classe FROM missions").fetchall()}
    con.close()
    communes = {r["code_insee"]: r for r in csv.DictReader((config.REF_DIR / "communes_2026.csv").open(encoding="utf-8"))}
    for mid, code_lu, code in (("B1", "26219", "26216"), ("B2", "26371", "26289"), ("B3", None, "26216")):
        c = communes[code]
        assert got[mid][:5] == (code, c["nom"], c["canton_codes"], c["epci_siren"], code_lu), mid
    assert got["A1"][:2] == ("26219", "Mureils") and got["A2"][:2] == ("26371", "Véronne")   # 2021: COG 2021
    # Saint-Jean-de-Galaure (with Mureils) is past 1 000 inhabitants; La Motte-de-Galaure alone was not
    assert got["B3"][5] == "1 000 à 4 999 hab."
    ref = load_ref()
    assert ref.for_year(2023).communes.height == 362 and ref.for_year(2021).communes.height == 364
