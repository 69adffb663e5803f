"""Controls of §3 (bloquant | a_verifier | info) and the caducité of each engaged line.

Each control says what it checks in its `detail`, so the service can act on a row without reading code.
Validity (V.1 L3302-L3323, D-18): 3 years from the CP decision, +2 for a first extension, +1 for a
second one (parc public only); a lapsed aid with an acompte paid must be paid back.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from pipeline.habitat.base import num
from pipeline.habitat.droits import fmt_eur
from pipeline.habitat.rules import Rules

PARC_PRIVE = (3, 4, 5, 6, 15, 16)


def _add_years(d: dt.date, n: int) -> dt.date:
    try:
        return d.replace(year=d.year + n)
    except ValueError:                     # 29 February
        return d.replace(year=d.year + n, day=28)


def date_caducite(decision: dt.date, prorogations: int, fiche: int | None) -> dt.date:
    years = 3 + (2 if prorogations >= 1 else 0) + (1 if prorogations >= 2 and fiche not in PARC_PRIVE else 0)
    return _add_years(decision, years)


def caducite(b: pl.DataFrame, as_of: dt.date) -> pl.DataFrame:
    rows = []
    soon = as_of + dt.timedelta(days=183)
    for r in b.filter(pl.col("annee_engagement").is_not_null() & (pl.col("engage_net") > 0)).iter_rows(named=True):
        end = date_caducite(r["date_decision"], int(r["prorogations"] or 0), r["fiche"])
        left = r["engage_net"] - r["verse"]
        if left <= 0.5:
            situation = "solde"
        elif end < as_of:
            situation = "reversement_a_demander" if r["verse"] > 0 else "caduc_a_annuler"
        elif end <= soon:
            situation = "a_solder"
        else:
            situation = "en_cours"
        rows.append({"id_dossier": r["id_dossier"], "code_action": r["code_action"], "date_decision": r["date_decision"],
                     "date_caducite": end, "prorogations": int(r["prorogations"] or 0), "engage": round(r["engage_net"], 2),
                     "verse": round(r["verse"], 2), "situation": situation})
    return pl.DataFrame(rows, infer_schema_length=None)


def fifo(b: pl.DataFrame) -> list[dict]:
    """L289, V.1 L3286-L3291: dossiers are financed in order of arrival. A complete dossier still not
    engaged while a later-complete one of the same envelope (socle: same axe; territorialised: same EPCI)
    was engaged is flagged, with the number of such later dossiers."""
    out = []
    cur = b.filter((pl.col("dispositif") != "2015-2022") & pl.col("date_complet").is_not_null()
                   & (pl.col("volet") != "dah"))
    waiting = cur.filter(pl.col("annee_engagement").is_null() & ~pl.col("statut").is_in(["refuse", "annule", "caduc"]))
    engaged = cur.filter(pl.col("annee_engagement").is_not_null())
    for r in waiting.iter_rows(named=True):
        same = engaged.filter((pl.col("axe") == r["axe"]) if r["volet"] == "socle"
                              else (pl.col("siren_epci") == r["siren_epci"]) & (pl.col("volet") == "territorialise"))
        later = same.filter(pl.col("date_complet") > r["date_complet"]).height
        if later:
            out.append({"id_dossier": r["id_dossier"], "code_action": r["code_action"],
                        "detail": f"complet le {r['date_complet']:%d/%m/%Y}, non engagé ; {later} dossier(s) "
                                  "complet(s) après lui déjà engagé(s) dans la même enveloppe"})
    return out


def anomalies(b: pl.DataFrame, rules: Rules, axes: pl.DataFrame, envelopes: pl.DataFrame,
              cad: pl.DataFrame) -> pl.DataFrame:
    out: list[dict] = []

    def add(r, controle, gravite, detail):
        out.append({"id_dossier": r.get("id_dossier"), "code_action": r.get("code_action"), "controle": controle,
                    "gravite": gravite, "detail": detail})

    cps = set(rules.calendrier_cp)
    for r in b.iter_rows(named=True):
        st = r["statut_droit"]
        if st == "sur_attribution":
            add(r, "droit", "a_verifier", f"voté {fmt_eur(r['montant_vote'])} > droit {fmt_eur(r['droit'])} ({r['regle']})")
        elif st == "sous_attribution":
            add(r, "droit", "info", f"voté {fmt_eur(r['montant_vote'])} < droit {fmt_eur(r['droit'])} ({r['regle']})")
        elif st == "ineligible_engage":
            add(r, "droit", "bloquant", f"engagé {fmt_eur(r['montant_vote'])} sans droit : {r['motifs']}")
        elif st == "a_verifier" and r["annee_engagement"]:
            add(r, "droit", "a_verifier", r["motifs"])
        if r["date_decision"] and r["date_decision"] < r["date_depot"]:
            add(r, "dates", "bloquant", "décision antérieure au dépôt")
        if r["date_decision"] and cps and r["date_decision"] not in cps:
            add(r, "date_cp", "info", f"décision du {r['date_decision']:%d/%m/%Y} hors calendrier des CP")
        ag = r["date_agrement"]
        if ag and r["date_depot"] > dt.date(ag.year + 1, 3, 31):
            add(r, "agrement_etat", "a_verifier", f"agrément {ag.year}, dépôt après le 31/03/{ag.year + 1} (D-19)")
        if r["verse"] > (r["montant_vote"] or 0) + 1 and r["annee_engagement"]:
            add(r, "paye_superieur_vote", "bloquant", f"payé {fmt_eur(r['verse'])} > voté {fmt_eur(r['montant_vote'] or 0)}")
        if r["acompte_verse"] and (r["montant_vote"] or 0) < 20000 and r["fiche"] not in (4,):
            add(r, "versement", "a_verifier", "acompte versé sur une aide < 20 000 € (D-21)")
        if r["fiche"] == 13 and r["n_paiements"] > 1:
            add(r, "versement", "a_verifier", "F13 se paie en une fois à l'achèvement")
        if r["fiche"] == 4 and r["n_paiements"] > 2:
            add(r, "versement", "a_verifier", "F4 : au plus 2 versements de 5 000 €")
    # D-12: Σ logements S1/S2/T7/T8/T9/T17 of one operation ≤ its logements; T18 ≤ T17
    ops = b.filter(pl.col("id_operation").is_not_null() & pl.col("annee_engagement").is_not_null())
    counted = ("S1", "S2", "T7", "T8", "T9", "T17")
    for (op,), v in ops.group_by(["id_operation"]):
        total = num(v.filter(pl.col("code_action").str.split("-").list.first().is_in(counted))["logements"])
        cap = float(v["nb_logements_operation"].max() or 0)  # type: ignore[arg-type]
        if cap and total > cap:
            add({"id_dossier": v["id_dossier"][0], "code_action": None}, "d12_logements_operation", "a_verifier",
                f"opération {op} : {int(total)} logements aidés pour {int(cap)} logements")
        t17 = num(v.filter(pl.col("code_action").str.starts_with("T17"))["logements"])
        t18 = num(v.filter(pl.col("code_action").str.starts_with("T18"))["logements"])
        if t18 > t17:
            add({"id_dossier": v["id_dossier"][0], "code_action": "T18-ESPACE"}, "d12_logements_operation",
                "a_verifier", f"opération {op} : F18 sur {int(t18)} logements pour {int(t17)} logements F17")
    for r in fifo(b):
        add(r, "ordre_arrivee", "a_verifier", r["detail"])
    for r in axes.filter(pl.col("alerte").is_not_null()).iter_rows(named=True):
        add({}, f"axe_{r['axe']}_depasse", r["alerte"],
            f"{r['annee']} : axe {r['axe']} engagé {fmt_eur(r['engage_net'])} pour {fmt_eur(r['sous_enveloppe'])}"
            + (" avant octobre" if r["alerte"] == "bloquant" else " (fongible à partir d'octobre)"))
    for r in envelopes.filter(pl.col("disponible") < 0).iter_rows(named=True):
        add({}, "enveloppe_epci_depassee", "bloquant", f"{r['epci']} : {fmt_eur(-r['disponible'])} au-delà de l'enveloppe")
    for r in cad.filter(pl.col("situation").is_in(["a_solder", "caduc_a_annuler", "reversement_a_demander"])).iter_rows(named=True):
        add(r, "caducite", "a_verifier" if r["situation"] == "a_solder" else "bloquant",
            f"{r['situation']} : caducité le {r['date_caducite']:%d/%m/%Y}")
    return pl.DataFrame(out, schema={"id_dossier": pl.Utf8, "code_action": pl.Utf8, "controle": pl.Utf8,
                                     "gravite": pl.Utf8, "detail": pl.Utf8})
