"""Breakdowns on the hand-made year of conftest.MISSIONS_2021 (16 missions, 15 demandes).

Every expected figure is worked out by hand in the comments, from the rows as listed in conftest.
"""

from __future__ import annotations

import csv

import polars as pl
import pytest

from conftest import ACCOMP, AMO, CONSEIL, CONTRACT_COLUMNS, MOD, MOE, ROOT
from pipeline.api import open_warehouse
from pipeline.breakdowns import CONTRACT_TABLES, EmptyYearError, all_breakdowns, canton_prestation, summary
from pipeline.breakdowns.summary import evolution_pct


@pytest.fixture(scope="module")
def wh(small_warehouse):
    with open_warehouse(small_warehouse) as w:
        yield w


@pytest.fixture(scope="module")
def tables(wh):
    """2021 alone: no previous year, no history."""
    return all_breakdowns(wh.missions(2021), wh.ref_year(2021))


def as_dict(df: pl.DataFrame, key: str, value: str) -> dict:
    return dict(df.select(key, value).iter_rows())


def test_contract_columns_and_counts_are_integers(tables):
    assert list(tables) == [*CONTRACT_TABLES, "by_commune"]
    for name, cols in CONTRACT_COLUMNS.items():
        assert tables[name].columns == cols, name
        for col, dtype in tables[name].schema.items():
            assert dtype in (pl.String, pl.Int64), (name, col, dtype)


def test_summary(tables):
    s = as_dict(tables["summary"], "indicateur", "valeur")
    assert list(s) == ["annee", "demandes", "missions", "communes_demandeuses", "communes_departement",
                       "part_communes_demandeuses_pct", "epci_demandeurs", "evolution_demandes_pct",
                       "part_cd26_pct", "part_partenaires_pct"]
    # communes of COG 2021: the lines of communes_2021.csv minus its header
    with open(ROOT / "data/ref/communes_2021.csv", encoding="utf-8") as f:
        n_communes = sum(1 for _ in csv.DictReader(f))
    assert n_communes == 364
    assert s == {
        "annee": 2021, "demandes": 15, "missions": 16,
        "communes_demandeuses": 5,             # Valence, Crest, Autichamp, Die, Solaure (Valence once)
        "communes_departement": 364,
        "part_communes_demandeuses_pct": 1,    # 5/364 = 1.37 %
        "epci_demandeurs": 1,                  # CC du Diois
        "evolution_demandes_pct": None,        # no previous year given
        "part_cd26_pct": 56,                   # partner chart: cd26 55 + 1 (R2 on Environnement), externe 44
        "part_partenaires_pct": 44,
    }


def test_evolution_with_previous_year(wh):
    # 15 demandes in 2021 vs 8 in 2020: +87.5 % → 88 (half up)
    t = all_breakdowns(wh.missions(2021), wh.ref_year(2021), previous=wh.missions(2020))
    assert as_dict(t["summary"], "indicateur", "valeur")["evolution_demandes_pct"] == 88
    assert evolution_pct(7, 8) == -13      # −12.5 % → −13: half away from zero, mirror of +13
    assert evolution_pct(8, 8) == 0


def test_by_partenaire(tables):
    p = tables["by_partenaire"]
    assert p.height == 20 and p["pct"].sum() == 100
    assert p["partenaire"][0] == "CD26 - Direction environnement" and p["partenaire"][-1] == "Syndicat mixte Numérian"
    # 16 missions: 1 → 6.25 → 6; 2 → 12.5 → 13; 3 → 18.75 → 19; sum 99, +1 to the largest (Environnement)
    got = {r["partenaire"]: (r["type"], r["missions"], r["pct"]) for r in p.iter_rows(named=True) if r["missions"]}
    assert got == {
        "CD26 - Direction environnement": ("cd26", 3, 20),
        "CD26 - Direction culture et patrimoine": ("cd26", 1, 6),
        "CD26 - Archives départementales": ("cd26", 1, 6),
        "CD26 - Médiathèque départementale": ("cd26", 1, 6),
        "CD26 - Mission santé": ("cd26", 1, 6),
        "CD26 - Direction des déplacements": ("cd26", 1, 6),
        "CD26 - SIG": ("cd26", 1, 6),
        "CAUE": ("externe", 1, 6),
        "ADIL": ("externe", 1, 6),
        "SDED - Territoire d'énergie Drôme": ("externe", 2, 13),
        "Agence de développement touristique": ("externe", 1, 6),
        "Syndicat mixte Numérian": ("externe", 2, 13),
    }
    assert p.filter(pl.col("missions") == 0)["pct"].to_list() == [0] * 8


def test_by_prestation_tie_goes_to_first_in_canonical_order(tables):
    # Conseil 6, Accompagnement 6, AMO 2, MOe 1, MOD 1 of 16: 37.5 → 38, 38, 12.5 → 13, 6, 6 = 101;
    # −1 to the largest, tie Conseil / Accompagnement → the first in ordre (Conseil), as Valence 1 in 2021
    assert tables["by_prestation"].rows() == [(CONSEIL, 6, 37), (ACCOMP, 6, 38), (AMO, 2, 13), (MOE, 1, 6), (MOD, 1, 6)]


