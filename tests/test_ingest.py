"""Ingest: every file form of docs/spec/export-format.md, every bad input, reconciliation, reloads."""

from __future__ import annotations

import datetime as dt
import json

import duckdb
import pytest

from pipeline.ingest.load import ingest_paths
from tests.exports import HEADER, row, write_csv, write_xlsx

CREST, VALENCE, MONTELIMAR, ROMANS = "26108", "26362", "26198", "26281"


def missions(db):
    with duckdb.connect(str(db), read_only=True) as con:
        return {r[0]: r for r in con.execute(
            "SELECT id_mission, id_demande, date_demande, demandeur_type, code_insee, code_canton, thematique, "
            "prestation, partenaire, objet, siren_epci FROM missions").fetchall()}


def quarantine(db):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT fichier, ligne, id_mission, raison FROM quarantine ORDER BY ligne").fetchall()


def reconciles(c):
    return c.lignes_lues == c.acceptees + c.quarantaine + c.doublons


BASIC = [
    row("M1", "D1", "15/03/2021", "Mairie de Crest", CREST, objet='Site "web"; avec\nsaut de ligne & <b>'),
    row("M2", "D1", "2021-03-16", "Mairie de Crest", CREST, theme="ÉNERGIE", partner="SDED", presta="AMO"),
    row("M3", "D2", "17/03/2021 10:42", "Ville de Valence", VALENCE, canton="Valence II",
        theme="Archives départementales", presta="Maîtrise d'œuvre (MOe)", partner="Archives départementales"),
]


@pytest.mark.parametrize(("encoding", "sep", "newline"), [
    ("utf-8", ";", "\n"), ("utf-8-bom", ",", "\r\n"), ("cp1252", "\t", "\r\n"), ("cp1252", ";", "\n"),
])
def test_csv_forms(tmp_path, encoding, sep, newline):
    f = write_csv(tmp_path / "export.csv", BASIC, encoding=encoding, sep=sep, newline=newline,
                  title=["Export du 12/01/2022", ""])
    [c] = ingest_paths([f], db=tmp_path / "w.duckdb")
    assert (c.lignes_lues, c.acceptees, c.quarantaine, c.doublons, c.refuse) == (3, 3, 0, 0, None)
    m = missions(tmp_path / "w.duckdb")
    assert m["M1"][9] == 'Site "web"; avec\nsaut de ligne & <b>'       # quoted separator and line break
    assert m["M1"][2] == dt.date(2021, 3, 15) and m["M3"][2] == dt.date(2021, 3, 17)
    assert m["M3"][7] == "Maîtrise d'œuvre"                             # œ survives Windows-1252
    assert m["M3"][5] == "2616" and m["M1"][5] == "2602"
    assert m["M2"][8] == "SDED - Territoire d'énergie Drôme" and m["M2"][7] == "Assistance à maîtrise d'ouvrage"
    if encoding == "cp1252":
        assert b"\x9c" in f.read_bytes()                                 # really cp1252, not latin-1


def test_xlsx_sheets_title_rows_dates_and_numeric_codes(tmp_path):
    rows1 = [row("X1", "DX1", dt.date(2021, 4, 1), "Mairie de Crest", int(CREST)),
             row("X2", "DX2", 44287, "Valence", int(VALENCE), canton=2617)]     # serial date, canton code as number
    rows2 = [row("X3", "DX3", "01/04/2021", "CC du Diois", siren="242 600 534", theme="ENS", partner="CAUE")]
    f = write_xlsx(tmp_path / "export.xlsx", {"Commune": (HEADER, rows1), "EPCI": (HEADER, rows2),
                                              "Notes": (["Remarque"], [])})
    counts = ingest_paths([f], db=tmp_path / "w.duckdb")
    assert [(c.feuille, c.lignes_lues, c.acceptees) for c in counts] == [("Commune", 2, 2), ("EPCI", 1, 1)]
    m = missions(tmp_path / "w.duckdb")
    assert m["X1"][2] == dt.date(2021, 4, 1) and m["X2"][2] == dt.date(2021, 4, 1)   # 44287 = 2021-04-01
    assert m["X2"][4] == VALENCE and m["X2"][5] == "2617"
    assert m["X3"][3] == "epci" and m["X3"][10] == "242600534" and m["X3"][5] is None
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        lines = dict(con.execute("SELECT id_mission, ligne FROM missions").fetchall())
    assert lines == {"X1": 4, "X2": 5, "X3": 4}                          # Excel row numbers under 2 title rows


