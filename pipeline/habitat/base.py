"""The lines of aid as the year's tables see them: entitlement, engagement, payments, geography.

One frame, one row per line (id_dossier, code_action), built once per build: the droit and verdict of
droits.py (computed over the whole history, since the F10 quota and the 12-month rule depend on earlier
decisions), the net engagement (D-04: votes minus annulations), the euros paid from the payment exports
(else the dossier's `montant_verse`), and the commune, EPCI and canton in the geography of YEAR.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import polars as pl

from pipeline.habitat.droits import Droit, calcule_droits
from pipeline.habitat.rules import Rules

START = dt.date(2023, 1, 1)
NOT_ENGAGED = ("depose", "incomplet", "en_instruction", "refuse")


def num(series: pl.Series) -> float:
    """Sum of a numeric column as a float (0 for an empty or all-null column)."""
    return float(series.sum() or 0)


def pct(part: float | None, whole: float | None) -> int | None:
    """Whole percent, half-up (the report's rule for a percent of a budget)."""
    if part is None or not whole:
        return None
    return int(Decimal(str(100 * part / whole)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def months_elapsed(as_of: dt.date) -> int:
    """Months of the 6-year period (72) elapsed at a date: 31/10/2026 → 46."""
    return max(0, min(72, (as_of.year - START.year) * 12 + as_of.month))


def as_of_date(year: int, extraction: dt.date) -> dt.date:
    return min(extraction, dt.date(year, 12, 31))


def build_base(lines: list[dict], payments: list[dict], rules: Rules, year: int, extraction: dt.date,
               communes: dict[str, dict]) -> pl.DataFrame:
    """Every accepted line deposited by the as-of date, with droit, engagement, payments and place."""
    as_of = as_of_date(year, extraction)
    current = [i for i, x in enumerate(lines) if (x.get("dispositif") or "2023-2028") != "2015-2022"]
    computed = dict(zip(current, calcule_droits([lines[i] for i in current], rules), strict=True))
    legacy = Droit(None, None, None, "non_calcule", "règlement 2015-2022 : hors du calcul des droits (D-29)")
    droits = [computed.get(i, legacy) for i in range(len(lines))]
    paid: dict[tuple, float] = {}
    pay_dates: dict[tuple, list] = {}
    lines_of: dict[str, list[str | None]] = {}
    for line in lines:
        lines_of.setdefault(line["id_dossier"], []).append(line["code_action"])
    for p in payments:
        if p["date_paiement"] > as_of:
            continue
        code = p.get("code_action") or (lines_of.get(p["id_dossier"]) or [None])[0]
        k = (p["id_dossier"], code)
        paid[k] = paid.get(k, 0) + p["montant"]
        pay_dates.setdefault(k, []).append((p["date_paiement"], p["montant"], p.get("nature_paiement")))
    rows = []
    for line, d in zip(lines, droits, strict=True):
        if line["date_depot"] > as_of:
            continue
        action = rules.actions[line["code_action"]]
        decided = line.get("date_decision") if line.get("date_decision") and line["date_decision"] <= as_of else None
        vote = line.get("montant_vote") if decided else None
        cancelled = line.get("date_annulation") if line.get("date_annulation") and line["date_annulation"] <= as_of \
            else None
        annule = (line.get("montant_annule") or vote or 0) if cancelled or (line.get("statut") in ("annule", "caduc") \
            and decided) else 0
        k = (line["id_dossier"], line["code_action"])
        verse = paid.get(k) if payments else line.get("montant_verse")
        place = communes.get(line.get("code_insee") or "") or {}
        cantons = place.get("canton_codes") or []
        canton = cantons[0] if len(cantons) == 1 else (line.get("canton") if line.get("canton") in cantons
                                                       else "non_ventile")
        rows.append({
            "id_dossier": line["id_dossier"], "code_action": line["code_action"], "fiche": action.fiche,
            "axe": action.axe, "volet": action.volet, "libelle": action.libelle,
            "dispositif": line.get("dispositif") or "2023-2028", "statut": line.get("statut"),
            "beneficiaire_type": line.get("beneficiaire_type"), "beneficiaire": line.get("beneficiaire"),
            "siren_beneficiaire": line.get("siren_beneficiaire"),
            "prive": line.get("beneficiaire_type") in ("proprietaire_occupant", "proprietaire_bailleur", "accedant"),
            "id_operation": line.get("id_operation"),
            "date_depot": line["date_depot"], "date_complet": line.get("date_complet"),
            "date_agrement": line.get("date_agrement"), "date_decision": decided,
            "date_annulation": cancelled, "prorogations": line.get("prorogations") or 0,
            "annee": (decided or line["date_depot"]).year, "annee_engagement": decided.year if decided else None,
            "annee_annulation": cancelled.year if cancelled else None,
            "logements": (line.get("nb_logements") or 0) if action.unite != "etude" else 0,
            "nb_logements": line.get("nb_logements"), "nb_logements_operation": line.get("nb_logements_operation"),
            "montant_vote": vote, "engage": vote or 0.0, "annule": float(annule or 0),
            "engage_net": (vote or 0.0) - float(annule or 0), "verse": float(verse or 0),
            "premier_paiement": min((x[0] for x in pay_dates.get(k, [])), default=None),
            "acompte_verse": any(x[2] == "acompte" for x in pay_dates.get(k, [])),
            "n_paiements": len(pay_dates.get(k, [])),
            "droit": d.droit, "droit_regle": d.droit_regle, "statut_droit": d.statut if decided or d.statut == "non_calcule" else "en_attente",
            "regle": d.regle, "motifs": " ; ".join(d.motifs),
            "code_insee": place.get("code_insee"), "commune": place.get("commune"),
            "siren_epci": place.get("siren_epci") or line.get("siren_epci"), "code_canton": canton if place else None,
            "cofinancement_epci": line.get("cofinancement_epci") or 0.0,
        })
    return pl.DataFrame(rows, infer_schema_length=None)
