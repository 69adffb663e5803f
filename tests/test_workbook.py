"""The XLSX reader against workbooks built part by part: what Excel, LibreOffice and exporters really
write, and what a damaged or hostile workbook does. Each test states the rule it holds (docs/workbooks.md)."""

from __future__ import annotations

import datetime as dt
import re
import time
import zlib

import duckdb
import pytest

from pipeline import config
from pipeline.ingest.load import ingest_paths
from pipeline.ingest.readers import read_export
from tests.exports import HEADER, row, write_csv
from tests.xlsx_parts import XLSM_MAIN, Err, Sheet, deflate, raw_zip, sheet_xml, write_book, zeros_deflated

CREST = "26108"


def rows(n: int, prefix: str = "W", **kw) -> list[list]:
    return [row(f"{prefix}{i:03d}", f"D{prefix}{i:03d}", dt.date(2021, 3, 1 + i % 28), "Mairie de Crest", CREST, **kw)
            for i in range(n)]


def good_csv(tmp_path):
    return write_csv(tmp_path / "zz-good.csv", rows(3, "G"))


def db_rows(db, sql):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


# --- rows counted from the sheet itself ----------------------------------------------------------------

@pytest.mark.parametrize("inline", [False, True])
def test_understated_dimension_loses_no_row(tmp_path, inline):
    """Excel writes <dimension>; a tool that edits the sheet may leave it stale (A1:N7 for 51 rows)."""
    f = write_book(tmp_path / "dim.xlsx", [Sheet("Missions", [HEADER, *rows(50)], dimension="A1:N7", inline=inline)])
    [c] = ingest_paths([f], db=tmp_path / "w.duckdb")
    assert (c.lignes_lues, c.acceptees, c.refuse) == (50, 50, None)
    assert db_rows(tmp_path / "w.duckdb", "SELECT min(ligne), max(ligne) FROM missions") == [(2, 51)]


def test_huge_declared_range_is_not_walked(tmp_path):
    """A1:XFD1048576 declared, 20 rows used: read in well under a second (openpyxl walked the range)."""
    f = write_book(tmp_path / "huge.xlsx", [Sheet("Missions", [HEADER, *rows(20)], dimension="A1:XFD1048576")])
    t = time.monotonic()
    [c] = ingest_paths([f], db=tmp_path / "w.duckdb")
    assert c.acceptees == 20 and time.monotonic() - t < 10


def test_wide_declared_sheet_with_styled_empty_cells(tmp_path):
    """16 384 columns declared and formatted (empty styled cells up to XFD) on 600 rows: the used
    width is what holds a value (14 columns), so memory stays that of 600 × 14 cells."""
    sheet = Sheet("Missions", [HEADER, *rows(599)], dimension="A1:XFD600", inline=True)
    xml = re.sub(r'<row r="(\d+)"([^>]*)>(.*?)</row>',
                 lambda m: f'<row r="{m[1]}"{m[2]}>{m[3]}<c r="XFC{m[1]}" s="2"/><c r="XFD{m[1]}" s="2"/></row>',
                 sheet_xml(sheet, {}))
    f = write_book(tmp_path / "wide.xlsx", [Sheet("Missions", xml=xml)])
    [sheet] = read_export(f)
    assert sheet.frame.height == 600 and sheet.frame.width == 15       # ligne + 14 cells
    [c] = ingest_paths([f], db=tmp_path / "w.duckdb")
    assert c.acceptees == 599


def test_row_wider_than_header_keeps_its_extra_cells(tmp_path):
    body = [HEADER, *rows(2)]
    body[2] = [*body[2], "cellule en trop", "encore une"]
    f = write_book(tmp_path / "wide-row.xlsx", [Sheet("Missions", body)])
    [c] = ingest_paths([f], db=tmp_path / "w.duckdb")
    assert (c.lignes_lues, c.quarantaine) == (2, 1)     # quarantined: only a quarantined row keeps the row as read
    [(valeurs, raison)] = db_rows(tmp_path / "w.duckdb", "SELECT valeurs, raison FROM quarantine WHERE ligne = 3")
    assert "cellule en trop" in valeurs and "encore une" in valeurs
    assert raison.startswith("ligne plus large que l'en-tête")


