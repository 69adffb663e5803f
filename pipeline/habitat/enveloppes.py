"""Envelopes and years: the spec's budget, axe, action, EPCI, territory and payment tables (§3).

Consumption is net engagement (D-04): engagement year = year of the CP decision, annulations netted
against the original year. Socle lines are compared with the year's budget and its three axes;
territorialised aid is cumulated 2023 → YEAR against each EPCI's 6-year envelope. 2015-2022 dossiers
(D-29) appear in payments only, never in 2023-2028 envelopes.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from pipeline.habitat.base import months_elapsed, num, pct
from pipeline.habitat.rules import Rules

SECRET_MIN = 3        # a public commune cell with 1–2 private-person dossiers is secret
AXES = {1: "Production d'offre locative sociale (PLAi)", 2: "Réhabilitation du parc privé des plus modestes",
        3: "Adaptation à la perte d'autonomie"}


def _r2(x) -> float:
    return round(float(x or 0), 2)


def current(b: pl.DataFrame) -> pl.DataFrame:
    return b.filter(pl.col("dispositif") != "2015-2022")


def engaged(b: pl.DataFrame) -> pl.DataFrame:
    return current(b).filter(pl.col("annee_engagement").is_not_null())


def budget_annuel(b: pl.DataFrame, rules: Rules, year: int) -> pl.DataFrame:
    rows = []
    e = engaged(b)
    for annee in range(2023, year + 1):
        ey = e.filter(pl.col("annee_engagement") == annee)
        tot = {"engage": 0.0, "annule": 0.0, "verse": 0.0, "budget": 0.0}
        for volet in ("socle", "territorialise", "dah"):
            v = ey.filter(pl.col("volet") == volet)
            budget, nature = rules.budget(annee, volet)
            eng, ann, ver = num(v["engage"]), num(v["annule"]), num(v["verse"])
            rows.append({"annee": annee, "volet": volet, "budget": _r2(budget), "nature_budget": nature,
                         "engage": _r2(eng), "annule": _r2(ann), "engage_net": _r2(eng - ann),
                         "pct": pct(eng - ann, budget), "verse": _r2(ver)})
            for k, x in (("engage", eng), ("annule", ann), ("verse", ver), ("budget", budget or 0)):
                tot[k] += x
        rows.append({"annee": annee, "volet": "complement", "budget": None, "nature_budget": "D-20",
                     "engage": 0.0, "annule": 0.0, "engage_net": 0.0, "pct": None, "verse": 0.0})
        total_budget, nature = rules.budget(annee, "total")
        rows.append({"annee": annee, "volet": "total", "budget": _r2(total_budget or tot["budget"]),
                     "nature_budget": nature, "engage": _r2(tot["engage"]), "annule": _r2(tot["annule"]),
                     "engage_net": _r2(tot["engage"] - tot["annule"]),
                     "pct": pct(tot["engage"] - tot["annule"], total_budget or tot["budget"]), "verse": _r2(tot["verse"])})
    return pl.DataFrame(rows, infer_schema_length=None)


def socle_axes(b: pl.DataFrame, rules: Rules, year: int, as_of: dt.date) -> pl.DataFrame:
    """Each axe's net engagement vs its sub-envelope; an overrun before October is `bloquant` (the
    sub-envelopes become fungible in October, V.2 L3332), after it `info`."""
    rows = []
    e = engaged(b).filter(pl.col("volet") == "socle")
    for annee in range(2023, year + 1):
        for axe, amount in rules.axe_budgets().items():
            v = e.filter((pl.col("annee_engagement") == annee) & (pl.col("axe") == axe))
            net = num(v["engage_net"])
            over = max(0.0, net - amount)
            alerte = None
            if over > 0:
                # the month the axe went over: first decision month where the cumulated net passes the amount
                s = v.sort("date_decision").with_columns(pl.col("engage_net").cum_sum().alias("c"))
                first = s.filter(pl.col("c") > amount)["date_decision"].min()
                alerte = "bloquant" if isinstance(first, dt.date) and first.month < rules.fongible_month else "info"
            rows.append({"annee": annee, "axe": axe, "libelle_axe": AXES[axe], "sous_enveloppe": _r2(amount),
                         "engage_net": _r2(net), "pct": pct(net, amount), "depassement": _r2(over), "alerte": alerte})
    return pl.DataFrame(rows, infer_schema_length=None)


def actions(b: pl.DataFrame, rules: Rules, year: int) -> pl.DataFrame:
    rows = []
    e = engaged(b)
    for periode, sel in (("annee", e.filter(pl.col("annee_engagement") == year)), ("cumul", e)):
        n_years = 1 if periode == "annee" else year - 2022
        for a in rules.actions.values():
            v = sel.filter((pl.col("code_action") == a.code) & (pl.col("engage_net") > 0))
            logts = num(v["logements"])
            obj = a.objectif_an * n_years if a.objectif_an else None
            net = num(v["engage_net"])
            rows.append({"periode": periode, "annee": year, "volet": a.volet, "fiche": a.fiche, "code_action": a.code,
                         "libelle": a.libelle, "dossiers": v["id_dossier"].n_unique(), "logements": int(logts),
                         "objectif_logements": obj, "pct_objectif": pct(logts, obj),
                         "engage_net": _r2(net), "budget_indicatif": _r2(a.budget_an * n_years) if a.budget_an else None,
                         "verse": _r2(num(v["verse"])),
                         "euros_par_logement": _r2(net / logts) if logts else None})
    return pl.DataFrame(rows, infer_schema_length=None)


def epci_actions(b: pl.DataFrame, rules: Rules) -> pl.DataFrame:
    e = engaged(b).filter(pl.col("volet") == "territorialise")
    rows = []
    for env in rules.enveloppes:
        for a in (x for x in rules.actions.values() if x.volet == "territorialise"):
            v = e.filter((pl.col("siren_epci") == env["siren"]) & (pl.col("code_action") == a.code))
            rows.append({"siren": env["siren"], "epci": env["epci"], "code_action": a.code, "fiche": a.fiche,
                         "conventionnee": (env["siren"], a.code) in rules.conventions, "montant_programme": None,
                         "dossiers": v["id_dossier"].n_unique(), "logements": int(num(v["logements"])),
                         "engage_cumul": _r2(num(v["engage_net"]))})
    return pl.DataFrame(rows, infer_schema_length=None)


def epci(b: pl.DataFrame, populations: dict[str, int], names: dict[str, str], year: int) -> pl.DataFrame:
    rows = []
    e = engaged(b)
    for periode, sel in (("annee", e.filter(pl.col("annee_engagement") == year)), ("cumul", e)):
        for (siren, volet), v in sel.group_by(["siren_epci", "volet"], maintain_order=True):
            pop = populations.get(siren)
            net = num(v["engage_net"])
            rows.append({"siren": siren, "epci": names.get(siren, siren), "periode": periode, "volet": volet,
                         "dossiers": v["id_dossier"].n_unique(), "logements": int(num(v["logements"])),
                         "engage": _r2(net), "verse": _r2(num(v["verse"])), "population": pop,
                         "engage_par_habitant": _r2(net / pop) if pop else None})
    return pl.DataFrame(rows, infer_schema_length=None).sort("periode", "siren", "volet")


def communes(b: pl.DataFrame, year: int, cantons_of: dict[str, list[str]]) -> pl.DataFrame:
    """Commune × periode; a cell with 1 or 2 private-person dossiers is secret (values blank)."""
    rows = []
    e = engaged(b).filter(pl.col("code_insee").is_not_null())
    for periode, sel in (("annee", e.filter(pl.col("annee_engagement") == year)), ("cumul", e)):
        for (code,), v in sel.group_by(["code_insee"], maintain_order=True):
            n_private = v.filter(pl.col("prive"))["id_dossier"].n_unique()
            secret = 0 < n_private < SECRET_MIN
            rows.append({"code_insee": code, "commune": v["commune"][0], "siren_epci": v["siren_epci"][0],
                         "codes_cantons": ";".join(cantons_of.get(code, [])), "periode": periode,
                         "dossiers": None if secret else v["id_dossier"].n_unique(),
                         "logements": None if secret else int(num(v["logements"])),
                         "engage": None if secret else _r2(num(v["engage_net"])),
                         "verse": None if secret else _r2(num(v["verse"])), "secret": secret})
    return pl.DataFrame(rows, infer_schema_length=None).sort("periode", "code_insee")


def cantons(b: pl.DataFrame, year: int, names: dict[str, str]) -> pl.DataFrame:
    rows = []
    e = engaged(b).filter(pl.col("code_canton").is_not_null())
    for periode, sel in (("annee", e.filter(pl.col("annee_engagement") == year)), ("cumul", e)):
        for code in [*sorted(names), "non_ventile"]:
            v = sel.filter(pl.col("code_canton") == code)
            rows.append({"code_canton": code, "canton": names.get(code, "Non ventilé (commune partagée, canton non renseigné)"),
                         "periode": periode, "dossiers": v["id_dossier"].n_unique(), "logements": int(num(v["logements"])),
                         "engage": _r2(num(v["engage_net"])), "verse": _r2(num(v["verse"]))})
    return pl.DataFrame(rows, infer_schema_length=None)


def paiements(b: pl.DataFrame) -> pl.DataFrame:
    rows = []
    e = b.filter(pl.col("annee_engagement").is_not_null())
    for (annee, volet, dispositif), v in e.group_by(["annee_engagement", "volet", "dispositif"]):
        net, paid = num(v["engage_net"]), num(v["verse"])
        rows.append({"annee_engagement": annee, "volet": volet, "dispositif": dispositif, "engage_net": _r2(net),
                     "verse_cumul": _r2(paid), "reste_a_payer": _r2(max(net - paid, 0)), "annule": _r2(num(v["annule"]))})
    return pl.DataFrame(rows, infer_schema_length=None).sort("annee_engagement", "volet")


def epci_enveloppes(b: pl.DataFrame, rules: Rules, as_of: dt.date, forecasts: dict[str, dict]) -> pl.DataFrame:
    e = engaged(b).filter(pl.col("volet") == "territorialise")
    m = months_elapsed(as_of)
    rows = []
    for env in rules.enveloppes:
        v = e.filter(pl.col("siren_epci") == env["siren"])
        amount = float(env["montant_6ans"])
        net = num(v["engage_net"])
        f = forecasts.get(env["siren"], {})
        cof = num(v["cofinancement_epci"])
        rows.append({"siren": env["siren"], "epci": env["epci"], "enveloppe_6ans": _r2(amount), "engage_cumul": _r2(net),
                     "pct_engage": pct(net, amount), "pct_temps_ecoule": pct(m, 72),
                     "ecart_pts": (pct(net, amount) or 0) - (pct(m, 72) or 0), "verse_cumul": _r2(num(v["verse"])),
                     "disponible": _r2(amount - net), "projection_lineaire": f.get("projection_lineaire"),
                     "projection_12m": f.get("projection_12m"), "pipeline": f.get("pipeline"),
                     "date_epuisement": f.get("date_epuisement"), "cofinancement_epci_cumul": _r2(cof),
                     "pct_cofinancement": pct(cof, net)})
    return pl.DataFrame(rows, infer_schema_length=None)
