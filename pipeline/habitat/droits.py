"""Entitlement of one line of aid under the rules, and its verdict against the voted amount.

Pure: a line is a dict of canonical fields (dates as datetime.date, amounts as float, yes/no as
'oui'/'non'); nothing is read or written. `droit_ligne` judges one line given its context (the order-
dependent facts: the commune's F10 quota left, the days since the household's last F6 aid, the T17
logements of the operation); `calcule_droits` walks many lines in decision order and supplies that
context, as §7 of the spec fixes it. Each condition of the rules gives pass / fail / unknown; unknown
conditions are assumed to hold for the amount (statut `a_verifier`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from pipeline.habitat.rules import Action, Rules

PASS, FAIL, UNKNOWN = "pass", "fail", "unknown"
STATUTS = ("conforme", "ecrete", "sur_attribution", "sous_attribution", "ineligible_engage", "a_verifier",
           "non_calcule", "en_attente")
LETTERS = "ABCDEFG"
# Columns that only pick the variant of a fiche (D-27): a line coded with the variant itself implies them.
VARIANT_FIELDS = {3: ("gestion",), 6: ("categorie",), 10: ("gestion",), 17: ("financement", "nature")}
# Lines that never consume a quota nor count as a previous aid (the aid did not happen).
NOT_GRANTED = ("refuse", "annule", "caduc")

LABELS = {
    "financement": "financement", "nature": "nature de l'opération", "date_agrement": "agrément de l'État",
    "loyer": "niveau de loyer", "nouvelle_convention_anah": "nouvelle convention Anah", "gestion": "mode de gestion",
    "operateur": "accompagnement par un opérateur", "dpe_apres": "étiquette énergétique après travaux",
    "gain_classes": "gain d'étiquettes", "categorie": "catégorie de ressources Anah", "anah": "aide de l'Anah",
    "coef_insalubrite": "coefficient d'insalubrité", "arrete_insalubrite_peril": "arrêté d'insalubrité ou de péril",
    "maison_individuelle": "maison individuelle", "ptz_5_ans": "PTZ depuis moins de 5 ans",
    "reste_a_charge": "reste à charge", "age": "âge", "handicap": "handicap", "gir": "évaluation GIR",
    "cofinancement": "cofinancement (caisses, collectivités)", "jours_depuis_aide_S6": "délai depuis la précédente aide autonomie",
    "pch": "prestation de compensation du handicap", "pole_centralite": "commune pôle de centralité",
    "quota_commune": "quota de 3 logements communaux par commune", "annees_conventionnement": "années de conventionnement",
    "nouvelle_convention_ans": "durée de la nouvelle convention", "cofinancement_epci_commune": "cofinancement EPCI ou commune",
    "anru": "opération ANRU", "deja_demoli": "logements déjà démolis", "gain_energetique_pct": "gain énergétique",
    "syndic": "syndic", "endettement_pct": "taux d'endettement", "apport_pct": "apport personnel",
    "perimetre_animation": "périmètre d'animation", "jours_depuis_acquisition": "délai depuis l'acquisition",
    "label_mda": "label MDA", "logements_T17_meme_operation": "logements F17 de la même opération",
    "aire_accueil": "aire d'accueil", "suivi_plh": "suivi de PLH", "beneficiaire_type": "type de bénéficiaire",
    "convention": "action conventionnée par l'EPCI",
}


@dataclass
class Droit:
    code_action: str | None
    droit: float | None                # after the cap; None for DAH (non_calcule)
    droit_regle: float | None          # before the cap at cost minus other subsidies
    statut: str
    regle: str
    motifs: list[str] = field(default_factory=list)
    conditions: dict[str, str] = field(default_factory=dict)
    unites: float = 0

    @property
    def eligible(self) -> bool:
        return FAIL not in self.conditions.values()


def fmt_eur(x: float) -> str:
    """12500 → '12 500 €' (narrow no-break space, as the report prints)."""
    s = f"{x:,.2f}".replace(",", "\u202f").replace(".", ",")
    return (s[:-3] if s.endswith(",00") else s) + " €"


# --- values -----------------------------------------------------------------------------------------

def _days(a: dt.date | None, b: dt.date | None) -> int | None:
    return (a - b).days if a and b else None


def value(line: dict, name: str):
    """A condition's input: the column itself, or derived from others when the export has not filled it."""
    v = line.get(name)
    if v not in (None, ""):
        return v
    if name == "jours_depuis_aide_S6" and name not in line:
        return 10 ** 6                 # no history given (one prospective line): no previous aid known
    if name == "gain_classes":
        av, ap = line.get("dpe_avant"), line.get("dpe_apres")
        if isinstance(av, str) and isinstance(ap, str) and av and ap and av in LETTERS and ap in LETTERS:
            return LETTERS.index(av) - LETTERS.index(ap)
    if name == "jours_depuis_acquisition":
        return _days(line.get("date_depot"), line.get("date_acquisition"))
    if name == "annees_conventionnement":
        d = _days(line.get("date_depot"), line.get("date_conventionnement"))
        return None if d is None else d / 365.25
    if name == "cofinancement_epci_commune" and line.get("cofinancement_epci") is not None:
        return "oui" if float(line["cofinancement_epci"]) > 0 else "non"     # §7: absent → oui if > 0
    return None