def test_title_rows_dates_numbers_and_1904_dates(tmp_path):
    body = [["Export du 12/01/2022"], [], HEADER,
            row("X1", "DX1", dt.date(2021, 4, 1), "Mairie de Crest", int(CREST)),
            row("X2", "DX2", 44287, "Valence", 26362, canton=2617),
            row("X3", "DX3", dt.datetime(2021, 4, 2, 10, 42), "Mairie de Crest", CREST)]
    f = write_book(tmp_path / "dates.xlsx", [Sheet("Missions", body)])
    [sheet] = read_export(f)
    cells = {r[1]: r for r in sheet.frame.rows()}
    assert cells["X1"][3] == "2021-04-01" and cells["X1"][5] == CREST        # date cell, code as number
    assert cells["X2"][3] == "44287"                                         # a plain number stays a number
    assert cells["X3"][3] == "2021-04-02 10:42:00"
    assert sheet.frame["ligne"].to_list() == [1, 3, 4, 5, 6]                   # Excel rows; blank row 2 not data
    f1904 = write_book(tmp_path / "d1904.xlsx", [Sheet("S", [["a", dt.date(2021, 4, 1)]])], date1904=True)
    assert read_export(f1904)[0].frame.row(0)[2] == "2025-04-02"             # same serial, 1904 system


# --- hidden sheets ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_hidden_sheet_with_an_older_copy_does_not_override(tmp_path, state):
    new = [HEADER, row("H1", "DH1", "01/06/2021", "Mairie de Crest", CREST, objet="version actuelle")]
    old = [HEADER, row("H1", "DH1", "01/06/2021", "Mairie de Crest", CREST, objet="ancienne version"),
           row("H2", "DH2", "01/06/2021", "Mairie de Crest", CREST)]
    # the hidden copy comes last: if it were read it would win as the most recent version
    f = write_book(tmp_path / "hidden.xlsx", [Sheet("Missions", new), Sheet("Ancien", old, state=state)])
    counts = ingest_paths([f], db=tmp_path / "w.duckdb")
    assert [(c.feuille, c.acceptees) for c in counts if not c.ignore] == [("Missions", 1)]
    [skipped] = [c for c in counts if c.ignore]
    assert skipped.feuille == "Ancien" and "masquée" in skipped.ignore and not skipped.refuse
    assert db_rows(tmp_path / "w.duckdb", "SELECT id_mission, objet FROM missions") == [("H1", "version actuelle")]
    # the data-quality page and `validate` list the sheet that was not loaded, with why
    logged = db_rows(tmp_path / "w.duckdb", "SELECT feuille, refuse FROM load_log ORDER BY load_id")
    assert logged[0] == ("Ancien", skipped.ignore) and logged[1] == ("Missions", None)
    assert ingest_paths([f], db=tmp_path / "w.duckdb")[0].deja_charge      # reloading changes nothing


def test_only_hidden_sheets_refuses_the_file(tmp_path):
    f = write_book(tmp_path / "all-hidden.xlsx", [Sheet("Missions", [HEADER, *rows(2)], state="hidden")])
    [c] = ingest_paths([f], db=tmp_path / "w.duckdb")
    assert c.refuse == "aucune feuille visible à charger dans le classeur"


# --- Excel error cells ---------------------------------------------------------------------------------------

