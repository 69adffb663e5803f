"""Forecasts of the envelopes (method printed on the Prévisions page).

- linear: engaged E × 72 / months elapsed;
- 12-month rate: E + (engaged in the last 12 months) × months left / 12;
- pipeline: Σ droit of the lines deposited but not (yet) engaged;
- date of exhaustion: at the 12-month rate, the month the envelope is used up (if before 2029);
- socle year-end: year-to-date engaged / the average share engaged by the same month in earlier
  complete years (linear, YTD × 12 / month, when there is no earlier complete year).
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from pipeline.habitat.base import NOT_ENGAGED, months_elapsed
from pipeline.habitat.rules import Rules

METHOD = ("Projection linéaire : engagé × 72 / mois écoulés. Projection au rythme des 12 derniers mois : engagé + "
          "engagé des 12 derniers mois × mois restants / 12. Pipeline : droits des dossiers déposés non encore "
          "engagés. Date d'épuisement : au rythme des 12 derniers mois. Socle en fin d'année : engagé à date divisé "
          "par la part moyenne engagée au même mois les années complètes précédentes.")


def _add_months(d: dt.date, months: float) -> dt.date:
    return d + dt.timedelta(days=round(months * 30.44))


def forecast(sel: pl.DataFrame, budget: float, as_of: dt.date) -> dict:
    """One envelope's forecasts from its lines (territorialised, or any other selection)."""
    m = months_elapsed(as_of)
    eng = sel.filter(pl.col("annee_engagement").is_not_null())
    e = float(eng["engage_net"].sum())
    since = as_of - dt.timedelta(days=365)
    last12 = float(eng.filter(pl.col("date_decision") > since)["engage_net"].sum())
    left = 72 - m
    pipeline = float(sel.filter(pl.col("annee_engagement").is_null() & pl.col("statut").is_in(NOT_ENGAGED)
                                & (pl.col("statut") != "refuse"))["droit"].fill_null(0).sum())
    epuisement = None
    if e >= budget:
        over = eng.sort("date_decision").with_columns(pl.col("engage_net").cum_sum().alias("c"))
        epuisement = over.filter(pl.col("c") >= budget)["date_decision"].min()
    elif last12 > 0:
        d = _add_months(as_of, (budget - e) / (last12 / 12))
        epuisement = d if d <= dt.date(2028, 12, 31) else None
    lin = round(e * 72 / m, 2) if m else None
    return {"engage_a_date": round(e, 2), "mois_ecoules": m, "projection_lineaire": lin,
            "projection_12m": round(e + last12 * left / 12, 2), "pipeline": round(pipeline, 2),
            "ecart_projection": round(lin - budget, 2) if lin is not None else None,
            "date_epuisement": epuisement}


def socle_year_end(b: pl.DataFrame, rules: Rules, year: int, as_of: dt.date) -> dict:
    e = b.filter((pl.col("volet") == "socle") & pl.col("annee_engagement").is_not_null())
    ytd = float(e.filter((pl.col("annee_engagement") == year) & (pl.col("date_decision") <= as_of))["engage_net"].sum())
    shares = []
    for y in range(2023, year):
        full = float(e.filter(pl.col("annee_engagement") == y)["engage_net"].sum())
        by_month = float(e.filter((pl.col("annee_engagement") == y)
                                  & (pl.col("date_decision") <= dt.date(y, as_of.month, 28)))["engage_net"].sum())
        if full and y != 2023:                     # 2023 started with the scheme: not a typical year
            shares.append(by_month / full)
    share = sum(shares) / len(shares) if shares else as_of.month / 12
    budget, _ = rules.budget(year, "socle")
    proj = round(ytd / share, 2) if share else None
    return {"engage_a_date": round(ytd, 2), "projection": proj, "budget": budget, "part_moyenne": round(share, 3),
            "methode": "moyenne des années complètes" if shares else "linéaire (aucune année complète antérieure)"}


def previsions(b: pl.DataFrame, rules: Rules, year: int, as_of: dt.date) -> tuple[pl.DataFrame, dict[str, dict]]:
    cur = b.filter(pl.col("dispositif") != "2015-2022")
    terr = cur.filter(pl.col("volet") == "territorialise")
    rows, by_epci = [], {}
    total = forecast(terr, 6_000_000, as_of)
    rows.append({"enveloppe": "territorialise", "perimetre": "Drôme (12 EPCI)", "budget": 6_000_000.0, **total})
    for env in rules.enveloppes:
        f = forecast(terr.filter(pl.col("siren_epci") == env["siren"]), float(env["montant_6ans"]), as_of)
        by_epci[env["siren"]] = f
        rows.append({"enveloppe": "territorialise", "perimetre": env["epci"], "budget": float(env["montant_6ans"]), **f})
    s = socle_year_end(cur, rules, year, as_of)
    rows.append({"enveloppe": "socle", "perimetre": f"Année {year}", "budget": s["budget"],
                 "engage_a_date": s["engage_a_date"], "mois_ecoules": as_of.month if as_of.year == year else 12,
                 "projection_lineaire": s["projection"], "projection_12m": None, "pipeline": None,
                 "ecart_projection": round(s["projection"] - s["budget"], 2) if s["projection"] and s["budget"] else None,
                 "date_epuisement": None})
    return pl.DataFrame(rows, infer_schema_length=None), by_epci