def test_by_domaine_and_thematique(tables):
    assert tables["by_domaine"].rows() == [
        ("Numérique", 3, 19), ("Aménagement, logement, habitat, voirie et énergie", 5, 31),
        ("Culture et patrimoine", 3, 19), ("Environnement, eau et assainissement", 3, 19),
        ("Commerce, tourisme et alimentation", 1, 6), ("Santé", 1, 6)]
    t = tables["by_thematique"]
    assert t.height == 15 and t["pct"].sum() == 100
    # 2 → 12.5 → 13 (Démat, Énergie, Eau), 1 → 6 (10 thématiques): 99, +1 to Démat (first of the 2s)
    pct = as_dict(t, "thematique", "pct")
    assert (pct["Numérique - Démat"], pct["Énergie"], pct["Eau et assainissement"]) == (14, 13, 13)
    assert (pct["Commerce"], pct["Alimentation"], pct["Santé"]) == (0, 0, 6)
    assert as_dict(t, "thematique", "domaine")["Espaces naturels sensibles"] == "Environnement, eau et assainissement"


def test_by_canton_split_commune_counts_in_each_canton(tables):
    c = tables["by_canton"]
    assert c["code_canton"].to_list() == [str(code) for code in range(2601, 2620)]
    assert c["canton"][0] == "Bourg de Péage" and c["canton"][14] == "Valence 1"
    got = {r[0]: r[2:] for r in c.rows() if r[4]}
    assert got == {"2602": (2, 3, 3), "2604": (2, 7, 7), "2615": (1, 1, 1), "2616": (1, 1, 2)}
    assert c["communes_concernees"].sum() == 6       # > 5 communes demandeuses: Valence in two cantons


def test_canton_prestation_tie_and_canton_thematique_spread(tables):
    cp = tables["canton_prestation"].filter(pl.col("code_canton") == "2602")
    # Crest canton: 1/1/1 → 33 each = 99, +1 to the first of the tied largest (Conseil)
    assert cp.select("prestation", "missions", "pct").rows() == [
        (CONSEIL, 1, 34), (ACCOMP, 1, 33), (AMO, 1, 33), (MOE, 0, 0), (MOD, 0, 0)]
    ct = tables["canton_thematique"]
    assert ct.height == 19 * 15
    diois = ct.filter((pl.col("code_canton") == "2604") & (pl.col("missions") > 0))
    # 7 × 1/7 = 14.29 → 14, sum 98: d = 2 spread over the two first in ordre (SIG, Logement habitat)
    assert diois.select("thematique", "pct").rows() == [
        ("Numérique - SIG", 15), ("Logement habitat", 15), ("Médiathèque", 14), ("Eau et assainissement", 14),
        ("Espaces naturels sensibles", 14), ("Tourisme", 14), ("Santé", 14)]
    empty = ct.filter(pl.col("code_canton") == "2601")
    assert empty["missions"].sum() == 0 and empty["pct"].sum() == 0


def test_valence_1_prestations_of_the_2021_report(make_mission, ref_2021):
    # Report p. 39: Conseil 2, Accompagnement 5, AMO 5 of 12 → 17, 41, 42 (the −1 on the first of the tie)
    rows = ([make_mission(f"v{i}", f"V{i}", "26362", "2615", "Aménagement", CONSEIL, "CAUE") for i in range(2)]
            + [make_mission(f"w{i}", f"W{i}", "26362", "2615", "Aménagement", ACCOMP, "CAUE") for i in range(5)]
            + [make_mission(f"x{i}", f"X{i}", "26362", "2615", "Aménagement", AMO, "CAUE") for i in range(5)])
    from pipeline.breakdowns.common import default_ref
    t = canton_prestation(pl.DataFrame(rows), ref_2021, default_ref()).filter(pl.col("code_canton") == "2615")
    assert t.select("prestation", "pct").rows()[:3] == [(CONSEIL, 17), (ACCOMP, 41), (AMO, 42)]


def test_by_taille(tables):
    # commune demandes: <1000 Autichamp 1 + Solaure 4 = 5; 1000-4999 Die 3; 5000-14999 Crest 2; 15000+ Valence 2
    # 5/12 = 41.67 → 42, 25, 16.67 → 17, 17 = 101 → −1 on the largest (<1000): 41
    with open(ROOT / "data/ref/communes_2021.csv", encoding="utf-8") as f:  # 2021 uses population_dgcl
        pops = [int(r["population_dgcl"]) for r in csv.DictReader(f)]
    totals = [sum(p < 1000 for p in pops), sum(1000 <= p < 5000 for p in pops),
              sum(5000 <= p < 15000 for p in pops), sum(p >= 15000 for p in pops)]
    assert tables["by_taille"].rows() == [
        ("moins de 1 000 hab.", 2, totals[0], 5, 41), ("1 000 à 4 999 hab.", 1, totals[1], 3, 25),
        ("5 000 à 14 999 hab.", 1, totals[2], 2, 17), ("15 000 hab. et plus", 1, totals[3], 2, 17)]