def test_error_ids_do_not_collapse_and_errors_are_never_names(tmp_path):
    body = [HEADER,
            row(Err("#N/A"), "E1", "01/06/2021", "Mairie de Crest", CREST, objet="première"),
            row(Err("#N/A"), "E2", "02/06/2021", "Mairie de Crest", CREST, objet="deuxième"),
            row(Err("#N/A"), "E3", "03/06/2021", "Mairie de Crest", CREST, objet="troisième"),
            row("E4", "E4", "01/06/2021", Err("#VALUE!"), CREST),
            row("E5", "E5", "01/06/2021", "Mairie de Crest", CREST, theme=Err("#REF!")),
            row("E6", "E6", Err("#DIV/0!"), "Mairie de Crest", CREST),
            row("E7", "E7", "01/06/2021", "Mairie de Crest", CREST, objet=Err("#NAME?")),
            row("E8", "E8", "01/06/2021", "Mairie de Crest", CREST, contact=Err("#N/A"))]   # dropped column
    f = write_book(tmp_path / "errors.xlsx", [Sheet("Missions", body)])
    [c] = ingest_paths([f], db=tmp_path / "w.duckdb")
    assert (c.lignes_lues, c.acceptees, c.quarantaine, c.doublons) == (8, 1, 7, 0)
    q = db_rows(tmp_path / "w.duckdb", "SELECT ligne, raison FROM quarantine ORDER BY ligne")
    assert [line for line, _ in q] == [2, 3, 4, 5, 6, 7, 8]
    assert all("valeur d'erreur Excel" in reason for _, reason in q)
    assert "« #VALUE! » (demandeur)" in q[3][1]
    assert db_rows(tmp_path / "w.duckdb", "SELECT id_mission FROM missions") == [("E8",)]


def test_error_values_in_a_csv_follow_the_same_rule(tmp_path):
    body = [row("#N/A", "C1", "01/06/2021", "Mairie de Crest", CREST),
            row("C2", "C2", "01/06/2021", "#VALEUR!", CREST),
            row("C3", "C3", "01/06/2021", "Mairie de Crest", CREST)]
    [c] = ingest_paths([write_csv(tmp_path / "err.csv", body)], db=tmp_path / "w.duckdb")
    assert (c.acceptees, c.quarantaine) == (1, 2)


# --- damaged and hostile workbooks: refused with a reason, the next file still loads ----------------------

def _billion_laughs() -> str:
    lol = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10)]
    return f'<!DOCTYPE worksheet [{"".join(lol)}]>'


HOSTILE = {
    "billion-laughs": dict(prolog=_billion_laughs(), rows=[["&lol9;"]]),
    "xxe": dict(prolog='<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', rows=[["&xxe;"]]),
}


def _hostile_sheet(kind: str) -> Sheet:
    spec = HOSTILE[kind]
    sheet = Sheet("Missions", [HEADER, *rows(2)], prolog=spec["prolog"])
    sheet.extra_row_xml = '<row r="99"><c r="A99" t="inlineStr"><is><t>' + spec["rows"][0][0] + "</t></is></c></row>"
    return sheet


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_entity_declarations_are_refused(tmp_path, kind):
    f = write_book(tmp_path / f"{kind}.xlsx", [_hostile_sheet(kind)])
    t = time.monotonic()
    counts = ingest_paths([f, good_csv(tmp_path)], db=tmp_path / "w.duckdb")
    assert time.monotonic() - t < 20
    assert counts[0].refuse.startswith("classeur refusé : déclaration DTD ou d'entité XML")
    assert counts[1].acceptees == 3


def test_entity_in_shared_strings_is_refused_too(tmp_path):
    sst = ('<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY e SYSTEM "file:///etc/hostname">]>'
           '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&e;</t></si></sst>')
    f = write_book(tmp_path / "sst.xlsx", [Sheet("Missions", [HEADER, *rows(2)])], replace={"xl/sharedStrings.xml": sst})
    [c] = ingest_paths([f], db=tmp_path / "w.duckdb")
    assert "déclaration DTD" in c.refuse


def test_zip_bomb_is_refused_from_its_declared_size(tmp_path):
    """3 MB of deflated zeros that inflate to 1.1 GB: refused before one byte is inflated."""
    good = write_book(tmp_path / "ok.xlsx", [Sheet("Missions", [HEADER, *rows(2)])])
    import zipfile

    members = []
    with zipfile.ZipFile(good) as zf:
        for info in zf.infolist():
            data = zf.read(info)
            members.append((info.filename, deflate(data), zlib.crc32(data), len(data)))
    size = 1100 << 20
    bomb = zeros_deflated(size)
    members = [m if m[0] != "xl/worksheets/sheet1.xml" else (m[0], bomb, 0, size) for m in members]
    f = raw_zip(tmp_path / "bomb.xlsx", members)
    assert f.stat().st_size < 4 << 20
    t = time.monotonic()
    counts = ingest_paths([f, good_csv(tmp_path)], db=tmp_path / "w.duckdb")
    assert time.monotonic() - t < 10
    assert "bombe de décompression" in counts[0].refuse and "1\u202f100 Mio" in counts[0].refuse
    assert counts[1].acceptees == 3