def test_bad_rows_are_quarantined_with_reason_and_reconcile(tmp_path):
    rows = [
        *BASIC,
        row("B1", "E1", "12/05/2021", "Commune inconnue", "26999"),
        row("B2", "E2", "12/05/2021", "Mairie de Crest", CREST, theme="Astronomie"),
        row("B3", "E3", "12/05/2021", "Mairie de Crest", CREST, presta="Coaching"),
        row("B4", "E4", "12/05/2021", "Mairie de Crest", CREST, partner="Inconnu SA"),
        row("B5", "E5", "32/13/2021", "Mairie de Crest", CREST),
        row("B6", "E6", "12/05/2021", "Ville de Valence", VALENCE),                   # split commune, no canton
        row("B7", "E7", "12/05/2021", "Montélimar", MONTELIMAR, canton="Crest"),      # canton not the commune's
        row("", "E8", "12/05/2021", "Mairie de Crest", CREST),
    ]
    f = write_csv(tmp_path / "bad.csv", rows)
    [c] = ingest_paths([f], db=tmp_path / "w.duckdb")
    assert (c.lignes_lues, c.acceptees, c.quarantaine, c.doublons) == (11, 3, 8, 0) and reconciles(c)
    q = {r[2]: (r[1], r[3]) for r in quarantine(tmp_path / "w.duckdb")}
    assert q["B1"][1] == "code commune inconnu : 26999"
    assert q["B2"][1] == "thématique inconnue : « Astronomie »"
    assert q["B3"][1].startswith("prestation inconnue") and q["B4"][1].startswith("partenaire inconnu")
    assert q["B5"][1] == "date illisible : « 32/13/2021 »"
    assert q["B6"][1].startswith("canton absent ou inconnu pour une commune partagée entre cantons : Valence")
    assert q["B7"][1].startswith("canton incohérent avec la commune : Montélimar")
    assert q[None][1] == "identifiant de mission manquant"
    # line numbers are physical lines: header is line 1, M1 spans lines 2-3 (embedded line break)
    assert q["B1"][0] == 6 and q[None][0] == 13


def test_split_communes_and_pre_merger_codes(tmp_path):
    rows = [
        row("S1", "T1", "01/06/2021", "Valence", VALENCE, canton="VALENCE-4"),
        row("S2", "T2", "01/06/2021", "Valence", VALENCE, canton="2615"),
        row("S3", "T3", "01/06/2021", "Montélimar", MONTELIMAR, canton="Montélimar 2"),
        row("S4", "T4", "01/06/2021", "Romans", ROMANS, canton="Bourg-de-Péage"),
        row("P1", "T5", "01/06/2021", "Miribel", "26184"),          # commune déléguée of Valherbasse (26210)
        row("P2", "T6", "01/06/2021", "Mureils", "26219"),          # a commune in 2021, merged in 2022
        row("P3", "T7", "01/06/2026", "Mureils", "26219"),          # in 2026: Saint-Jean-de-Galaure 26216
        row("P4", "T8", "01/06/2021", "Crest", "26 108"),           # code with a space
    ]
    [c] = ingest_paths([write_csv(tmp_path / "geo.csv", rows)], db=tmp_path / "w.duckdb")
    assert c.acceptees == 8, quarantine(tmp_path / "w.duckdb")
    m = missions(tmp_path / "w.duckdb")
    assert [m[k][5] for k in ("S1", "S2", "S3", "S4")] == ["2618", "2615", "2609", "2601"]
    assert m["P1"][4] == "26210" and m["P1"][5] == "2605"
    assert m["P2"][4] == "26219" and m["P3"][4] == "26216" and m["P3"][5] == "2612"
    assert m["P4"][4] == CREST


def test_demandeur_type_derived_from_codes(tmp_path):
    rows = [row("T1", "U1", "01/06/2021", "CA Valence Romans Agglo", siren="200068781"),
            row("T2", "U2", "01/06/2021", "Syndicat des eaux du Diois", siren="251234567"),
            row("T3", "U3", "01/06/2021", "Mairie de Crest", CREST),
            row("T4", "U4", "01/06/2021", "Association inconnue")]
    [c] = ingest_paths([write_csv(tmp_path / "types.csv", rows)], db=tmp_path / "w.duckdb")
    m = missions(tmp_path / "w.duckdb")
    assert (m["T1"][3], m["T2"][3], m["T3"][3]) == ("epci", "syndicat", "commune")
    assert c.quarantaine == 1 and "type de demandeur indéterminable" in quarantine(tmp_path / "w.duckdb")[0][3]


