"""One raw row of a dossier or payment export → a typed line, or the reason it goes to quarantine.

Values arrive as text in the forms people type and Excel saves: "12 500,00 €", "31/12/2024", "Oui",
portal labels instead of codes ("PLAI standard"). Anything that cannot be placed or counted is refused
with a reason an instructor can act on ("montant illisible : « 12 5OO »"); a row that merely breaks a
rule is accepted — showing that is what the tool is for.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re

from pipeline.errors import BilanError
from pipeline.habitat.rules import Rules
from pipeline.text import key

DATE_FIELDS = ("date_depot", "date_complet", "date_agrement", "date_decision", "date_annulation",
               "date_achevement", "date_acquisition", "date_conventionnement", "date_paiement")
MONEY_FIELDS = ("montant_demande", "montant_vote", "montant_annule", "montant_verse", "cout_operation",
                "autres_subventions", "cofinancement_epci", "montant", "reste_a_charge")
NUMBER_FIELDS = ("nb_logements", "nb_logements_operation", "gain_classes", "gain_energetique_pct",
                 "coef_insalubrite", "age", "endettement_pct", "apport_pct", "nouvelle_convention_ans",
                 "logements_alt_chrs_urgence", "prorogations", "annees_conventionnement", "gir")
YES_NO = ("arrete_insalubrite_peril", "maison_individuelle", "ptz_5_ans", "handicap", "pch", "cofinancement",
          "operateur", "mandataire", "anah", "nouvelle_convention_anah", "anru", "deja_demoli", "syndic",
          "perimetre_animation", "suivi_plh", "aire_accueil", "ecretement_anah", "cofinancement_epci_commune")
UPPER = ("loyer", "categorie", "dpe_avant", "dpe_apres", "label_mda")
_YES = {"oui", "o", "yes", "y", "1", "vrai", "true", "x"}
_NO = {"non", "n", "no", "0", "faux", "false"}
SALT = "bilan-habitat-2023-2028"


class Refus(BilanError):
    """The row cannot be placed or counted: the message is the quarantine reason (exit 2 if it reaches the CLI)."""


def parse_date(text: str) -> dt.date:
    t = text.strip().split(" ")[0].split("T")[0]
    for pattern, order in ((r"(\d{4})-(\d{1,2})-(\d{1,2})", "ymd"), (r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", "dmy"),
                           (r"(\d{4})/(\d{1,2})/(\d{1,2})", "ymd")):
        m = re.fullmatch(pattern, t)
        if m:
            a, b, c = map(int, m.groups())
            y, mo, d = (a, b, c) if order == "ymd" else (c, b, a)
            return dt.date(y, mo, d)
    if re.fullmatch(r"\d{5}", t):                      # an Excel serial date left as a number
        return dt.date(1899, 12, 30) + dt.timedelta(days=int(t))
    raise ValueError(text)


def parse_eur(text: str) -> float:
    t = re.sub(r"[\s\u00a0\u202f€]|EUR", "", text.strip(), flags=re.I)
    if "," in t and "." in t:
        t = t.replace(".", "").replace(",", ".") if t.rfind(",") > t.rfind(".") else t.replace(",", "")
    else:
        t = t.replace(",", ".")
    if not re.fullmatch(r"-?\d+(\.\d+)?", t):
        raise ValueError(text)
    return float(t)


def hash_ref(value: str) -> str:
    """ref_anah is kept only as a salted hash (D-07 needs equality, never the number)."""
    return hashlib.sha256((SALT + key(value)).encode()).hexdigest()[:16]


def parse_field(name: str, raw: str | None, rules: Rules):
    """Typed value of one cell; ValueError when unreadable (the caller words the reason)."""
    if raw is None or str(raw).strip() == "":
        return None
    raw = str(raw).strip()
    if name in DATE_FIELDS:
        return parse_date(raw)
    if name in MONEY_FIELDS:
        return parse_eur(raw)
    if name in NUMBER_FIELDS:
        return parse_eur(raw.replace("%", ""))
    if name in YES_NO:
        k = key(raw)
        return "oui" if k in _YES else "non" if k in _NO else raw
    if name == "categorie":                        # Anah's resource categories, as the portal spells them
        k = key(raw)
        return {"tres modeste": "TM", "tres modestes": "TM", "modeste": "M", "modestes": "M"}.get(k, raw.upper())
    if name in UPPER:
        return raw.upper().replace(" ", "")
    if name in ("financement", "nature", "beneficiaire_type", "statut"):
        return rules.resolve(name, raw) or key(raw).replace(" ", "_")
    if name == "gestion":
        k = key(raw)
        return "iml" if "iml" in k or "intermediation" in k else "directe" if "direct" in k else k
    if name == "ref_anah":
        return hash_ref(raw)
    if name == "dispositif":
        return "2015-2022" if "2015" in raw or ("2022" in raw and "2023" not in raw) else "2023-2028"
    if name in ("code_insee", "siren_epci", "siren_beneficiaire"):
        return re.sub(r"\s", "", raw)
    return raw


def resolve_action(raw: str | None, row: dict, rules: Rules) -> str:
    """Code of the line's aid: a code, a portal label through the aliases, or a fiche whose variant the
    other columns decide (D-27: gestion for F3/F10, categorie for F6, financement × nature for F17)."""
    if raw is None or not str(raw).strip():
        raise Refus("action manquante")
    found = rules.resolve("action", raw)
    if found is None:
        m = re.fullmatch(r"(?:f|fiche)\s*(\d+)", key(raw))
        found = f"F{m.group(1)}" if m else None
    if found is None:
        raise Refus(f"action inconnue : « {raw} »")
    if found in rules.actions:
        return found
    fam = found
    gestion, cat = row.get("gestion"), row.get("categorie")
    fin, nat = row.get("financement"), row.get("nature")
    choice = None
    if fam == "F3" and gestion in ("directe", "iml"):
        choice = "S3-DIR" if gestion == "directe" else "S3-IML"
    elif fam == "F10" and gestion in ("directe", "iml"):
        choice = "T10-DIR" if gestion == "directe" else "T10-IML"
    elif fam == "F6" and cat in ("TM", "M"):
        choice = f"S6-{cat}"
    elif fam == "F17" and fin in ("PLUS", "PLAI") and nat in ("neuf", "vefa", "aa"):
        choice = f"T17-{'PLUS' if fin == 'PLUS' else 'PLAI'}-{'AA' if nat == 'aa' else 'NEUF'}"
    elif fam in ("F1",) and fin and nat:
        choice = "S1-ADAPTE" if fin == "PLAI_ADAPTE" else "S1-AA" if nat == "aa" else "S1-NEUF"
    if choice is None:
        need = {"F3": "mode de gestion", "F10": "mode de gestion", "F6": "catégorie de ressources",
                "F17": "financement ni nature"}.get(fam, "variante")
        raise Refus(f"action ambiguë : « {raw} » sans {need}")
    return choice