def test_inflated_bytes_are_counted_while_reading(tmp_path, monkeypatch):
    """A part that lies about its size is still stopped: bytes are counted as they inflate."""
    monkeypatch.setattr(config, "XLSX_MAX_INFLATED", 200_000)
    f = write_book(tmp_path / "big.xlsx", [Sheet("Missions", [HEADER, *rows(2000)])])
    [c] = ingest_paths([f], db=tmp_path / "w.duckdb")
    assert "bombe de décompression" in c.refuse


def test_cells_and_columns_caps(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "XLSX_MAX_CELLS", 500)
    f = write_book(tmp_path / "cells.xlsx", [Sheet("Missions", [HEADER, *rows(100)])])
    [c] = ingest_paths([f], db=tmp_path / "w.duckdb")
    assert "cellules utilisées" in c.refuse
    monkeypatch.setattr(config, "XLSX_MAX_CELLS", 10_000_000)
    body = [HEADER, *rows(3)]
    body[2] = body[2] + [None] * 3000 + ["loin à droite"]
    g = write_book(tmp_path / "cols.xlsx", [Sheet("Missions", body)])
    [c] = ingest_paths([g], db=tmp_path / "w2.duckdb")
    assert "colonne 3015" in c.refuse and f"maximum {config.XLSX_MAX_COLUMNS} colonnes" in c.refuse


def test_time_cap(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "XLSX_MAX_SECONDS", 0.0)
    f = write_book(tmp_path / "slow.xlsx", [Sheet("Missions", [HEADER, *rows(5)])])
    [c] = ingest_paths([f], db=tmp_path / "w.duckdb")
    assert "durée maximale par fichier" in c.refuse


def _corrupt_sheet_stream(path):
    data = bytearray(path.read_bytes())
    start = data.find(b"xl/worksheets/sheet1.xml") + len(b"xl/worksheets/sheet1.xml")
    for i in range(start + 40, start + 80):
        data[i] ^= 0x5A
    path.write_bytes(bytes(data))
    return path


def test_damaged_workbooks_are_refused_and_named(tmp_path):
    ok = [Sheet("Missions", [HEADER, *rows(30)])]
    corrupt = _corrupt_sheet_stream(write_book(tmp_path / "a-corrupt.xlsx", ok))
    truncated = tmp_path / "b-truncated.xlsx"
    truncated.write_bytes(write_book(tmp_path / "full.xlsx", ok).read_bytes()[:700])
    missing = write_book(tmp_path / "c-missing.xlsx", [*ok, Sheet("Suite", [HEADER, *rows(2, "S")])],
                         omit=("xl/worksheets/sheet2.xml",))
    no_sst = write_book(tmp_path / "d-no-sst.xlsx", ok, omit=("xl/sharedStrings.xml",))
    bad_xml = write_book(tmp_path / "e-bad-xml.xlsx", [Sheet("Missions", xml="<worksheet><sheetData><row>")])
    bad_index = write_book(tmp_path / "f-bad-index.xlsx", [Sheet("Missions", xml=(
        '<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>7</v></c></row></sheetData></worksheet>'))])
    no_workbook = write_book(tmp_path / "g-no-workbook.xlsx", ok, omit=("xl/workbook.xml",))
    counts = ingest_paths([corrupt, truncated, missing, no_sst, bad_xml, bad_index, no_workbook, good_csv(tmp_path)],
                          db=tmp_path / "w.duckdb")
    reasons = {c.fichier: c.refuse for c in counts}
    assert "endommagée" in reasons["a-corrupt.xlsx"] or "illisible" in reasons["a-corrupt.xlsx"]
    assert reasons["b-truncated.xlsx"].startswith("classeur XLSX illisible")
    assert reasons["c-missing.xlsx"] == ("classeur XLSX endommagé : feuille « Suite » annoncée mais absente "
                                         "(xl/worksheets/sheet2.xml)")
    assert "table des chaînes partagées annoncée mais absente" in reasons["d-no-sst.xlsx"]
    assert "XML mal formé" in reasons["e-bad-xml.xlsx"]
    assert reasons["f-bad-index.xlsx"] == "classeur XLSX illisible : chaîne partagée n° « 7 » absente (feuille « Missions »)"
    assert reasons["g-no-workbook.xlsx"] == "classeur XLSX endommagé : partie xl/workbook.xml annoncée mais absente"
    assert all("\n" not in r for r in reasons.values() if r)
    assert reasons["zz-good.csv"] is None and counts[-1].acceptees == 3