def test_reload_is_idempotent_duplicates_and_conflicts(tmp_path):
    db = tmp_path / "w.duckdb"
    first = write_csv(tmp_path / "partenaire-a.csv", BASIC)
    [c1] = ingest_paths([first], db=db)
    before = missions(db)
    [again] = ingest_paths([first], db=db)                       # the same bytes: nothing changes
    assert again.deja_charge and missions(db) == before
    # an overlapping export: M1, M2 identical (duplicates), M3 corrected (conflict), M4 new
    corrected = [BASIC[0], BASIC[1], row(*BASIC[2][:10], objet="corrigé"), row("M4", "D3", "01/07/2021", "Crest", CREST)]
    [c2] = ingest_paths([write_csv(tmp_path / "partenaire-b.csv", corrected)], db=db)
    assert (c2.lignes_lues, c2.acceptees, c2.quarantaine, c2.doublons, c2.conflits) == (4, 2, 0, 2, 1)
    assert reconciles(c1) and reconciles(c2)
    m = missions(db)
    assert len(m) == 4 and m["M3"][9] == "corrigé"
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM load_log").fetchall()[0][0] == 2
        assert con.execute("SELECT ancien_fichier, nouveau_fichier FROM conflicts").fetchall() == [
            ("partenaire-a.csv", "partenaire-b.csv")]


def test_a_warehouse_from_before_still_tells_duplicates_from_conflicts(tmp_path):
    """A warehouse written when every mission stored its content hash (NOT NULL): it opens, and two
    versions are compared on their content, whatever hash the old row holds."""
    db = tmp_path / "w.duckdb"
    ingest_paths([write_csv(tmp_path / "partenaire-a.csv", BASIC)], db=db)
    with duckdb.connect(str(db)) as con:
        con.execute("UPDATE missions SET content_hash = 'ancien-' || id_mission")
        con.execute("ALTER TABLE missions ALTER COLUMN content_hash SET NOT NULL")
    corrected = [BASIC[0], BASIC[1], row(*BASIC[2][:10], objet="corrigé"), row("M4", "D3", "01/07/2021", "Crest", CREST)]
    [c] = ingest_paths([write_csv(tmp_path / "partenaire-b.csv", corrected)], db=db)
    assert (c.lignes_lues, c.acceptees, c.doublons, c.conflits) == (4, 2, 2, 1)
    assert missions(db)["M3"][9] == "corrigé" and len(missions(db)) == 4


def test_duplicate_inside_one_file(tmp_path):
    rows = [*BASIC, BASIC[0]]
    [c] = ingest_paths([write_csv(tmp_path / "dup.csv", rows)], db=tmp_path / "w.duckdb")
    assert (c.lignes_lues, c.acceptees, c.doublons) == (4, 3, 1)


def test_personal_data_never_reaches_the_warehouse(tmp_path):
    rows = [row("C1", "V1", "01/06/2021", "Mairie de Crest", CREST,
                objet="Rappeler M. Durand au 06 12 34 56 78 ou durand@crest.fr",
                contact="M. Durand", email="durand@crest.fr", tel="04 75 00 11 22")]
    rows.append(row("C2", "V1", "01/06/2021", "Mairie de Crest", CREST, theme="Inconnue",   # quarantined: kept as read
                    objet="Rappeler M. Durand au 06 12 34 56 78 ou durand@crest.fr",
                    contact="M. Durand", email="durand@crest.fr", tel="04 75 00 11 22"))
    header = [*HEADER, "Nom de l'élu", "Observations"]
    for r in rows:
        r += ["Mme Élue", "joindre +33 4 75 00 11 22 / elu@crest.fr"]
    db = tmp_path / "w.duckdb"
    ingest_paths([write_csv(tmp_path / "perso.csv", rows, header=header)], db=db)
    with duckdb.connect(str(db), read_only=True) as con:
        dump = json.dumps([con.execute(f"SELECT * FROM {t}").fetchall()
                           for t in ("missions", "raw_rows", "quarantine", "load_log")], default=str)
    for secret in ("durand@crest.fr", "06 12 34 56 78", "04 75 00 11 22", "elu@crest.fr", "Mme Élue", "M. Durand\""):
        assert secret not in dump
    assert "Observations" in dump                                # other columns are kept (row as read), redacted


@pytest.mark.parametrize(("content", "reason"), [
    (b"", "fichier vide"),
    (b"\x00\x01\x02binary\x00", "fichier binaire"),
    (b"Nom;Valeur\nA;1\n", "aucune ligne d'en-tête reconnue"),
    ("N° mission;Collectivité;Thématique\nM1;Crest;ÉNERGIE\n".encode(), "colonnes obligatoires absentes ligne 1"),
    (b"PK\x03\x04broken zip", "classeur XLSX illisible"),
])
def test_refused_files_load_nothing_and_others_still_load(tmp_path, content, reason):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(content)
    good = write_csv(tmp_path / "good.csv", BASIC)
    counts = ingest_paths([bad, good], db=tmp_path / "w.duckdb")
    assert counts[0].refuse and counts[0].refuse.startswith(reason)
    assert counts[1].acceptees == 3 and len(missions(tmp_path / "w.duckdb")) == 3