def _cmp(v, bound, lower: bool) -> str:
    if v is None:
        return UNKNOWN
    if isinstance(bound, str):                   # DPE letters: A best … G; max: C means A–C
        v = str(v).upper()
        if v not in LETTERS:
            return UNKNOWN
        ok = (v >= bound) if lower else (v <= bound)
    else:
        try:
            ok = float(v) >= float(bound) if lower else float(v) <= float(bound)
        except (TypeError, ValueError):
            return UNKNOWN
    return PASS if ok else FAIL


def _combine_all(results: list[str]) -> str:
    return FAIL if FAIL in results else UNKNOWN if UNKNOWN in results else PASS


def evaluate(name: str, cond, line: dict) -> str:
    """pass / fail / unknown of one condition (`si` form of the rules YAML)."""
    if name == "quota_commune":                  # applied as a cap on units (calcule_droits)
        return PASS
    v = value(line, name)
    if cond == "requis":
        if name == "logements_T17_meme_operation":   # §7: T17 lines of the operation at droit 0 → T18 at 0
            return PASS if v else FAIL
        return PASS if v not in (None, "", 0) else UNKNOWN
    if isinstance(cond, list):
        if v is None:
            return UNKNOWN
        return PASS if str(v) in [str(c) for c in cond] else FAIL
    if isinstance(cond, dict):
        results = []
        if "min" in cond:
            results.append(_cmp(v, cond["min"], True))
        if "max" in cond:
            results.append(_cmp(v, cond["max"], False))
        primary = _combine_all(results)
        if primary != PASS and "ou" in cond:
            alt = _combine_all([evaluate(k, c, line) for k, c in cond["ou"].items()])
            if alt == PASS:
                return PASS
            return FAIL if primary == FAIL and alt == FAIL else UNKNOWN
        return primary
    if v is None:
        return UNKNOWN
    return PASS if str(v) == str(cond) else FAIL


def _excluded(name: str, cond, line: dict) -> bool:
    """An exclusion holds only when the value is known to match it (an empty cell excludes nothing)."""
    v = value(line, name)
    if v is None:
        return False
    return str(v) in [str(c) for c in cond] if isinstance(cond, list) else str(v) == str(cond)


def _describe(name: str, cond) -> str:
    label = LABELS.get(name, name.replace("_", " "))
    if cond == "requis":
        return f"{label} manquant"
    if isinstance(cond, list):
        return f"{label} hors de : {', '.join(map(str, cond))}"
    if isinstance(cond, dict):
        parts = [f"≥ {cond['min']}" if "min" in cond else "", f"≤ {cond['max']}" if "max" in cond else ""]
        return f"{label} {' '.join(p for p in parts if p)}".strip() + (" (ou alternative)" if "ou" in cond else "")
    return f"{label} ≠ {cond}"


# --- one line ---------------------------------------------------------------------------------------

def _units(action: Action, line: dict) -> float | None:
    if action.unite == "etude":
        return 1
    n = line.get("nb_logements")
    if n is None:
        return None
    excl = line.get(action.unites_exclues) if action.unites_exclues else None
    return max(float(n) - float(excl or 0), 0)


def _regle(action: Action, units: float | None) -> str:
    if action.unite == "etude":
        return f"{action.code} : forfait de {fmt_eur(action.montant or 0)} par étude"
    n = "?" if units is None else f"{units:g}"
    return f"{action.code} : {fmt_eur(action.montant or 0)} × {n} logt{'s' if units != 1 else ''}"


def verdict(droit: float | None, vote: float | None, cond_results: dict[str, str], capped: bool,
            ecretement_anah: object = None) -> str:
    """The line's statut: what was voted against what the rules give."""
    if droit is None:
        return "non_calcule" if FAIL not in cond_results.values() and UNKNOWN not in cond_results.values() \
            else "a_verifier"
    eligible = FAIL not in cond_results.values()
    if vote is None:
        return "en_attente"
    if not eligible:
        return "ineligible_engage" if vote > 0 else "conforme"
    if UNKNOWN in cond_results.values():
        return "a_verifier"
    ecart = vote - droit
    if abs(ecart) < 1:
        return "ecrete" if capped else "conforme"
    if ecart > 0:
        return "sur_attribution"
    return "ecrete" if str(ecretement_anah) == "oui" else "sous_attribution"