def test_by_epci(tables):
    e = tables["by_epci"]
    with open(ROOT / "data/ref/epci.csv", encoding="utf-8") as f:
        assert e["siren"].to_list() == [r["siren"] for r in csv.DictReader(f) if r["millesime"] == "2021"]
    got = {r[0]: r[1:] for r in e.rows() if r[5]}
    assert got == {
        "242600534": ("CC du Diois", 2, 7, 2, 9),                    # Die + Solaure; D13, D14 its own
        "200068781": ("CA Valence Romans Agglo", 1, 2, 0, 2),        # Valence D01, D02
        "200040509": ("CC du Crestois et de Pays de Saillans Coeur de Drôme", 1, 2, 0, 2),
        "242600252": ("CC du Val de Drôme en Biovallée", 1, 1, 0, 1),  # Autichamp
    }


def test_domaine_prestation_within_domaine(tables):
    dp = tables["domaine_prestation"]
    assert dp.height == 30
    amen = dp.filter(pl.col("domaine") == "Aménagement, logement, habitat, voirie et énergie")
    # Voirie AMO, Logement Conseil, Énergie Accomp + MOe, Aménagement Accomp: 1/2/1/1/0 of 5
    assert amen.select("missions", "pct").rows() == [(1, 20), (2, 40), (1, 20), (1, 20), (0, 0)]
    assert dp.group_by("domaine").agg(pl.col("pct").sum())["pct"].to_list() == [100] * 6


def test_by_commune(tables):
    assert tables["by_commune"].select("code_insee", "code_canton", "demandes", "missions").rows() == [
        ("26001", "2604", 4, 4), ("26021", "2602", 1, 1), ("26108", "2602", 2, 2), ("26113", "2604", 3, 3),
        ("26362", "2615", 1, 1), ("26362", "2616", 1, 2)]
    v = tables["by_commune"].row(4, named=True)
    assert (v["commune"], v["canton"], v["classe"]) == ("Valence", "Valence 1", "15 000 hab. et plus")


def test_trends_only_with_more_than_one_year(wh):
    history = wh.missions()
    t = all_breakdowns(wh.missions(2021), wh.ref_year(2021), wh.missions(2020), history)
    assert t["trends"].select("annee", "demandes", "missions", "communes_demandeuses").rows() == [
        (2020, 8, 9, 2), (2021, 15, 16, 5)]
    # the report year's row says what its summary says; evolution from the demandes: (15 − 8) / 8 = 87.5 → 88
    last = t["trends"].row(-1, named=True)
    s = dict(t["summary"].iter_rows())
    assert (last["epci_demandeurs"], last["part_cd26_pct"], last["part_partenaires_pct"]) == (
        s["epci_demandeurs"], s["part_cd26_pct"], s["part_partenaires_pct"])
    assert t["trends"]["evolution_demandes_pct"].to_list() == [None, 88]
    tp = t["trends_prestation"]
    assert tp.height == 2 * 5 and tp.group_by("annee").agg(pl.col("pct").sum())["pct"].to_list() == [100, 100]
    assert tp.group_by("annee").agg(pl.col("missions").sum()).sort("annee")["missions"].to_list() == [9, 16]
    tc = t["trends_canton"]
    assert tc.height == 2 * 19
    by_canton = t["by_canton"].select("code_canton", "communes_concernees", "demandes")
    assert tc.filter(pl.col("annee") == 2021).select(by_canton.columns).equals(by_canton)
    # 2020: 6 Numérique, 3 Aménagement (Énergie) → 67 / 33
    td = t["trends_domaine"]
    assert td.columns == ["annee", "domaine", "missions", "pct"] and td.height == 12
    assert td.filter(pl.col("annee") == 2020)["pct"].to_list() == [67, 33, 0, 0, 0, 0]
    t2020 = all_breakdowns(wh.missions(2020), wh.ref_year(2020), None, history)   # 2021 is after: ignored
    assert "trends" not in t2020


def test_empty_year_is_a_clear_error(wh):
    with pytest.raises(EmptyYearError, match="aucune mission pour 2019"):
        all_breakdowns(wh.missions(2021).clear(), wh.ref_year(2019))


def test_unknown_label_is_refused(wh):
    bad = wh.missions(2021).with_columns(pl.lit("Numerique").alias("thematique"))
    with pytest.raises(ValueError, match="hors référentiel"):
        all_breakdowns(bad, wh.ref_year(2021))


def test_summary_partner_split_sums_to_100(wh, tables):
    s = summary(wh.missions(2021), wh.ref_year(2021), tables["by_partenaire"])
    v = as_dict(s, "indicateur", "valeur")
    assert v["part_cd26_pct"] + v["part_partenaires_pct"] == 100
