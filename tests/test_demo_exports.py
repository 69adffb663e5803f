"""The calibrated demo exports, ingested for real, give the 2021 report's headline figures.

Expected numbers come from the published report (tests/fixtures/bilan_2021_figures.yaml), not from the
code: 1 041 demandes, 251 communes demandeuses split 155 / 77 / 15 / 4 by size class, and every file
reconciles.
"""

from __future__ import annotations

import csv
import io

import duckdb
import openpyxl
import pytest

from pipeline.synth import expected_loads


@pytest.fixture(scope="module")
def demo(demo_load):
    """The session's demo load (conftest.py), its warehouse opened read-only."""
    con = duckdb.connect(str(demo_load.db), read_only=True)
    yield demo_load.files, demo_load.counts, con
    con.close()


def _rows_in_file(path) -> dict[str | None, int]:
    """Data rows per sheet, counted a second way (csv module / openpyxl), not by the pipeline's reader:
    the non-blank rows below the header row."""
    if path.suffix == ".xlsx":
        wb = openpyxl.load_workbook(path, read_only=True)
        out = {}
        for ws in wb.worksheets:
            rows = [r for r in ws.iter_rows(values_only=True) if any(v not in (None, "") for v in r)]
            head = next(i for i, r in enumerate(rows) if sum(v is not None for v in r) > 3)
            out[ws.title] = len(rows) - head - 1
        wb.close()
        return out
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    sep = max(";,\t", key=text.splitlines()[0].count)
    rows = [r for r in csv.reader(io.StringIO(text, newline=""), delimiter=sep) if any(c.strip() for c in r)]
    return {None: len(rows) - 1}


def one(con, sql):
    return con.execute(sql).fetchall()[0][0]


def test_every_file_loads_and_reconciles(demo):
    files, counts, _ = demo
    assert not [c for c in counts if c.refuse]
    assert all(c.lignes_lues == c.acceptees + c.quarantaine + c.doublons for c in counts)
    # rows read = the rows of each file, counted independently
    read = {(c.fichier, c.feuille): c.lignes_lues for c in counts}
    assert read == {(f.name, sheet): n for f in files for sheet, n in _rows_in_file(f).items()}
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


def test_loads_match_the_generator_plan_and_the_warehouse(demo):
    """What the ingest reports equals what the generator planted (quarantined rows, duplicates, conflicts per
    file), and what the warehouse holds: accepted rows minus the earlier versions that conflicts replaced."""
    _, counts, con = demo
    got = [{"fichier": c.fichier, "feuille": c.feuille, "lignes_lues": c.lignes_lues, "quarantaine": c.quarantaine,
            "doublons": c.doublons, "conflits": c.conflits} for c in counts]
    assert got == expected_loads()
    assert one(con, "SELECT count(*) FROM missions") == sum(c.acceptees - c.conflits for c in counts)
    assert one(con, "SELECT count(*) FROM quarantine") == sum(c.quarantaine for c in counts)
    assert one(con, "SELECT count(*) FROM missions WHERE annee = 2021") == 1066   # docs/calibration.md: M = 1 066


def test_five_years_each_as_written(demo):
    """Every demo year loads whole: the warehouse's demandes and missions of each year equal the
    content the generator wrote (counted here from calibrated_missions, not from the warehouse)."""
    from pipeline.synth import calibrated_missions

    _, _, con = demo
    got = {y: (d, m) for y, d, m in con.execute(
        "SELECT annee, count(DISTINCT id_demande), count(*) FROM missions GROUP BY annee").fetchall()}
    assert sorted(got) == [2019, 2020, 2021, 2022, 2023]
    for year, (d, m) in got.items():
        written = calibrated_missions(year)
        assert (d, m) == (written["id_demande"].n_unique(), written.height), year


def test_later_years_on_the_2026_communes(demo):
    """From 2022 the demandes are placed on COG 2026 (data/ref/millesimes.csv): Mureils' old code lands in
    Saint-Jean-de-Galaure, and no 2022+ mission names a commune that no longer exists."""
    import csv

    from pipeline import config

    _, _, con = demo
    cog2026 = {r["code_insee"] for r in csv.DictReader((config.REF_DIR / "communes_2026.csv").open(encoding="utf-8"))}
    later = {r[0] for r in con.execute(
        "SELECT DISTINCT code_insee FROM missions WHERE annee >= 2022 AND code_insee IS NOT NULL").fetchall()}
    assert later <= cog2026 and not {"26219", "26371"} & later
    translated = set(con.execute("SELECT DISTINCT code_insee_lu || '>' || code_insee || '>' || code_canton || '>' "
                                 "|| siren_epci FROM missions WHERE annee >= 2022 AND code_insee_lu IN "
                                 "('26219', '26371')").fetchall())
    assert ("26219>26216>2612>200040491",) in translated
