"""Calibrated demo exports of the housing service, 2023 → 31/10/2026 (spec §5), and their ground truth.

Synthetic, reproducible (seed 2023). Socle lines follow objectif_an × a realisation factor (axe 3 runs
over its sub-envelope, so the fungibility alert fires); territorialised aid follows each EPCI's envelope
× a dynamism factor (Valence Romans Agglo ends over its envelope in projection, Diois and Royans-Vercors
behind); DAH about 12 operations a year. The exports are written in the forms the service really saves:
yearly snapshots repeating every dossier (CSV cp1252 with a title row, an XLSX), personal columns, a few
bad rows. `expected/` holds the generator's own totals, for an independent check of the pipeline.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import random
from pathlib import Path

from pipeline.habitat.rules import Rules

SEED = 2023
END = dt.date(2026, 10, 31)
SNAPSHOTS = (dt.date(2023, 12, 31), dt.date(2024, 12, 31), dt.date(2025, 12, 31), END)
SOCLE_FACTOR = {"S1-NEUF": .95, "S1-AA": .7, "S1-ADAPTE": .8, "S2-MOI": .6, "S3-DIR": .8, "S3-IML": .6,
                "S4-LHI": .5, "S5-ENERGIE": .45, "S6-TM": 1.2, "S6-M": .9}
SOCLE_SIZE = {"S1-NEUF": 10, "S1-AA": 3, "S1-ADAPTE": 2, "S2-MOI": 1.3}
# territorialised: logements per dossier, weight (k€/yr at full speed, spec §5)
TERR = {"T7-RS": (8, 80), "T8-GDV": (3, 75), "T9-PLUS-AA": (4, 210), "T10-DIR": (1, 22), "T10-IML": (1, 22),
        "T11-RS-RENO": (10, 50), "T12-REHA-LLS": (20, 200), "T13-REHA-COM": (1.5, 15), "T14-DEMOL": (10, 45),
        "T15-COPRO": (6, 30), "T16-ACCESSION": (1, 40), "T17-PLAI-NEUF": (6, 60), "T17-PLUS-AA": (4, 60),
        "T19-PLH": (1, 8), "T19-PREOP": (1, 7)}
DYNAMISM = {"200068781": 1.55, "242600534": .5, "200067767": .6, "200040459": 1.3, "200042901": 1.3,
            "200040491": 1.2, "200073096": 1.3, "242600252": 1.15, "200068229": 1.2, "200040509": 1.2,
            "242600492": 1.1, "200040681": 1.25}
PRIVATE = ("proprietaire_occupant", "proprietaire_bailleur", "accedant")
HEADERS = ["N° dossier", "Aide", "Règlement", "Date de dépôt", "Commune des travaux", "Canton", "SIREN EPCI", "N° opération",
           "Nombre de logements", "Logements de l'opération", "Type de tiers", "Bénéficiaire", "Nom", "Prénom",
           "Téléphone", "Statut", "Date dossier complet", "Date d'agrément", "Date CP", "Date d'annulation",
           "Prorogations", "Montant sollicité", "Montant voté", "Montant désengagé", "Montant payé",
           "Coût de l'opération", "Autres financements", "Participation EPCI", "N° dossier Anah"]
CONDITION_COLUMNS = ["financement", "nature", "gestion", "loyer", "categorie", "reste_a_charge", "dpe_avant",
                     "dpe_apres", "gain_energetique_pct", "coef_insalubrite", "maison_individuelle", "ptz_5_ans",
                     "age", "gir", "handicap", "pch", "cofinancement", "operateur", "anah",
                     "nouvelle_convention_anah", "label_mda", "anru", "deja_demoli", "syndic", "endettement_pct",
                     "apport_pct", "perimetre_animation", "date_acquisition", "annees_conventionnement",
                     "nouvelle_convention_ans", "cofinancement_epci_commune", "aire_accueil", "suivi_plh"]


def _satisfy(name: str, cond, rnd: random.Random, when: dt.date):
    """A value meeting one condition of the rules (so that a line is eligible unless we break it)."""
    if cond == "requis":
        return {"date_agrement": when - dt.timedelta(days=rnd.randint(20, 120)), "gir": rnd.randint(2, 4),
                "perimetre_animation": "oui"}.get(name, "oui")
    if isinstance(cond, list):
        return rnd.choice(cond)
    if isinstance(cond, dict):
        if "min" in cond:
            b = cond["min"]
            return b + (rnd.randint(0, 3) if isinstance(b, int) and b < 50 else round(b * rnd.uniform(0, .5), 2))
        if "max" in cond:
            b = cond["max"]
            if isinstance(b, str):
                return rnd.choice("ABC"[: "ABC".index(b) + 1]) if b in "ABC" else b
            return round(b * rnd.uniform(.5, 1))
    return cond


def _cp_after(d: dt.date, cps: list[dt.date]) -> dt.date | None:
    return next((c for c in cps if c >= d), None)


class _Gen:
    def __init__(self, rules: Rules, geo: dict):
        self.rules, self.rnd, self.geo = rules, random.Random(SEED), geo
        self.lines: list[dict] = []
        self.n = 0
        communes = [c for c in geo.values() if c["code_insee"] == c.get("code_lu", c["code_insee"])]
        self.communes = {c["code_insee"]: c for c in communes}
        self.by_epci: dict[str, list[dict]] = {}
        for c in self.communes.values():
            self.by_epci.setdefault(c["siren_epci"], []).append(c)

    def pick_commune(self, power: float, epci: str | None = None, poles: bool = False, rnd=None) -> dict:
        pool = self.by_epci[epci] if epci else list(self.communes.values())
        if poles:
            pool = [c for c in pool if c["code_insee"] in self.rules.poles] or pool
        return (rnd or self.rnd).choices(pool, [max(c["population"] or 1, 1) ** power for c in pool])[0]

    def line(self, code: str, depot: dt.date, units: float, place: dict | None, siren: str | None = None) -> dict:
        a, rnd = self.rules.actions[code], self.rnd
        self.n += 1
        benef = rnd.choice(a.benef) if a.benef else "dah"
        line = {"id_dossier": f"HAB-{depot.year}-{self.n:05d}", "code_action": code, "date_depot": depot,
                "nb_logements": None if a.unite == "etude" else units, "beneficiaire_type": benef,
                "dispositif": "2023-2028"}
        if place:
            line.update(code_insee=place["code_insee"], siren_epci=place["siren_epci"])
            if len(place["canton_codes"]) > 1 and rnd.random() < .85:      # split commune: canton given
                line["canton"] = rnd.choice(place["canton_codes"])
        else:
            line.update(siren_epci=siren)
        for name, cond in a.si.items():
            if name not in ("quota_commune", "pole_centralite", "jours_depuis_aide_S6", "logements_T17_meme_operation",
                            "jours_depuis_acquisition"):
                line[name] = _satisfy(name, cond, rnd, depot)
        if "jours_depuis_acquisition" in a.si:
            line["date_acquisition"] = depot - dt.timedelta(days=rnd.randint(30, 300))
        if a.code.startswith("S3") and line.get("dpe_apres") not in ("A", "B", "C"):
            line["dpe_apres"] = "C"
        if benef in PRIVATE:
            line["ref_anah"] = f"ANAH-{rnd.randint(10**6, 10**7)}"
            line["nom"], line["prenom"] = rnd.choice(["Quenardel", "Vasseurin", "Brochardet"]), rnd.choice(["Ghislaine", "Anatole"])
            line["telephone"] = f"06 {rnd.randint(10, 99)} {rnd.randint(10, 99)} {rnd.randint(10, 99)} {rnd.randint(10, 99)}"
        else:
            line["beneficiaire"] = {"bailleur_social": rnd.choice(["Valence Romans Habitat", "Drôme Aménagement Habitat",
                                                                  "Habitat Dauphinois", "SDH Constructeur"]),
                                    "dah": "Drôme Aménagement Habitat", "association_moi": "Soliha Drôme",
                                    "commune": f"Commune de {place['commune']}" if place else "Commune",
                                    "epci": "EPCI", "syndic": "Syndicat des copropriétaires"}.get(benef, benef)
        if code.startswith("T14"):
            line["cofinancement_epci"] = 1000 * units
        self.lines.append(line)
        return line


def _dates_in(year: int, n: int, rnd: random.Random) -> list[dt.date]:
    start = dt.date(year, 1, 1)
    days = ((END if year == END.year else dt.date(year, 12, 31)) - start).days
    return sorted(start + dt.timedelta(days=rnd.randint(0, days)) for _ in range(n))


def generate(rules: Rules, geo: dict) -> list[dict]:
    """Every line with its full life (decision, annulation, payments), states as of 31/10/2026."""
    g = _Gen(rules, geo)
    rnd = g.rnd
    for year in range(2023, 2027):
        part = 10 / 12 if year == 2026 else 1
        for code, factor in SOCLE_FACTOR.items():                     # socle
            a = rules.actions[code]
            target = (a.objectif_an or 0) * factor * part / .94        # 6 % refused or annulled
            mean = SOCLE_SIZE.get(code, 1)
            sizes: list[int] = []
            while sum(sizes) < target:
                s = 1 if mean == 1 else max(1, min(40, round(rnd.lognormvariate(math.log(mean) - .08, .4))))
                sizes.append(s)
            power = 1.2 if mean > 1 else .8
            for depot, s in zip(_dates_in(year, len(sizes), rnd), sizes, strict=True):
                g.line(code, depot, s, g.pick_commune(power))
        speed = .4 if year == 2023 else 1                             # territorialised
        for e in rules.enveloppes:
            siren = e["siren"]
            budget = float(e["montant_6ans"]) / 6 * DYNAMISM.get(siren, 1) * speed * part
            opened = [c for c in TERR if (siren, c) in rules.conventions]
            rnd = random.Random(f"{SEED}-{siren}-{year}")      # each EPCI its own stream: tuning one moves no other
            spent, misses = 0.0, 0
            while opened and misses < 30:
                code = rnd.choices(opened, [TERR[c][1] for c in opened])[0]
                a = rules.actions[code]
                size = TERR[code][0]
                units = 1 if a.unite == "etude" else max(1, round(rnd.lognormvariate(math.log(size), .4)))
                if code.startswith(("T10", "T13")):
                    units = min(units, 2)
                cost = (a.montant or 0) * units * (2.25 if code.startswith("T17") else 1)
                if spent + cost > budget:                                 # never overshoot the year's budget
                    misses += 1
                    continue
                depot = _dates_in(year, 1, rnd)[0]
                if a.unite == "etude":
                    line = g.line(code, depot, units, None, siren)
                else:
                    line = g.line(code, depot, units, g.pick_commune(.8 if a.parc_prive else 1.2, siren,
                                                                      poles=code.startswith(("T10", "T13")), rnd=rnd))
                spent += (a.montant or 0) * units
                if code.startswith("T17"):                           # F18: a shared space in one operation of two
                    line["id_operation"] = f"OP-{g.n}"
                    line["label_mda"] = rnd.choice(["VB", "HI"])
                    if rnd.random() < .5:
                        g.lines.append(dict(line, code_action="T18-ESPACE"))
                        spent += 2500 * units
        rnd = g.rnd
        for depot in _dates_in(year, round(12 * part), rnd):           # DAH
            line = g.line(rnd.choice(["DAH-REHA", "DAH-PLUS"]), depot, rnd.randint(8, 40), g.pick_commune(1.2))
            line["montant_vote_dah"] = round(rnd.lognormvariate(math.log(140000), .3), -2)
    main_stream, g.rnd = g.rnd, random.Random(SEED + 29)      # own stream: the other lines stay as they were
    for i in range(14):                  # D-29: 2015-2022 dossiers still being paid
        code = ("S1-NEUF", "S6-TM", "S4-LHI")[i % 3]
        depot = dt.date(2022, 1, 10) + dt.timedelta(days=20 * i)
        line = g.line(code, depot, 1 if code != "S1-NEUF" else 6, g.pick_commune(1.0))
        line.update(dispositif="2015-2022", id_dossier=f"HAB-2015-2022-{i + 1:03d}",
                    date_decision_legacy=dt.date(2022, 11, 7))
    g.rnd = main_stream
    _life(g.lines, rules, rnd)
    return g.lines


def _life(lines: list[dict], rules: Rules, rnd: random.Random) -> None:
    """Decision, vote (with injected over/under/ineligible grants), annulation, extension, payments."""
    from pipeline.habitat.droits import calcule_droits

    for line in lines:
        line["date_complet"] = line["date_depot"] + dt.timedelta(days=rnd.randint(0, 60))
        dec = line.pop("date_decision_legacy", None) or \
            _cp_after(line["date_complet"] + dt.timedelta(days=45), rules.calendrier_cp)
        line["date_decision"] = dec if dec and dec <= END else None
    droits = calcule_droits(lines, rules)
    for line, d in zip(lines, droits, strict=True):
        r = rnd.random()
        line["montant_demande"] = d.droit if d.droit is not None else line.get("montant_vote_dah")
        if line["date_decision"] is None:
            line["statut"] = "en_instruction"
            continue
        if r < .03:
            line["statut"], line["date_decision"] = "refuse", None
            continue
        vote = line.pop("montant_vote_dah", None) if d.droit is None else d.droit
        if d.droit:
            if r < .06:
                vote = round(d.droit * 1.2, 2)                    # over-granted
            elif r < .08:
                vote = round(d.droit * .8, 2)                     # under-granted
            elif r < .09 and line.get("dpe_apres"):
                line["dpe_apres"] = "E"                           # ineligible, engaged anyway
        line["montant_vote"] = vote
        line["statut"] = "engage"
        if rnd.random() < .03:
            line["date_annulation"] = min(END, line["date_decision"] + dt.timedelta(days=rnd.randint(90, 500)))
            line["montant_annule"] = vote
            line["statut"] = "annule"
            continue
        if rnd.random() < .10:
            line["prorogations"] = 1
        private = rules.actions[line["code_action"]].parc_prive
        pays = []
        if vote and vote >= 20000 and not private:
            when = line["date_decision"] + dt.timedelta(days=rnd.randint(60, 240))
            pays.append((when, round(vote / 2, 2), "acompte"))
        lo, hi = (180, 540) if private else (540, 1080)
        when = line["date_decision"] + dt.timedelta(days=rnd.randint(lo, hi))
        pays.append((when, round(vote - sum(p[1] for p in pays), 2), "solde" if pays else "unique"))
        line["paiements"] = pays
    # one complete dossier passed over (first come, first served, L289): left waiting while later ones were voted
    for line in lines:
        if line["code_action"] == "S5-ENERGIE" and line.get("date_decision") and line["date_complet"].year == 2026 \
                and line.get("montant_vote"):
            line.update(date_decision=None, montant_vote=None, statut="en_instruction", paiements=[])
            line.pop("prorogations", None)
            break
    # one territorialised action outside its EPCI's convention (Diois has not opened F7)
    for line in lines:
        if line["code_action"] == "T9-PLUS-AA" and line.get("siren_epci") == "242600534" and line.get("montant_vote"):
            line["code_action"] = "T7-RS"
            line["beneficiaire_type"] = "association_moi"
            break


def state_at(line: dict, when: dt.date) -> dict | None:
    """The line as an export of `when` shows it (None if not yet deposited)."""
    if line["date_depot"] > when:
        return None
    s = dict(line)
    for k in ("date_complet", "date_decision", "date_annulation", "date_agrement"):
        if s.get(k) and s[k] > when:
            s[k] = None
    paid = sum(p[1] for p in line.get("paiements", []) if p[0] <= when)
    s["montant_verse"] = paid
    if s.get("date_decision") is None:
        s["montant_vote"] = None
        s["statut"] = "refuse" if line["statut"] == "refuse" and when >= line["date_complet"] + dt.timedelta(60) \
            else "en_instruction"
        s["prorogations"] = None
    elif s.get("date_annulation"):
        s["statut"] = "annule"
    else:
        s["montant_annule"] = None
        s["statut"] = "solde" if line.get("montant_vote") and paid >= line["montant_vote"] - 1 else "engage"
    return s


STATUT_LABEL = {"en_instruction": "En instruction", "refuse": "Refusé", "engage": "Voté", "solde": "Soldé",
                "annule": "Annulé"}
PORTAL_LABEL = {"S1-NEUF": "PLAI standard", "T9-PLUS-AA": "Acquisition-Amélioration (PLUS)",
                "T14-DEMOL": "Démolition (aide territorialisée)"}


def _fd(d) -> str:
    return d.strftime("%d/%m/%Y") if d else ""


def _eur(x, style: str) -> str:
    if x is None:
        return ""
    if style == "fr":
        return f"{x:,.2f}".replace(",", " ").replace(".", ",") + " €"
    return f"{x:g}" if float(x).is_integer() else f"{x:.2f}"


def _row(s: dict, style: str, rnd: random.Random) -> list:
    code = s["code_action"]
    label = PORTAL_LABEL.get(code, code) if rnd.random() < .5 else code
    canton = s.get("canton") or ""
    row = [s["id_dossier"], label, s["dispositif"], _fd(s["date_depot"]), s.get("code_lu") or s.get("code_insee") or "",
           canton, s.get("siren_epci") if not s.get("code_insee") else "", s.get("id_operation") or "", _eur(s.get("nb_logements"), "plain"), "",
           s["beneficiaire_type"], s.get("beneficiaire") or f"{s.get('prenom', '')} {s.get('nom', '')}".strip(),
           s.get("nom", ""), s.get("prenom", ""), s.get("telephone", ""), STATUT_LABEL[s["statut"]],
           _fd(s.get("date_complet")), _fd(s.get("date_agrement")), _fd(s.get("date_decision")),
           _fd(s.get("date_annulation")), s.get("prorogations") or "", _eur(s.get("montant_demande"), style),
           _eur(s.get("montant_vote"), style), _eur(s.get("montant_annule"), style),
           _eur(s.get("montant_verse") or None, style), "", "", _eur(s.get("cofinancement_epci"), style),
           s.get("ref_anah", "")]
    for c in CONDITION_COLUMNS:
        v = s.get(c)
        row.append(_fd(v) if isinstance(v, dt.date) else "" if v is None else str(v))
    return row


BAD_ROWS = [  # (id, aide, date, commune, amount): what quarantine must catch (spec §2)
    ("HAB-ERR-1", "S1-NEUF", "12/03/2026", "26999", "10 500,00 €"),
    ("HAB-ERR-2", "S1-NEUF", "31/02/2026", "26362", "7 000,00 €"),
    ("HAB-ERR-3", "Aide façade", "02/04/2026", "26113", "5 000,00 €"),
    ("HAB-ERR-4", "S4-LHI", "02/04/2026", "26113", "12 5OO"),
    ("HAB-ERR-5", "Offre nouvelle PLAi PLUS", "02/05/2026", "26113", ""),
]


def write_exports(out: Path, rules: Rules, geo: dict) -> list[Path]:
    """Yearly dossier snapshots + yearly payment files + expected/; returns the files in the demo's load order."""
    out.mkdir(parents=True, exist_ok=True)
    lines = generate(rules, geo)
    rnd = random.Random(SEED + 1)
    for line in lines:                                   # 2026 mergers: a few lines keep the old code
        if line.get("code_insee") in ("26216", "26289") and rnd.random() < .5:
            line["code_lu"] = {"26216": "26219", "26289": "26371"}[line["code_insee"]]
    head = HEADERS + CONDITION_COLUMNS
    files = {}
    for when in SNAPSHOTS:
        rows = [_row(s, "fr" if when.year >= 2025 else "plain", rnd) for s in (state_at(x, when) for x in lines) if s]
        if when == END:
            for i, aide, date, commune, amount in BAD_ROWS:
                bad = [""] * len(head)
                bad[0], bad[1], bad[3], bad[4], bad[8], bad[10], bad[22] = i, aide, date, commune, "1", "Commune", amount
                rows.append(bad)
            rows.append(list(rows[0]))                    # a row exported twice
        title = [f"Export du {_fd(when)}"]
        if when.year == 2024:
            path = out / "dossiers_2024.xlsx"
            _xlsx(path, [title, [], head, *rows])
        else:
            enc = "cp1252" if when.year == 2025 else "utf-8"
            path = out / f"dossiers_{when.year}.csv"
            with open(path, "w", newline="", encoding=enc, errors="replace") as f:
                w = csv.writer(f, delimiter=";")
                w.writerow(title)
                w.writerow(head)
                w.writerows(rows)
        files[when.year] = path
    pays: list[tuple] = []
    for line in lines:
        for when, amount, nature in line.get("paiements", []):
            if when <= END:
                pays.append((when, line["id_dossier"], line["code_action"], amount, nature, f"M{when.year}-{len(pays):05d}"))
    pay_files = []
    for year in range(2023, 2027):
        path = out / f"paiements_{year}.csv"
        with open(path, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, delimiter=";")
            w.writerow([f"Extraction du {_fd(min(END, dt.date(year, 12, 31)))}"])
            w.writerow(["N° dossier", "Code aide", "Date mandat", "Montant mandat", "Nature du versement", "N° mandat"])
            for p in sorted(pays):
                if p[0].year == year:
                    w.writerow([p[1], p[2], _fd(p[0]), _eur(p[3], "fr"), p[4], p[5]])
        pay_files.append(path)
    _expected(out / "expected", lines, pays)
    # the demo loads one snapshot out of order: 2024 before 2023
    return [files[2024], files[2023], files[2025], files[2026], *pay_files]


