"""Published files: CSV headers are the contract's, the workbook holds numbers, schemas match CSVs."""

from __future__ import annotations

import csv
import json

import polars as pl
import pytest

from conftest import CONTRACT_COLUMNS
from pipeline.api import open_warehouse
from pipeline.publish import write_tables


@pytest.fixture(scope="module")
def published(small_warehouse, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    with open_warehouse(small_warehouse) as wh:
        tables = wh.breakdowns(2020)            # first loaded year: evolution is empty
        paths = write_tables(tables, out, 2020, quarantine=wh.quarantine(2020))
    return out / "tables", tables, paths


def header(path):
    with open(path, encoding="utf-8", newline="") as f:
        return next(csv.reader(f))


def test_files(published):
    folder, tables, paths = published
    names = [*tables, "quarantine"]
    expected = {folder / f"{n}.csv" for n in names} | {folder / f"{n}.schema.json" for n in names}
    expected |= {folder / "excel" / f"{n}-excel.csv" for n in names}
    assert set(paths) == expected | {folder / "bilan-2020.xlsx", folder / "datapackage.json"}
    assert all(p.exists() for p in paths)


def test_csv_headers_are_the_contract(published):
    folder, _, _ = published
    for name, cols in CONTRACT_COLUMNS.items():
        assert header(folder / f"{name}.csv") == cols, name
    assert header(folder / "by_commune.csv") == ["code_insee", "commune", "code_canton", "canton", "classe",
                                                 "population", "demandes", "missions"]


def test_csv_content(published):
    folder, _, _ = published
    with open(folder / "summary.csv", encoding="utf-8", newline="") as f:
        rows = dict(csv.reader(f))
    assert rows["annee"] == "2020" and rows["demandes"] == "8" and rows["evolution_demandes_pct"] == ""
    text = (folder / "by_prestation.csv").read_text(encoding="utf-8")
    assert "Maîtrise d'œuvre" in text and ";" not in text


def test_quarantine_csv(published):
    folder, _, _ = published
    with open(folder / "quarantine.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0])[:3] == ["fichier", "ligne", "raison"]
    assert [(r["fichier"], r["ligne"], r["raison"]) for r in rows] == [
        ("export_2020.csv", "11", "commune inconnue"), ("export_2021.csv", "19", "date illisible")]
    assert rows[0]["Code INSEE"] == "26999" and rows[1]["Date"] == "31/02/2021"
    assert "@" not in rows[1]["Objet"]                        # personal data redacted


FRENCH_SHEETS = {
    "summary": "Chiffres clés", "by_domaine": "Par domaine", "by_thematique": "Par thématique",
    "by_prestation": "Par prestation", "by_partenaire": "Par partenaire", "by_taille": "Par taille de commune",
    "by_canton": "Par canton", "canton_thematique": "Cantons et thématiques",
    "canton_prestation": "Cantons et prestations", "by_epci": "Par EPCI",
    "domaine_prestation": "Domaines et prestations", "by_commune": "Par commune", "trends": "Évolution",
    "trends_domaine": "Évolution par domaine"}


def test_xlsx_sheets_hold_numbers(published):
    """Read back by an independent reader (calamine): French sheets, numbers stored as numbers."""
    folder, tables, _ = published
    sheets = pl.read_excel(folder / "bilan-2020.xlsx", sheet_id=0)
    assert list(sheets) == ["À lire", *(FRENCH_SHEETS[n] for n in tables), "Lignes en quarantaine"]
    by_canton = sheets["Par canton"]
    assert by_canton.columns == ["Code du canton", "Canton", "Communes concernées", "Demandes", "Missions"]
    assert by_canton["Demandes"].dtype.is_numeric()
    assert by_canton["Demandes"].to_list() == tables["by_canton"]["demandes"].to_list()
    domaines = sheets["Par domaine"]
    assert domaines.columns == ["Domaine", "Missions", "Part (%)"]
    # shares as fractions: the CSV's whole percents / 100, summing to 1
    assert domaines["Part (%)"].to_list() == pytest.approx([p / 100 for p in tables["by_domaine"]["pct"]])
    assert sum(domaines["Part (%)"]) == pytest.approx(1.0)
    assert sheets["Chiffres clés"]["Valeur"].dtype.is_numeric()


def test_table_schemas(published):
    folder, _, _ = published
    for path in folder.glob("*.schema.json"):
        schema = json.loads(path.read_text(encoding="utf-8"))
        name = path.name.removesuffix(".schema.json")
        assert schema["name"] == name and schema["description"] and schema["title"]
        assert [f["name"] for f in schema["fields"]] == header(folder / f"{name}.csv"), name
        for f in schema["fields"]:
            assert f["type"] in {"string", "integer", "number", "date", "boolean"}
            assert f["title"] and f["description"]
        for key in schema.get("primaryKey", []):
            assert key in [f["name"] for f in schema["fields"]]
    fields = {f["name"]: f for f in json.loads((folder / "by_canton.schema.json").read_text())["fields"]}
    assert fields["code_canton"]["type"] == "string" and fields["demandes"]["type"] == "integer"
