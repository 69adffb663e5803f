"""Downloads a data portal and a spreadsheet user both accept: no live formula, no example from export
text, a valid Frictionless Data Package, and a workbook in French read back with openpyxl."""

from __future__ import annotations

import csv
import datetime as dt
import json

import openpyxl
import polars as pl
import pytest

from pipeline.api import open_warehouse
from pipeline.publish import write_tables

# OWASP "CSV injection" payloads as they could be typed in an export's free-text field.
PAYLOADS = ['=HYPERLINK("http://example.org/x","clic")', "+1+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0",
            "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1", " =1+1"]
HARMLESS = ["Réfection de l'école", "a=b", "2 + 2"]


@pytest.fixture(scope="module")
def hostile(small_warehouse, tmp_path_factory):
    """The small warehouse's tables, with a quarantine whose cells and one header carry formulas."""
    out = tmp_path_factory.mktemp("hostile")
    values = [{"Objet": p, "Commune": "26999", "=cmd|x": "y"} for p in PAYLOADS + HARMLESS]
    quarantine = pl.DataFrame({
        "fichier": ["=export.csv"] * len(values), "ligne": list(range(2, 2 + len(values))),
        "raison": ["commune inconnue"] * len(values), "feuille": [None] * len(values),
        "valeurs": [json.dumps(v) for v in values]})
    with open_warehouse(small_warehouse) as wh:
        tables = wh.breakdowns(2021)
    write_tables(tables, out, 2021, quarantine=quarantine, edited=dt.date(2022, 3, 15))
    return out / "tables", tables


def rows(path, **kw):
    with open(path, encoding=kw.pop("encoding", "utf-8"), newline="") as f:
        return list(csv.DictReader(f, **kw))


def is_inert(text: str) -> bool:
    """What a spreadsheet shows as text: nothing that starts (after spaces) with = + - @ tab CR."""
    return not text.lstrip(" ").startswith(("=", "+", "-", "@", "\t", "\r"))


def test_csv_neutralises_formulas(hostile):
    folder, _ = hostile
    read = rows(folder / "quarantine.csv")
    assert [r["Objet"] for r in read] == ["'" + p for p in PAYLOADS] + HARMLESS
    assert all(r["fichier"] == "'=export.csv" for r in read)
    for r in read:
        assert all(is_inert(v) for v in r.values())
    assert "'=cmd|x" in read[0]              # a header read from the export is published inert too


def test_excel_csv_is_semicolon_bom_and_inert(hostile):
    folder, tables = hostile
    raw = (folder / "excel" / "by_canton-excel.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    read = rows(folder / "excel" / "by_canton-excel.csv", encoding="utf-8-sig", delimiter=";")
    assert list(read[0]) == tables["by_canton"].columns
    assert [r["canton"] for r in read] == tables["by_canton"]["canton"].to_list()
    q = rows(folder / "excel" / "quarantine-excel.csv", encoding="utf-8-sig", delimiter=";")
    assert [r["Objet"] for r in q] == ["'" + p for p in PAYLOADS] + HARMLESS


def test_schema_has_no_example_from_export_text(hostile):
    folder, _ = hostile
    text = (folder / "quarantine.schema.json").read_text(encoding="utf-8")
    assert "example" not in text and "HYPERLINK" not in text
    by_canton = json.loads((folder / "by_canton.schema.json").read_text(encoding="utf-8"))
    assert all("title" in f for f in by_canton["fields"])


@pytest.fixture(scope="module")
def workbook(hostile):
    folder, _ = hostile
    return openpyxl.load_workbook(folder / "bilan-2021.xlsx")


def test_xlsx_has_no_formula_cell(workbook):
    cells = [c for ws in workbook.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert cells and not [c.coordinate for c in cells if c.data_type == "f"]
    q = workbook["Lignes en quarantaine"]
    header = [c.value for c in q[1]]
    objet = header.index("Objet")
    # openpyxl leaves OOXML's escape of a carriage return (_x000D_) as it is; Excel decodes it
    stored = [q.cell(row=i, column=objet + 1).value.replace("_x000D_", "\r")
              for i in range(2, 2 + len(PAYLOADS) + len(HARMLESS))]
    assert stored == PAYLOADS + HARMLESS      # the text itself, kept as text (a string cell)
    assert all(q.cell(row=i, column=objet + 1).data_type == "s" for i in range(2, 2 + len(PAYLOADS)))


def test_xlsx_french_sheets_formats_and_tables(workbook, hostile):
    _, tables = hostile
    assert workbook.sheetnames[0] == "À lire"
    assert workbook.sheetnames[1:4] == ["Chiffres clés", "Par domaine", "Par thématique"]
    ws = workbook["Par domaine"]
    assert [c.value for c in ws[1]] == ["Domaine", "Missions", "Part (%)"]
    pct = [ws.cell(row=i, column=3) for i in range(2, ws.max_row + 1)]
    assert {c.number_format for c in pct} == {"0 %"}
    assert [c.value for c in pct] == pytest.approx([p / 100 for p in tables["by_domaine"]["pct"]])
    assert {ws.cell(row=i, column=2).number_format for i in range(2, ws.max_row + 1)} == {"#,##0"}
    summary = workbook["Chiffres clés"]
    formats = {summary.cell(row=i, column=1).value: summary.cell(row=i, column=2).number_format
               for i in range(2, summary.max_row + 1)}
    assert formats["annee"] == "0" and formats["demandes"] == "#,##0" and formats["part_cd26_pct"] == "0 %"
    names = [name for sheet in workbook.worksheets for name in sheet.tables]
    assert len(names) == len(workbook.sheetnames) - 1
    assert not [n for n in names if n.startswith("Frame")] and "ParCanton" in names


def test_xlsx_readme_sheet_and_properties(workbook):
    text = "\n".join(str(c.value) for row in workbook["À lire"].iter_rows() for c in row if c.value)
    for expected in ("Bilan 2021 de l'ingénierie publique", "Département de la Drôme", "Licence Ouverte",
                     "15/03/2022", "arrondie", "Par canton", "Lignes en quarantaine", "Insee"):
        assert expected in text, expected
    assert workbook.properties.title == "Bilan 2021 de l'ingénierie publique"
    assert workbook.properties.creator == "Département de la Drôme"


def test_datapackage_is_valid_frictionless(hostile):
    frictionless = pytest.importorskip("frictionless")
    folder, _ = hostile
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert package["licenses"][0]["name"] == "etalab-2.0"
    assert "Licence Ouverte" in package["licenses"][0]["title"] and package["licenses"][0]["path"]
    assert package["sources"] and "2021" in package["title"]
    assert {r["path"] for r in package["resources"]} == {p.name for p in folder.glob("*.csv")}
    report = frictionless.validate(folder / "datapackage.json")
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])