def test_personal_data_in_a_coded_column_is_redacted_too(tmp_path):
    rows = [row("C2", "V2", "01/06/2021", "Mairie de Crest", CREST, theme="durand@crest.fr")]
    db = tmp_path / "w.duckdb"
    [c] = ingest_paths([write_csv(tmp_path / "stray.csv", rows)], db=db)
    assert c.quarantaine == 1
    with duckdb.connect(str(db), read_only=True) as con:
        dump = str([con.execute(f"SELECT * FROM {t}").fetchall() for t in ("raw_rows", "quarantine")])
    assert "durand@crest.fr" not in dump


def test_workbook_notes_sheet_is_skipped_but_a_broken_table_sheet_is_refused(tmp_path):
    notes = (["Notes"], [["Export fait à la main"], ["Vérifier les doublons"], ["Contacter le service"]])
    ok = (HEADER, [row("W1", "DW1", "01/06/2021", "Mairie de Crest", CREST)])
    f = write_xlsx(tmp_path / "notes.xlsx", {"Missions": ok, "Notes": notes})
    counts = ingest_paths([f], db=tmp_path / "w.duckdb")
    assert [(c.feuille, c.acceptees, c.refuse) for c in counts] == [("Missions", 1, None)]
    broken = (["N° mission", "Collectivité", "Thématique"], [["W2", "Crest", "Énergie"]])
    g = write_xlsx(tmp_path / "broken.xlsx", {"Missions": ok, "Incomplet": broken})
    counts = ingest_paths([g], db=tmp_path / "w2.duckdb")
    assert counts[0].feuille == "Incomplet" and counts[0].refuse.startswith("colonnes obligatoires absentes")
    assert counts[1].acceptees == 1


def test_remarks_are_kept_as_warnings_on_accepted_missions(tmp_path):
    rows = [row("R1", "Q1", "01/06/2021", "Miribel", "26184"),
            row("R2", "Q2", "01/06/2021", "Crest", CREST, canton="Valence 1")]
    header = [*HEADER, "Domaine"]
    rows[0] += [""]
    rows[1] += ["Santé"]                     # the thématique (Numérique - Démat) says Numérique
    db = tmp_path / "w.duckdb"
    [c] = ingest_paths([write_csv(tmp_path / "remarks.csv", rows, header=header)], db=db)
    assert c.acceptees == 2
    from pipeline.api import open_warehouse

    with open_warehouse(db) as wh:
        w = dict(wh.warnings(2021).select("id_mission", "avertissement").iter_rows())
    assert w["R1"] == "ancien code commune rattaché : 26184 → 26210 (Valherbasse)"
    assert "domaine de l'export ignoré : « Santé », la thématique relève de Numérique" in w["R2"]
    assert "canton de l'export ignoré : « Valence 1 », la commune est dans le canton Crest" in w["R2"]


def test_spaces_around_coded_values_are_not_data(tmp_path):
    """Spaces (and non-breaking spaces) around a code, a date or a label are not part of it; a field
    holding only spaces is missing; a reason quotes the value without its spaces, and so does the
    row as read."""
    nb = "\u00a0"
    rows = [
        row("M1", "D1", f" 15/03/2021{nb}", "Mairie de Crest", f"{nb}{CREST} ", theme=" ÉNERGIE ",
            presta=f"{nb}Conseil", partner=" SDED "),
        row("M2", "D2", "   ", "Mairie de Crest", CREST),
        row("M3", "D3", " 32/13/2021 ", "Mairie de Crest", CREST, theme=f" {nb} "),
    ]
    db = tmp_path / "w.duckdb"
    [c] = ingest_paths([write_csv(tmp_path / "espaces.csv", rows)], db=db)
    assert (c.lignes_lues, c.acceptees, c.quarantaine) == (3, 1, 2)
    m = missions(db)["M1"]
    assert (m[2], m[4], m[6], m[7], m[8]) == (dt.date(2021, 3, 15), CREST, "Énergie", "Conseil", "SDED - Territoire d'énergie Drôme")
    with duckdb.connect(str(db), read_only=True) as con:
        reasons = dict(con.execute("SELECT id_mission, raison FROM quarantine").fetchall())
        valeurs = json.loads(con.execute("SELECT valeurs FROM quarantine WHERE id_mission = 'M3'").fetchall()[0][0])
    assert reasons["M2"] == "date de la demande manquante"
    assert reasons["M3"] == "date illisible : « 32/13/2021 »; thématique manquante"
    assert valeurs["Date de la demande"] == "32/13/2021" and valeurs["Thématique"] is None