# --- type by content ------------------------------------------------------------------------------------------

def test_type_is_read_from_content_not_name(tmp_path):
    as_csv = write_book(tmp_path / "export.csv", [Sheet("Missions", [HEADER, *rows(3)])])
    xlsm = write_book(tmp_path / "macro.xlsm", [Sheet("Missions", [HEADER, *rows(2, "M")])], main_type=XLSM_MAIN)
    xls = tmp_path / "vieux.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    ods = tmp_path / "libre.ods"
    import zipfile

    with zipfile.ZipFile(ods, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", "<office:document-content/>")
    text_as_xlsx = write_csv(tmp_path / "texte.xlsx", rows(2, "T"))
    counts = ingest_paths([as_csv, xlsm, xls, ods, text_as_xlsx], db=tmp_path / "w.duckdb")
    by = {c.fichier: c for c in counts}
    assert by["export.csv"].acceptees == 3 and by["macro.xlsm"].acceptees == 2 and by["texte.xlsx"].acceptees == 2
    assert by["export.csv"].feuille == "Missions"
    assert by["vieux.xls"].refuse.startswith("format Excel 97-2003 (.xls)")
    assert by["libre.ods"].refuse.startswith("classeur OpenDocument (.ods) non pris en charge")


def test_folder_scan_reports_what_it_skips(tmp_path):
    from pipeline.ingest.detect import scan

    d = tmp_path / "exports"
    (d / "sous-dossier").mkdir(parents=True)
    write_book(d / "a.xlsx", [Sheet("Missions", [HEADER, *rows(1)])])
    write_book(d / "sous-dossier" / "b.xlsm", [Sheet("Missions", [HEADER, *rows(1)])], main_type=XLSM_MAIN)
    (d / "c.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    (d / "~$a.xlsx").write_bytes(b"lock")
    (d / "notes.pdf").write_bytes(b"%PDF")
    (d / "lisez-moi").write_text("x")
    (d / "d.ods").write_bytes(b"PK")
    s = scan([d])
    assert [f.name for f in s.files] == ["a.xlsx", "c.xls", "d.ods", "b.xlsm"]      # .xls, .ods: refused by content
    skipped = {p.name: why for p, why in s.skipped}
    assert set(skipped) == {"~$a.xlsx", "notes.pdf", "lisez-moi"}
    assert "verrou" in skipped["~$a.xlsx"] and "« .pdf »" in skipped["notes.pdf"]


def test_cell_types_and_prefixed_namespaces(tmp_path):
    """Typed cells as LibreOffice and exporters write them, and a sheet whose elements carry a prefix."""
    typed = ('<worksheet><sheetData><row r="1"><c r="A1" t="d"><v>2021-04-01T00:00:00Z</v></c>'
             '<c r="B1" t="d"><v>2021-04-02T10:42:00</v></c><c r="C1" t="b"><v>1</v></c>'
             '<c r="D1" t="str"><f>A1&amp;""</f><v> formule </v></c><c r="E1"><v>12.5</v></c>'
             '<c r="F1" t="e"><v>#VALEUR!</v></c><c r="G1" s="1"><v>44287</v></c><c r="H1"><v>2.6108E4</v></c>'
             '</row></sheetData></worksheet>')
    prefixed = ('<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>'
                '<x:row><x:c t="inlineStr"><x:is><x:t>sans référence</x:t></x:is></x:c><x:c><x:v>3</x:v></x:c>'
                '</x:row></x:sheetData></x:worksheet>')
    f = write_book(tmp_path / "types.xlsx", [Sheet("Types", xml=typed), Sheet("Préfixe", xml=prefixed)])
    a, b = read_export(f)
    assert a.frame.row(0) == (1, "2021-04-01", "2021-04-02 10:42:00", "TRUE", "formule", "12.5", "#VALEUR!",
                              "2021-04-01", "26108")
    assert b.frame.row(0) == (1, "sans référence", "3")


def test_random_damage_is_a_refusal_never_a_crash(tmp_path):
    """Bytes flipped, cut or repeated anywhere in a real workbook: the reader returns sheets or refuses
    with its own one-line reason; no other exception escapes it (bounded: 300 damaged copies)."""
    import random

    from pipeline.ingest.readers import UnreadableFile

    base = write_book(tmp_path / "base.xlsx", [Sheet("Missions", [HEADER, *rows(40)]),
                                               Sheet("Notes", [["texte"]], state="hidden")]).read_bytes()
    rng = random.Random(7)
    outcomes = {"read": 0, "refused": 0}
    reasons: set[str] = set()
    for i in range(300):
        data = bytearray(base)
        how = i % 3
        if how == 0:
            for _ in range(rng.randint(1, 8)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        elif how == 1:
            data = data[: rng.randrange(len(data))]
        else:
            at = rng.randrange(len(data))
            data[at:at] = data[at: at + rng.randint(1, 200)]
        f = tmp_path / f"damaged-{i}.xlsx"
        f.write_bytes(bytes(data))
        try:
            read_export(f)
            outcomes["read"] += 1
        except UnreadableFile as exc:
            reasons.add(str(exc))
            outcomes["refused"] += 1
    assert outcomes["refused"] > 100
    odd = [r for r in reasons if not r or "\n" in r or not r.startswith(("classeur", "archive", "aucune", "fichier"))]
    assert not odd, odd


def test_same_cells_as_openpyxl_on_a_workbook_openpyxl_wrote(tmp_path):
    """A second, independent reader as reference: on a workbook openpyxl wrote (its own layout: shared
    strings, date styles, a hidden sheet, a formula error), both readers see the same visible cells."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Missions"
    ws.append(HEADER)
    for r in rows(30):
        ws.append(r)
    ws.append(["E1", "E1", dt.datetime(2021, 5, 3, 14, 5), "Mairie de Crest", 26108, None, None, "ENS", "Conseil",
               "CAUE", 12.25, None, None, True])
    ws["A40"] = "=1/0"                                  # openpyxl writes the formula, no cached value
    hidden = wb.create_sheet("Ancien")
    hidden.append(["vieux"])
    hidden.sheet_state = "hidden"
    f = tmp_path / "openpyxl.xlsx"
    wb.save(f)
    ours = read_export(f)
    assert [(s.feuille, s.ignoree is not None) for s in ours] == [("Missions", False), ("Ancien", True)]
    theirs = openpyxl.load_workbook(f, data_only=True)["Missions"]
    expected = []
    for number, values in enumerate(theirs.iter_rows(values_only=True), start=1):
        cells = [None if v is None else (v.date().isoformat() if isinstance(v, dt.datetime) and v.time() == dt.time(0)
                                         else v.isoformat(sep=" ") if isinstance(v, dt.datetime)
                                         else str(v).upper() if isinstance(v, bool) else str(v)) for v in values]
        while cells and cells[-1] is None:
            cells.pop()
        if cells:
            expected.append((number, cells))
    frame = ours[0].frame
    got = [(r[0], list(r[1:])) for r in frame.rows()]
    got = [(n, cells[: max((i + 1 for i, c in enumerate(cells) if c is not None), default=0)]) for n, cells in got]
    assert got == expected