def droit_ligne(line: dict, rules: Rules, quota_restant: float | None = None) -> Droit:
    """Entitlement of one line. `quota_restant`: F10 logements still allowed in the commune (None = 3)."""
    code = line.get("code_action")
    action = rules.actions.get(code or "")
    vote = line.get("montant_vote")
    if action is None:
        return Droit(code, None, None, "a_verifier", f"{code} : action inconnue des règles", ["action inconnue"])
    conds: dict[str, str] = {}
    motifs: list[str] = []
    line = dict(line)
    for name in VARIANT_FIELDS.get(action.fiche or 0, ()):
        if line.get(name) is None and isinstance(action.si.get(name), list):
            line[name] = action.si[name][0]
    if line.get("pole_centralite") is None and line.get("code_insee"):
        line["pole_centralite"] = "oui" if line["code_insee"] in rules.poles else "non"
    if action.benef:
        r = evaluate("beneficiaire_type", list(action.benef), line)
        conds["beneficiaire_type"] = r
        if r != PASS:
            motifs.append(_describe("beneficiaire_type", list(action.benef)) if r == FAIL
                          else "type de bénéficiaire inconnu")
    if action.volet == "territorialise":
        siren = line.get("siren_epci")
        if not siren:
            conds["convention"] = UNKNOWN
            motifs.append("EPCI inconnu : convention non vérifiable")
        elif (siren, action.code) not in rules.conventions:
            conds["convention"] = FAIL
            motifs.append("action non conventionnée par l'EPCI")
        else:
            conds["convention"] = PASS
    for name, cond in action.si.items():
        r = evaluate(name, cond, line)
        conds[name] = r
        if r == FAIL:
            motifs.append(_describe(name, cond))
        elif r == UNKNOWN:
            motifs.append("inconnu : " + LABELS.get(name, name))
    for name, cond in action.exclu.items():
        if _excluded(name, cond, line):
            conds[f"exclu_{name}"] = FAIL
            motifs.append(f"exclusion : {LABELS.get(name, name)} = {value(line, name)}")
    if action.montant is None:                   # DAH: the convention sets the amounts (D-22)
        return Droit(code, None, None, "non_calcule", f"{code} : montant fixé par la convention DAH", motifs, conds)
    units = _units(action, line)
    if units is None:
        conds["nb_logements"] = UNKNOWN
        return Droit(code, None, None, "a_verifier", _regle(action, None), [*motifs, "nombre de logements inconnu"], conds)
    if "quota_commune" in action.si and FAIL not in conds.values():
        left = 3 if quota_restant is None else quota_restant
        if left <= 0:
            conds["quota_commune"] = FAIL
            motifs.append("quota de 3 logements communaux atteint dans la commune")
        elif units > left:
            motifs.append(f"quota : {left:g} logement(s) encore possible(s) dans la commune")
            units = left
    eligible = FAIL not in conds.values()
    regle = _regle(action, units)
    droit_regle = (action.montant if action.unite == "etude" else action.montant * units) if eligible else 0.0
    droit, capped = droit_regle, False
    cout = line.get("cout_operation")
    if cout is not None and eligible:
        cap = max(float(cout) - float(line.get("autres_subventions") or 0), 0.0)
        if cap < droit_regle:
            droit, capped = cap, True
            regle += f", plafonné à {fmt_eur(cap)} (coût − autres subventions)"
    statut = verdict(droit, vote, conds, capped, line.get("ecretement_anah"))
    return Droit(code, round(droit, 2), round(droit_regle, 2), statut, regle, motifs, conds, units if eligible else 0)


# --- many lines, in decision order -----------------------------------------------------------------

def _order(line: dict):
    d = line.get("date_decision") or line.get("date_depot") or dt.date.max
    return (d, str(line.get("id_dossier") or ""), str(line.get("code_action") or ""))


def calcule_droits(lines: list[dict], rules: Rules) -> list[Droit]:
    """Droit of every line, with the order-dependent rules of §7 (F10 quota, D-07, T18 after T17)."""
    out: list[Droit | None] = [None] * len(lines)
    order = sorted(range(len(lines)), key=lambda i: _order(lines[i]))
    quota_used: dict[str, float] = {}
    last_s6: dict[str, dt.date] = {}
    t17_units: dict[str, float] = {}
    deferred = []
    for i in order:
        line = lines[i]
        code = line.get("code_action") or ""
        if code.startswith("T18"):
            deferred.append(i)
            continue
        granted = line.get("statut") not in NOT_GRANTED
        when = line.get("date_decision") or line.get("date_depot")
        if code.startswith("S6"):
            hid = line.get("ref_anah")
            line = dict(line)
            if not hid:
                line["jours_depuis_aide_S6"] = None
            else:
                prev = last_s6.get(hid)
                line["jours_depuis_aide_S6"] = 10 ** 6 if prev is None or when is None else (when - prev).days
        commune = line.get("code_insee") or ""
        quota = 3 - quota_used.get(commune, 0) if code.startswith("T10") else None
        d = droit_ligne(line, rules, quota)
        out[i] = d
        if granted and d.droit and d.droit > 0:
            if code.startswith("T10"):
                quota_used[commune] = quota_used.get(commune, 0) + d.unites
            if code.startswith("S6") and line.get("ref_anah") and when:
                last_s6[line["ref_anah"]] = when
            if code.startswith("T17"):
                op = str(line.get("id_operation") or line.get("id_dossier"))
                t17_units[op] = t17_units.get(op, 0) + d.unites
    for i in deferred:
        line = dict(lines[i])
        op = str(line.get("id_operation") or line.get("id_dossier"))
        line["logements_T17_meme_operation"] = t17_units.get(op, 0)
        out[i] = droit_ligne(line, rules)
    return [d for d in out if d is not None]
