"""Caducité dates (V.1 L3302-L3323, D-18) and forecasts (spec §3), worked by hand."""

import datetime as dt

import polars as pl

from pipeline.habitat.base import months_elapsed
from pipeline.habitat.controles import caducite, date_caducite
from pipeline.habitat.previsions import forecast

D = dt.date


def test_validity_three_years_plus_extensions():
    # 3 years from the CP decision; first extension +2 years; second +1 year for parc public only
    assert date_caducite(D(2023, 3, 6), 0, 1) == D(2026, 3, 6)
    assert date_caducite(D(2023, 3, 6), 1, 1) == D(2028, 3, 6)
    assert date_caducite(D(2023, 3, 6), 2, 1) == D(2029, 3, 6)       # F1: parc public
    assert date_caducite(D(2023, 3, 6), 2, 6) == D(2028, 3, 6)       # F6: parc privé, no second extension
    assert date_caducite(D(2024, 2, 29), 0, 1) == D(2027, 2, 28)


def _lines(rows):
    cols = ["id_dossier", "code_action", "date_decision", "prorogations", "fiche", "engage_net", "verse",
            "annee_engagement", "statut", "droit"]
    return pl.DataFrame([dict(zip(cols, r, strict=True)) for r in rows], infer_schema_length=None)


def test_caducite_situations_at_a_date():
    b = _lines([("A", "S1-NEUF", D(2023, 3, 6), 0, 1, 10000.0, 0.0, 2023, "engage", None),       # lapsed, unpaid
                ("B", "S1-NEUF", D(2023, 3, 6), 0, 1, 40000.0, 20000.0, 2023, "engage", None),   # lapsed, acompte
                ("C", "S1-NEUF", D(2023, 10, 2), 0, 1, 10000.0, 0.0, 2023, "engage", None),      # lapses 02/10/2026
                ("D", "S1-NEUF", D(2023, 3, 6), 1, 1, 10000.0, 0.0, 2023, "engage", None),       # extended to 2028
                ("E", "S6-TM", D(2023, 3, 6), 0, 6, 1000.0, 1000.0, 2023, "solde", None)])
    got = dict(caducite(b, D(2026, 6, 30)).select("id_dossier", "situation").iter_rows())
    assert got == {"A": "caduc_a_annuler", "B": "reversement_a_demander", "C": "a_solder", "D": "en_cours", "E": "solde"}


def test_forecasts_by_hand():
    # 31/10/2026: 46 months of 72 elapsed. Engaged 460 000, of which 120 000 in the last 12 months.
    assert months_elapsed(D(2026, 10, 31)) == 46
    b = _lines([("A", "T9-PLUS-AA", D(2024, 3, 4), 0, 9, 340000.0, 0.0, 2024, "engage", 340000.0),
                ("B", "T9-PLUS-AA", D(2026, 3, 2), 0, 9, 120000.0, 0.0, 2026, "engage", 120000.0),
                ("C", "T9-PLUS-AA", None, 0, 9, 0.0, 0.0, None, "en_instruction", 14000.0)])
    f = forecast(b, 600000, D(2026, 10, 31))
    assert f["projection_lineaire"] == round(460000 * 72 / 46, 2)            # 720 000
    assert f["projection_12m"] == 460000 + 120000 * 26 / 12                  # 720 000
    assert f["pipeline"] == 14000
    # 140 000 left at 10 000 a month: 14 months after 31/10/2026 → end of December 2027
    assert f["date_epuisement"].year == 2027 and f["date_epuisement"].month == 12