def _xlsx(path: Path, rows: list[list]) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Dossiers")
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if v not in ("", None):
                ws.write(r, c, v)
    wb.close()


def _expected(d: Path, lines: list[dict], pays: list) -> None:
    """The generator's own totals as of 31/10/2026, computed from its lines (not by the pipeline)."""
    d.mkdir(parents=True, exist_ok=True)
    engaged: dict[str, float] = {}
    epci: dict[str, float] = {}
    for x in lines:
        if x.get("date_decision") and x["statut"] != "annule" and x.get("montant_vote") and \
                x["dispositif"] == "2023-2028":
            k = f"{x['date_decision'].year}|{x['code_action'].split('-')[0][0] if not x['code_action'].startswith('DAH') else 'D'}"
            engaged[k] = engaged.get(k, 0) + x["montant_vote"]
            if x["code_action"].startswith("T"):
                epci[x["siren_epci"]] = epci.get(x["siren_epci"], 0) + x["montant_vote"]
    (d / "attendu.json").write_text(json.dumps({
        "lignes": len(lines), "lignes_quarantaine_injectees": len(BAD_ROWS),
        "engage_net_par_annee_volet": {k: round(v, 2) for k, v in sorted(engaged.items())},
        "territorialise_cumul_par_epci": {k: round(v, 2) for k, v in sorted(epci.items())},
        "verse_total": round(sum(p[3] for p in pays), 2)}, indent=1, ensure_ascii=False), encoding="utf-8")
