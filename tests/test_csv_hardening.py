"""Hostile but realistic CSV/text exports (issue 7): nothing may vanish, nothing may be refused falsely.

Each test builds the file the way Excel, LibreOffice or a hand edit really produce it, loads it with the
real ingest into a real DuckDB warehouse, and counts the file a second way (Python's csv module, or the
rows the test wrote) to check that every record is accepted, quarantined or a counted duplicate.
"""

from __future__ import annotations

import csv
import io

import duckdb
import pytest

from pipeline.ingest.load import ingest_paths
from tests.exports import HEADER, row, write_csv

CREST, VALENCE = "26108", "26362"


def rows_n(n: int, objet: str = "Étude", start: int = 1) -> list[list]:
    return [row(f"R{i}", f"D{i}", "15/03/2021", "Mairie de Crest", CREST, objet=f"{objet} {i}")
            for i in range(start, start + n)]


def missions(db) -> dict[str, tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {r[0]: r[1:] for r in con.execute("SELECT id_mission, objet, prestation, demandeur FROM missions").fetchall()}


def quarantine(db) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT ligne, id_mission, raison, valeurs FROM quarantine ORDER BY ligne").fetchall()


def balanced(c) -> bool:
    return c.refuse is None and c.lignes_lues == c.acceptees + c.quarantaine + c.doublons


def test_stray_opening_quote_that_swallows_the_rest_is_refused_with_its_line(tmp_path):
    lines = ["N° mission;N° demande;Date de la demande;Collectivité;Code INSEE;Thématique;Type de prestation;"
             "Partenaire;Objet;Contact"]
    for i in range(1, 21):
        objet = '"Salle des fêtes' if i == 5 else f"Objet {i}"    # an opening quote never closed
        lines.append(f"S{i};D{i};15/03/2021;Mairie de Crest;{CREST};Énergie;Conseil;SDED;{objet};M. Durand {i}")
    f = tmp_path / "stray.csv"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = tmp_path / "w.duckdb"
    [c] = ingest_paths([f], db=db)
    assert c.refuse and c.refuse.startswith("guillemet ouvert ligne 6 et jamais refermé")
    assert missions(db) == {}                                  # nothing half-loaded, no contact in any objet


def test_stray_quote_closed_further_down_swallows_rows_and_is_refused(tmp_path):
    lines = ["N° mission;Date de la demande;Collectivité;Code INSEE;Thématique;Type de prestation;Partenaire;Objet"]
    for i in range(1, 121):
        objet = {7: '"Parking', 67: 'Voirie"'}.get(i, f"Objet {i}")    # 60 rows between two stray quotes
        lines.append(f"S{i};15/03/2021;Mairie de Crest;{CREST};Énergie;Conseil;SDED;{objet}")
    f = tmp_path / "stray2.csv"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    [c] = ingest_paths([f], db=tmp_path / "w.duckdb")
    assert c.refuse == ("ligne 8 : un guillemet ouvre une cellule qui avale les lignes 9 à 68, qui ont l'air de "
                        "lignes de données ; corriger ce guillemet")


def test_multiline_cells_that_are_text_are_still_read(tmp_path):
    rows = rows_n(3)
    rows[1][10] = "Première ligne;\nseconde ligne; avec\n\"guillemets\""
    f = write_csv(tmp_path / "ml.csv", rows)
    db = tmp_path / "w.duckdb"
    [c] = ingest_paths([f], db=db)
    assert (c.lignes_lues, c.acceptees) == (3, 3) and balanced(c)
    assert missions(db)["R2"][0] == "Première ligne;\nseconde ligne; avec\n\"guillemets\""


@pytest.mark.parametrize("title", [False, True])
def test_old_mac_cr_only_line_endings(tmp_path, title):
    f = write_csv(tmp_path / "mac.csv", rows_n(12), newline="\r", encoding="cp1252",
                  title=["Export du 12/01/2022"] if title else None)
    assert b"\n" not in f.read_bytes()
    db = tmp_path / "w.duckdb"
    [c] = ingest_paths([f], db=db)
    assert (c.lignes_lues, c.acceptees, c.refuse) == (12, 12, None)
    with duckdb.connect(str(db), read_only=True) as con:
        lines = dict(con.execute("SELECT id_mission, ligne FROM missions").fetchall())
    assert lines["R1"] == (3 if title else 2) and lines["R12"] == lines["R1"] + 11


def test_row_wider_than_its_header_is_quarantined_with_its_extra_cells(tmp_path):
    text = io.StringIO()
    w = csv.writer(text, delimiter=";", lineterminator="\n")
    w.writerow(HEADER)
    good = row("W1", "D1", "15/03/2021", "Mairie de Crest", CREST)
    wide = [*row("W2", "D2", "15/03/2021", "Mairie de Crest", CREST), "en trop", "aussi"]
    w.writerows([good, wide, [*row("W3", "D3", "15/03/2021", "Mairie de Crest", CREST), "", ""]])
    f = tmp_path / "wide.csv"
    f.write_text(text.getvalue(), encoding="utf-8")
    db = tmp_path / "w.duckdb"
    [c] = ingest_paths([f], db=db)
    assert (c.lignes_lues, c.acceptees, c.quarantaine) == (3, 2, 1) and balanced(c)
    [(ligne, mid, raison, valeurs)] = quarantine(db)
    assert (ligne, mid) == (3, "W2")
    assert raison == "ligne plus large que l'en-tête, cellules en trop : « en trop | aussi »"
    assert "en trop" in valeurs and "aussi" in valeurs            # the row as read keeps them


def test_a_row_far_wider_than_the_head_is_quarantined_not_cut(tmp_path):
    """The ingest stages a CSV while it is still being counted, as wide as its head shows: a record
    much wider, far below the head, must still keep every cell (the file is staged again)."""
    wide = [*row("WIDE", "DW", "15/03/2021", "Mairie de Crest", CREST), *[f"x{i}" for i in range(12)]]
    f = write_csv(tmp_path / "late-wide.csv", [*rows_n(300), wide, *rows_n(5, start=301)])
    db = tmp_path / "w.duckdb"
    [c] = ingest_paths([f], db=db)
    assert (c.lignes_lues, c.acceptees, c.quarantaine) == (306, 305, 1) and balanced(c)
    [(ligne, mid, raison, valeurs)] = quarantine(db)
    assert (ligne, mid) == (302, "WIDE")
    assert raison.endswith("« " + " | ".join(f"x{i}" for i in range(12)) + " »")
    assert "x11" in valeurs


def test_a_load_leaves_no_staging_behind(tmp_path):
    f = write_csv(tmp_path / "e.csv", rows_n(50))
    db = tmp_path / "w.duckdb"
    [c] = ingest_paths([f], db=db)
    assert c.acceptees == 50
    with duckdb.connect(str(db), read_only=True) as con:
        tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    assert tables == {"load_log", "raw_rows", "quarantine", "missions", "conflicts"} | {t for t in tables if t.startswith("ref_")}


def test_utf8_file_with_windows_1252_lines_after_the_first_mib(tmp_path):
    rows = rows_n(6000, objet="Réfection de la toiture de l'église, étude préalable et suivi")
    f = write_csv(tmp_path / "mixed.csv", rows)
    utf8 = f.read_bytes()
    assert len(utf8) > 1 << 20
    tail = io.StringIO()
    csv.writer(tail, delimiter=";", lineterminator="\n").writerow(
        row("X1", "DX", "15/03/2021", "Mairie de Crest", CREST, presta="Maîtrise d'œuvre", objet="Coût 1 000 €"))
    f.write_bytes(utf8 + tail.getvalue().encode("cp1252"))   # pasted from a Windows-1252 file
    db = tmp_path / "w.duckdb"
    [c] = ingest_paths([f], db=db)
    assert (c.lignes_lues, c.acceptees, c.refuse) == (6001, 6001, None)
    m = missions(db)
    assert m["X1"][:2] == ("Coût 1 000 €", "Maîtrise d'œuvre") and m["R1"][0].startswith("Réfection de la toiture")


def test_a_lone_cr_after_the_first_mib_is_a_line_end(tmp_path):
    """A CRLF export with one lone CR far below its head (a cell edited on an old Mac): the file is
    read as if it had none until the count sees it; then it is transcoded and read again."""
    f = write_csv(tmp_path / "cr.csv", [*rows_n(6000, objet="Réfection de la toiture de l'église, étude préalable"),
                                        row("Z1", "DZ", "15/03/2021", "Mairie de Crest", CREST, objet="avant\rapres")],
                  newline="\r\n")
    assert len(f.read_bytes()) > 1 << 20 and f.read_bytes().count(b"\r") == f.read_bytes().count(b"\r\n") + 1
    db = tmp_path / "w.duckdb"
    [c] = ingest_paths([f], db=db)
    assert (c.lignes_lues, c.acceptees) == (6001, 6001) and balanced(c)
    assert missions(db)["Z1"][0] == "avant\napres"


def test_excel_unicode_text_export_utf16_tab_separated(tmp_path):
    rows = rows_n(4, objet="Maîtrise d'œuvre – église")
    text = io.StringIO()
    w = csv.writer(text, delimiter="\t", lineterminator="\r\n")
    w.writerow(HEADER)
    w.writerows(rows)
    f = tmp_path / "unicode.txt"
    f.write_bytes(text.getvalue().encode("utf-16"))           # what Excel's "Texte Unicode" writes: BOM + UTF-16LE
    assert f.read_bytes()[:2] == b"\xff\xfe"
    db = tmp_path / "w.duckdb"
    [c] = ingest_paths([f], db=db)
    assert (c.lignes_lues, c.acceptees, c.refuse) == (4, 4, None)
    assert missions(db)["R3"][0] == "Maîtrise d'œuvre – église 3"


def test_excel_error_values_are_never_data(tmp_path):
    rows = [row("#N/A", "D1", "15/03/2021", "Mairie de Crest", CREST, objet="Toiture"),
            row("#N/A", "D2", "16/03/2021", "Mairie de Crest", CREST, objet="Voirie"),
            row("#N/A", "D3", "17/03/2021", "Ville de Valence", VALENCE, canton="Valence 2", objet="École"),
            row("E4", "D4", "15/03/2021", "#VALUE!", CREST),
            row("E5", "D5", "15/03/2021", "Mairie de Crest", CREST, objet="#REF!"),
            row("E6", "#NOM?", "15/03/2021", "Mairie de Crest", CREST),
            row("E7", "D7", "15/03/2021", "Mairie de Crest", CREST)]
    db = tmp_path / "w.duckdb"
    [c] = ingest_paths([write_csv(tmp_path / "errors.csv", rows)], db=db)
    assert (c.lignes_lues, c.acceptees, c.quarantaine, c.doublons) == (7, 1, 6, 0) and balanced(c)
    q = quarantine(db)
    assert [r[1] for r in q] == ["#N/A", "#N/A", "#N/A", "E4", "E5", "E6"]   # three missions, not collapsed into one
    assert all("valeur d'erreur Excel « #N/A » (id_mission)" in r[2] for r in q[:3])
    assert "valeur d'erreur Excel « #VALUE! » (demandeur)" in q[3][2]        # not a name
    assert "« #REF! » (objet)" in q[4][2] and "« #NOM? » (id_demande)" in q[5][2]
    assert set(missions(db)) == {"E7"}


def test_text_after_a_closing_quote_is_read_as_excel_reads_it(tmp_path):
    lines = ["N° mission;Date de la demande;Collectivité;Code INSEE;Thématique;Type de prestation;Partenaire;Objet",
             f'Q1;15/03/2021;Mairie de Crest;{CREST};Énergie;Conseil;SDED;"Salle" des fêtes',
             f"Q2;15/03/2021;Mairie de Crest;{CREST};Énergie;Conseil;SDED;Salle \"A\" et B"]
    f = tmp_path / "quotes.csv"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = tmp_path / "w.duckdb"
    [c] = ingest_paths([f], db=db)
    assert (c.lignes_lues, c.acceptees) == (2, 2) and balanced(c)
    m = missions(db)
    assert (m["Q1"][0], m["Q2"][0]) == ("Salle des fêtes", 'Salle "A" et B')   # as Python's csv and Excel read them
