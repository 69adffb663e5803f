"""Page models of the housing report: every string and figure a reader sees, for the site and the PDF.

The site (site.py, Jinja2) and the PDF (pdf.py, Typst) render the same `Page` objects, so both print the
same numbers. Figures come from the tables of build.py; here they are only worded and formatted in
French (`1 041`, `14 %`, `12,5`). No natural person is ever named: private beneficiaries appear only as
counts, and commune cells with 1–2 private dossiers stay secret.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import polars as pl

from pipeline.fmt import fmt_dec, fmt_int, fmt_pct
from pipeline.habitat import svg
from pipeline.habitat.base import months_elapsed
from pipeline.habitat.previsions import METHOD

VOLET_LABEL = {"socle": "Aides socles", "territorialise": "Aides territorialisées", "dah": "Drôme Aménagement Habitat",
               "complement": "Complément (D-20)", "total": "Total"}
STATUT_LABEL = {"conforme": "conforme", "ecrete": "écrêté", "sur_attribution": "sur-attribution",
                "sous_attribution": "sous-attribution", "ineligible_engage": "inéligible mais engagé",
                "a_verifier": "à vérifier", "non_calcule": "non calculé (DAH, 2015-2022)", "en_attente": "en attente de vote"}
CONTROLE_LABEL = {"droit": "droit recalculé", "dates": "dates dans le désordre", "date_cp": "décision hors calendrier des CP",
                  "agrement_etat": "agrément de l'État (D-19)", "paye_superieur_vote": "payé supérieur au voté",
                  "versement": "modalités de versement", "d12_logements_operation": "logements d'une opération (D-12)",
                  "ordre_arrivee": "ordre d'arrivée", "enveloppe_epci_depassee": "enveloppe EPCI dépassée",
                  "caducite": "caducité"}
GRAVITE_LABEL = {"bloquant": "bloquant", "a_verifier": "à vérifier", "info": "information"}


def controle_label(c: str) -> str:
    if c.startswith("axe_"):
        return f"sous-enveloppe de l'axe {c.split('_')[1]} dépassée"
    return CONTROLE_LABEL.get(c, c.replace("_", " "))


MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre"]


def eur(x) -> str:
    return "–" if x is None else fmt_int(x) + "\u202f€"


def meur(x) -> str:
    return "–" if x is None else fmt_dec(x / 1e6, 2 if abs(x) < 1e6 else 1) + "\u202fM€"


def date_fr(d) -> str:
    if d is None:
        return "–"
    return f"{d.day}{'er' if d.day == 1 else ''} {MONTHS[d.month - 1]} {d.year}"


@dataclass
class Block:
    kind: str                              # table | svg | text
    title: str = ""
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    numeric: list[bool] = field(default_factory=list)
    classes: list[list[str]] = field(default_factory=list)
    svg: str = ""
    alt: str = ""
    small: bool = False
    paragraphs: list[str] = field(default_factory=list)
    note: str = ""


@dataclass
class Page:
    slug: str
    title: str
    nav: str
    lead: list[str] = field(default_factory=list)
    figures: list[tuple[str, str]] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    in_nav: bool = True


def table(title, columns, rows, numeric=None, note="", classes=None) -> Block:
    return Block("table", title, columns, rows, numeric or [False] + [True] * (len(columns) - 1), classes or [], note=note)


def build_pages(d) -> list[Page]:
    """All pages of the housing report for one HabitatData (build.py)."""
    from pipeline.maps import load_geometry
    from pipeline.ref import load_ref

    ref = load_ref()
    geo = load_geometry(str(ref.dir), ref.for_year(d.year).millesime)
    pages = [synthese(d, geo), socle(d), territorialise(d, geo)]
    pages += [epci_page(d, row) for row in d.tables["hab_epci_enveloppes"].iter_rows(named=True)]
    pages += [territoires(d, geo), dah(d), paiements(d), previsions(d)]
    if d.interne:
        pages.append(controles(d))
    pages += [qualite(d), methodologie(d), telechargements(d)]
    return pages


def _summary(d) -> dict[str, str]:
    return dict(d.tables["hab_summary"].iter_rows())


def synthese(d, geo) -> Page:
    s = _summary(d)
    y = d.year
    b = d.tables["hab_budget_annuel"]
    logts = int(s["logements_aides"])
    figures = [(meur(float(s["engage_total"])), f"engagés en {y}"), (fmt_int(logts), "logements aidés"),
               (fmt_pct(int(s["pct_socle"]) if s["pct_socle"] not in ("None", "") else None), "du budget des aides socles"),
               (fmt_pct(int(s["pct_enveloppes_6ans"])), f"des enveloppes EPCI engagées ({s['pct_temps_ecoule']}\u202f% du temps)"),
               (meur(float(s["verse_total"])), "versés depuis 2023"), (meur(float(s["reste_a_payer"])), "restent à payer")]
    over = d.tables["hab_epci_enveloppes"].filter(pl.col("projection_lineaire") > pl.col("enveloppe_6ans"))
    behind = d.tables["hab_epci_enveloppes"].filter(pl.col("ecart_pts") <= -20)
    lead = [f"En {y}, le Département a engagé {meur(float(s['engage_total']))} pour {fmt_int(logts)} logements : "
            f"{meur(float(s['engage_socle']))} d'aides socles, {meur(float(s['engage_territorialise']))} d'aides "
            f"territorialisées et {meur(float(s['engage_dah']))} pour Drôme Aménagement Habitat.",
            f"Depuis 2023, {fmt_pct(int(s['pct_enveloppes_6ans']))} des 6 M€ d'enveloppes territorialisées sont engagés, "
            f"pour {s['pct_temps_ecoule']}\u202f% du temps écoulé (situation au {date_fr(d.as_of)})."]
    if over.height:
        lead.append("Au rythme actuel, " + ", ".join(over["epci"]) + (" dépasserait" if over.height == 1 else " dépasseraient")
                    + " son enveloppe avant 2028 ; " + (", ".join(behind["epci"]) + " en sont loin." if behind.height else ""))
    years = list(range(2023, y + 1))
    series = [(VOLET_LABEL[v], [float(b.filter((pl.col("annee") == a) & (pl.col("volet") == v))["engage_net"].sum())
                                for a in years], svg.VOLET_COLOURS[v]) for v in ("socle", "territorialise", "dah")]
    budget_line = [float(b.filter((pl.col("annee") == a) & (pl.col("volet") == "socle"))["budget"].sum()) for a in years]
    e = d.tables["hab_epci"].filter(pl.col("periode") == "cumul").group_by("siren").agg(
        pl.col("engage").sum(), pl.col("population").first())
    per_hab = {r["siren"]: (r["engage"] / r["population"] if r["population"] else None) for r in e.iter_rows(named=True)}
    names = dict(d.tables["hab_epci_enveloppes"].select("siren", "epci").iter_rows())
    blocks = [Block("svg", "Engagements nets par année et par volet", svg=svg.grouped_bars(
        [str(a) for a in years], series, "Engagements par année et volet", budget_line, "budget des aides socles"),
        alt="Barres des engagements nets par année (aides socles, territorialisées, DAH) et budget annuel des aides socles.",
        note="Budgets 2024 et suivants : hypothèse égale au budget 2023 lorsque le vote n'est pas renseigné (D-03)."),
        Block("svg", "Aides engagées par habitant et par EPCI depuis 2023 (€)", svg=svg.choropleth(
            geo.epci, "siren", per_hab, "€ par habitant", "€ par habitant", fmt=lambda v: fmt_dec(v, 1), labels=names),
            alt="Carte des EPCI de la Drôme colorés selon les aides engagées par habitant depuis 2023.")]
    return Page("index", f"Aides à l'habitat : bilan {y}", "Synthèse", lead, figures, blocks)


def socle(d) -> Page:
    y = d.year
    axes = d.tables["hab_socle_axes"].filter(pl.col("annee") == y)
    items = [(f"Axe {r['axe']}", r["engage_net"], r["sous_enveloppe"],
              f"{fmt_pct(r['pct'])} de {svg.keur(r['sous_enveloppe'])}") for r in axes.iter_rows(named=True)]
    acts = d.tables["hab_actions"].filter((pl.col("periode") == "annee") & (pl.col("volet") == "socle"))
    rows = [[f"{r['code_action']} — {r['libelle']}", fmt_int(r["dossiers"]), fmt_int(r["logements"]),
             fmt_int(r["objectif_logements"]), fmt_pct(r["pct_objectif"]), eur(r["engage_net"]),
             eur(r["budget_indicatif"])] for r in acts.iter_rows(named=True)]
    lead = [f"Les aides socles disposent de {meur(d.rules.budget(y, 'socle')[0])} par an, répartis en trois "
            "sous-enveloppes par axe, fongibles à partir d'octobre."]
    for r in axes.filter(pl.col("alerte").is_not_null()).iter_rows(named=True):
        lead.append(f"En {y}, l'axe {r['axe']} ({r['libelle_axe'].lower()}) dépasse sa sous-enveloppe de "
                    f"{eur(r['depassement'])}" + (" avant octobre : à régulariser." if r["alerte"] == "bloquant"
                                                   else ", après octobre (fongibilité)."))
    for r in d.tables["hab_socle_axes"].filter(pl.col("alerte").is_not_null() & (pl.col("annee") < y)).iter_rows(named=True):
        lead.append(f"En {r['annee']}, l'axe {r['axe']} avait dépassé sa sous-enveloppe de {eur(r['depassement'])}.")
    b = d.base.filter((pl.col("volet") == "socle") & pl.col("annee_engagement").is_not_null())
    series = []
    colours = ["#9DB4C8", "#6F8FAF", "#3E6C93", svg.BLUE]
    for a in range(2023, y + 1):
        v = b.filter(pl.col("annee_engagement") == a).sort("date_decision")
        cum, pts = 0.0, [(0.0, 0.0)]
        for dd, x in v.select("date_decision", "engage_net").iter_rows():
            cum += x
            pts.append((dd.timetuple().tm_yday / 365 * 12, cum))
        series.append((str(a), pts, colours[-(y - a) - 1] if y - a < 4 else "#ccc", False))
    budget = d.rules.budget(y, "socle")[0] or 0
    curve = svg.lines_chart(series, "Engagements cumulés des aides socles par mois",
                            [(m, MONTHS[m][:3] + ".") for m in range(0, 12, 2)], (budget, "budget annuel"),
                            (9, "octobre : fongibilité"))
    delays = b.with_columns((pl.col("date_decision") - pl.col("date_depot")).dt.total_days().alias("a"),
                            (pl.col("premier_paiement") - pl.col("date_decision")).dt.total_days().alias("b"))
    drow = [[VOLET_LABEL[v], fmt_int(x.filter(pl.col("volet") == v)["a"].median()),
             fmt_int(x.filter(pl.col("volet") == v)["b"].median())]
            for v, x in (("socle", delays),)]
    blocks = [Block("svg", f"Sous-enveloppes par axe en {y}", svg=svg.gauges(items, "Sous-enveloppes par axe"),
                    alt="Jauges des trois axes : engagé net et sous-enveloppe.",
                    note="Axe 1 : production de PLAi ; axe 2 : parc privé des plus modestes ; axe 3 : autonomie."),
              table(f"Les 10 aides socles en {y} : objectif et réalisé",
                    ["Aide", "Dossiers", "Logements", "Objectif", "Réalisé", "Engagé net", "Budget indicatif"], rows,
                    note="Les budgets par ligne sont des objectifs ; seules les sous-enveloppes par axe s'imposent (D-05)."),
              Block("svg", "Engagements cumulés au fil de l'année", svg=curve,
                    alt="Courbes cumulées des engagements des aides socles par année, avec le budget annuel."),
              table("Délais médians (jours)", ["Volet", "Dépôt → décision", "Décision → 1er paiement"], drow)]
    return Page("socle", "Aides socles", "Aides socles", lead, [], blocks)


def territorialise(d, geo) -> Page:
    env = d.tables["hab_epci_enveloppes"]
    rows = [[r["epci"], eur(r["enveloppe_6ans"]), eur(r["engage_cumul"]), fmt_pct(r["pct_engage"]),
             fmt_pct(r["pct_temps_ecoule"]), f"{r['ecart_pts']:+d}".replace("-", "\u2212") + "\u202fpts",
             eur(r["verse_cumul"]), eur(r["projection_lineaire"]), fmt_pct(r["pct_cofinancement"])]
            for r in env.iter_rows(named=True)]
    items = [(r["epci"], r["pct_engage"] or 0, r["pct_temps_ecoule"] or 0,
              f"{fmt_pct(r['pct_engage'])} engagés") for r in env.iter_rows(named=True)]
    ea = d.tables["hab_epci_actions"]
    fiches = sorted({r["fiche"] for r in ea.iter_rows(named=True)})
    heat_rows, heat_classes = [], []
    for _, v in ea.group_by("siren", maintain_order=True):
        row, cls = [v["epci"][0]], [""]
        for f in fiches:
            x = v.filter(pl.col("fiche") == f)
            opened = x["conventionnee"].any()
            amount = x["engage_cumul"].sum()
            row.append(svg.keur(amount) if amount else ("·" if opened else "—"))
            cls.append("ferme" if not opened else ("fort" if amount >= 50000 else "faible" if amount else "vide"))
        heat_rows.append(row)
        heat_classes.append(cls)
    lead = ["6 M€ sont répartis en enveloppes par EPCI pour la durée du dispositif (2023-2028), pour les actions "
            "que chaque convention ouvre. Consommation = engagements nets (votes moins annulations).",
            "Les enveloppes par EPCI de cette démonstration sont une clé synthétique (D-01) ; un service charge "
            "ses conventions signées avec --ref."]
    blocks = [table("Les 12 enveloppes EPCI", ["EPCI", "Enveloppe", "Engagé", "% engagé", "% du temps", "Écart",
                                                 "Versé", "Projection 2028", "Cofinancement EPCI"], rows),
              Block("svg", "Part engagée et part du temps écoulé", svg=svg.gauges(items, "% engagé et % du temps"),
                    alt="Pour chaque EPCI, barre du pourcentage engagé et trait du pourcentage de temps écoulé.",
                    note="Barre : part de l'enveloppe engagée ; trait : part des 72 mois écoulée."),
              Block("svg", "Part de l'enveloppe engagée", svg=svg.choropleth(
                  geo.epci, "siren", dict(env.select("siren", "pct_engage").iter_rows()), "% engagé", "% engagé",
                  labels=dict(env.select("siren", "epci").iter_rows())), alt="Carte des EPCI selon la part engagée."),
              table("Actions par EPCI et par fiche (engagé depuis 2023)", ["EPCI"] + [f"F{f}" for f in fiches],
                    heat_rows, classes=heat_classes,
                    note="— : action non ouverte par la convention ; · : ouverte, rien d'engagé.")]
    return Page("territorialise", "Aides territorialisées", "Territorialisées", lead, [], blocks)


def epci_page(d, env_row: dict) -> Page:
    siren = env_row["siren"]
    b = d.base.filter((pl.col("siren_epci") == siren) & pl.col("annee_engagement").is_not_null()
                      & (pl.col("dispositif") != "2015-2022"))
    gauge = svg.gauges([("Engagé", env_row["engage_cumul"], env_row["enveloppe_6ans"], fmt_pct(env_row["pct_engage"])),
                        ("Projection 2028", env_row["projection_lineaire"] or 0, env_row["enveloppe_6ans"],
                         svg.keur(env_row["projection_lineaire"]))], "Enveloppe et projection")
    ea = d.tables["hab_epci_actions"].filter((pl.col("siren") == siren) & pl.col("conventionnee"))
    acts = [[r["code_action"], fmt_int(r["dossiers"]), fmt_int(r["logements"]), eur(r["engage_cumul"])]
            for r in ea.iter_rows(named=True)]
    soc = b.filter(pl.col("volet") == "socle").group_by("code_action").agg(
        pl.col("id_dossier").n_unique().alias("n"), pl.col("logements").sum(), pl.col("engage_net").sum()).sort("code_action")
    socle_rows = [[c, fmt_int(n), fmt_int(lg), eur(e)] for c, n, lg, e in soc.iter_rows()]
    com = d.tables["hab_communes"].filter((pl.col("siren_epci") == siren) & (pl.col("periode") == "cumul"))
    com_rows = [[r["commune"], "secret" if r["secret"] else fmt_int(r["dossiers"]),
                 "secret" if r["secret"] else fmt_int(r["logements"]), "secret" if r["secret"] else eur(r["engage"])]
                for r in com.sort("engage", descending=True, nulls_last=True).iter_rows(named=True)]
    ops = b.filter(~pl.col("prive") & (pl.col("engage_net") > 0)).sort("engage_net", descending=True).head(15)
    op_rows = [[r["beneficiaire"] or "–", r["commune"] or "–", r["code_action"], fmt_int(r["logements"]),
                eur(r["engage_net"])] for r in ops.iter_rows(named=True)]
    lead = [f"Enveloppe 2023-2028 : {eur(env_row['enveloppe_6ans'])}. Engagé au {date_fr(d.as_of)} : "
            f"{eur(env_row['engage_cumul'])} ({fmt_pct(env_row['pct_engage'])}, pour {fmt_pct(env_row['pct_temps_ecoule'])} "
            f"du temps écoulé) ; versé : {eur(env_row['verse_cumul'])}."]
    if (env_row["projection_lineaire"] or 0) > env_row["enveloppe_6ans"]:
        lead.append(f"Au rythme actuel, l'enveloppe serait dépassée : projection {eur(env_row['projection_lineaire'])}"
                    + (f", épuisement vers {date_fr(env_row['date_epuisement'])}." if env_row["date_epuisement"] else "."))
    elif env_row["ecart_pts"] <= -20:
        lead.append(f"La consommation a {-env_row['ecart_pts']} points de retard sur le temps écoulé.")
    blocks = [Block("svg", "Enveloppe", svg=gauge, alt="Jauge de l'enveloppe : engagé et projection 2028."),
              table("Actions ouvertes par la convention", ["Action", "Dossiers", "Logements", "Engagé"], acts),
              table("Aides socles sur le territoire", ["Aide", "Dossiers", "Logements", "Engagé"], socle_rows),
              table("Communes (depuis 2023)", ["Commune", "Dossiers", "Logements", "Engagé"], com_rows,
                    note="« secret » : moins de 3 dossiers de particuliers dans la commune."),
              table("Principales opérations de personnes morales", ["Bénéficiaire", "Commune", "Aide", "Logements",
                                                                     "Engagé"], op_rows,
                    numeric=[False, False, False, True, True])]
    return Page(f"epci/{siren}", env_row["epci"], env_row["epci"], lead, [], blocks, in_nav=False)


def territoires(d, geo) -> Page:
    c = d.tables["hab_cantons"].filter(pl.col("periode") == "cumul")
    rows = [[r["canton"], fmt_int(r["dossiers"]), fmt_int(r["logements"]), eur(r["engage"]), eur(r["verse"])]
            for r in c.iter_rows(named=True)]
    com = d.tables["hab_communes"].filter(pl.col("periode") == "cumul")
    vals = {r["code_insee"]: r["engage"] for r in com.iter_rows(named=True) if not r["secret"]}
    names = dict(com.select("code_insee", "commune").iter_rows())
    cant = {r["code_canton"]: r["engage"] for r in c.iter_rows(named=True)}
    blocks = [table("Aides engagées par canton depuis 2023", ["Canton", "Dossiers", "Logements", "Engagé", "Versé"], rows,
                    note="Valence, Montélimar et Romans-sur-Isère sont partagées entre cantons : une ligne sans canton y "
                         "est comptée « non ventilé »."),
              Block("svg", "Engagé par canton", svg=svg.choropleth(geo.cantons, "code", cant, "€ engagés", "€ engagés",
                                                                   fmt=svg.keur, labels=dict(c.select("code_canton", "canton").iter_rows())),
                    alt="Carte des cantons selon les aides engagées."),
              Block("svg", "Engagé par commune", svg=svg.choropleth(geo.communes, "code_insee", vals, "€ engagés",
                                                                    "€ engagés", fmt=svg.keur, labels=names),
                    alt="Carte des communes selon les aides engagées (communes au secret en gris).",
                    note="Gris : aucune aide, ou commune au secret (moins de 3 dossiers de particuliers).")]
    return Page("territoires", "Territoires", "Territoires", [f"Géographie au 1er janvier {d.year}."], [], blocks)


def dah(d) -> Page:
    b = d.tables["hab_budget_annuel"].filter(pl.col("volet") == "dah")
    rows = [[str(r["annee"]), eur(r["budget"]) + (" (hypothèse)" if r["nature_budget"] == "hypothese" else ""),
             eur(r["engage_net"]), fmt_pct(r["pct"]), eur(r["verse"])] for r in b.iter_rows(named=True)]
    ops = d.base.filter((pl.col("beneficiaire_type") == "dah") & pl.col("annee_engagement").is_not_null()
                        & (pl.col("annee_engagement") == d.year))
    by = ops.group_by("volet").agg(pl.col("id_dossier").n_unique(), pl.col("logements").sum(), pl.col("engage_net").sum())
    op_rows = [[VOLET_LABEL[v], fmt_int(n), fmt_int(lg), eur(e)] for v, n, lg, e in by.sort("volet").iter_rows()]
    lead = ["Drôme Aménagement Habitat, opérateur rattaché au Département, reçoit un soutien propre (1,7 M€ en 2023) "
            "fixé par convention : le règlement ne donne pas de taux, ces aides ne sont donc pas recalculées (D-22)."]
    return Page("dah", "Drôme Aménagement Habitat", "DAH", lead, [], [
        table("Engagements DAH par année", ["Année", "Budget", "Engagé net", "% du budget", "Versé"], rows),
        table(f"Aides reçues par DAH en {d.year}, par volet", ["Volet", "Dossiers", "Logements", "Engagé"], op_rows)])


def paiements(d) -> Page:
    p = d.tables["hab_paiements"]
    rows = [[str(r["annee_engagement"]), VOLET_LABEL.get(r["volet"], r["volet"]), r["dispositif"], eur(r["engage_net"]),
             eur(r["verse_cumul"]), eur(r["reste_a_payer"]), eur(r["annule"])] for r in p.iter_rows(named=True)]
    cad = d.tables["hab_caducite"]
    sit = cad.group_by("situation").agg(pl.len(), pl.col("engage").sum(), pl.col("verse").sum())
    labels = {"a_solder": "à solder dans les 6 mois", "caduc_a_annuler": "caduques, à annuler",
              "reversement_a_demander": "caduques avec acompte : reversement à demander", "en_cours": "en cours",
              "solde": "soldées"}
    srows = [[labels[s], fmt_int(n), eur(e), eur(v)] for s, n, e, v in sit.sort("situation").iter_rows()]
    return Page("paiements", "Paiements et caducités", "Paiements",
                ["Les subventions sont valables 3 ans à compter de la décision, prorogeables 2 ans puis, pour le parc "
                 "public, 1 an (D-18). Restes à payer par année d'engagement, dossiers de 2015-2022 compris."], [],
                [table("Engagé, versé et reste à payer", ["Année", "Volet", "Dispositif", "Engagé net", "Versé",
                                                          "Reste à payer", "Annulé"], rows,
                       numeric=[False, False, False, True, True, True, True]),
                 table(f"Validité des aides au {date_fr(d.as_of)}", ["Situation", "Lignes", "Engagé", "Versé"], srows)])


def previsions(d) -> Page:
    env = d.tables["hab_epci_enveloppes"]
    prev = d.tables["hab_previsions"]
    b = d.base.filter((pl.col("volet") == "territorialise") & pl.col("annee_engagement").is_not_null())
    m = months_elapsed(d.as_of)

    def curve(sel):
        cum, pts = 0.0, [(0.0, 0.0)]
        for dd, x in sel.sort("date_decision").select("date_decision", "engage_net").iter_rows():
            cum += x
            pts.append(((dd.year - 2023) * 12 + dd.month, cum))
        pts.append((m, cum))
        return pts, cum
    pts, total = curve(b)
    t = prev.row(0, named=True)
    series = [("engagé", pts, svg.BLUE, False), ("projection linéaire", [(m, total), (72, t["projection_lineaire"])], svg.BLUE, True),
              ("rythme 12 mois", [(m, total), (72, t["projection_12m"])], svg.ORANGE, True)]
    main = svg.lines_chart(series, "Aides territorialisées : engagé cumulé et projections",
                           [(12 * i, str(2023 + i)) for i in range(7)], (6_000_000, "6 M€"))
    rows = [[r["perimetre"], eur(r["budget"]), eur(r["engage_a_date"]), eur(r["projection_lineaire"]),
             eur(r["projection_12m"]), eur(r["pipeline"]), date_fr(r["date_epuisement"]) if r["date_epuisement"] else "–"]
            for r in prev.iter_rows(named=True)]
    smalls = []
    for r in env.iter_rows(named=True):
        p, tot = curve(b.filter(pl.col("siren_epci") == r["siren"]))
        smalls.append(Block("svg", r["epci"], svg=svg.lines_chart(
            [("", p, svg.BLUE, False), ("", [(m, tot), (72, r["projection_lineaire"] or tot)], svg.BLUE, True)],
            r["epci"], [(0, "2023"), (36, "2026"), (72, "2029")], (r["enveloppe_6ans"], "enveloppe"),
            width=300, height=170), alt=f"{r['epci']} : engagé cumulé et projection.", small=True))
    sf = d.socle_fin
    lead = [f"Au {date_fr(d.as_of)}, {m} mois sur 72 sont écoulés.",
            f"Aides socles {d.year} : {eur(sf['engage_a_date'])} engagés à date ; projection de fin d'année "
            f"{eur(sf['projection'])} pour un budget de {eur(sf['budget'])} ({sf['methode']})."]
    return Page("previsions", "Prévisions", "Prévisions", lead, [], [
        Block("svg", "Engagé cumulé et projections à 2028", svg=main,
              alt="Courbe des engagements territorialisés cumulés, projections en pointillés, ligne des 6 M€."),
        table("Projections par enveloppe", ["Enveloppe", "Budget", "Engagé", "Projection linéaire", "Rythme 12 mois",
                                            "Pipeline", "Épuisement"], rows),
        Block("text", "Méthode", paragraphs=[METHOD]), *smalls])


def controles(d) -> Page:
    dr = d.tables["hab_droits"].filter(pl.col("droit").is_not_null() & pl.col("montant_vote").is_not_null())
    colour = {"conforme": "#7A8B99", "sur_attribution": svg.RED, "sous_attribution": svg.ORANGE,
              "ineligible_engage": "#6A1B9A", "ecrete": svg.GREEN, "a_verifier": "#F2B705"}
    pts = [(r["droit"], r["montant_vote"], colour.get(r["statut"], "#999")) for r in dr.iter_rows(named=True)]
    an = d.tables["hab_anomalies"]
    by = an.group_by("controle", "gravite").len().sort("gravite", "len", descending=[False, True])
    rows = [[controle_label(c), GRAVITE_LABEL.get(g, g), fmt_int(n)] for c, g, n in by.iter_rows()]
    st = d.tables["hab_droits"].group_by("statut").len().sort("len", descending=True)
    srows = [[STATUT_LABEL.get(s, s), fmt_int(n)] for s, n in st.iter_rows()]
    top = an.filter(pl.col("gravite") == "bloquant").head(40)
    trows = [[r["id_dossier"] or "–", r["code_action"] or "–", controle_label(r["controle"]), r["detail"]]
             for r in top.iter_rows(named=True)]
    return Page("controles", "Contrôles (interne)", "Contrôles",
                ["Page interne : droits recalculés ligne à ligne et contrôles du règlement. Un point hors de la "
                 "diagonale est un montant voté différent du droit."], [],
                [Block("svg", "Voté et droit calculé", svg=svg.scatter(pts, "Voté et droit"),
                       alt="Nuage de points : montant voté selon le droit calculé."),
                 table("Verdicts", ["Statut", "Lignes"], srows),
                 table("Anomalies par contrôle", ["Contrôle", "Gravité", "Nombre"], rows, [False, False, True]),
                 table("Anomalies bloquantes", ["Dossier", "Aide", "Contrôle", "Détail"], trows,
                       [False, False, False, False])])


def qualite(d) -> Page:
    f = d.files
    rows = [[r["fichier"] + (f" [{r['feuille']}]" if r["feuille"] else ""), r["type"] or "refusé",
             date_fr(r["date_extraction"]), fmt_int(r["lignes_lues"]), fmt_int(r["acceptees"]), fmt_int(r["quarantaine"]),
             fmt_int(r["doublons"]), eur(r["euros_lus"]), eur(r["euros_quarantaine"]), r["refuse"] or ""]
            for r in f.iter_rows(named=True)]
    q = d.tables["hab_quarantine"]
    by = q.with_columns(pl.col("raison").str.split(" : ").list.first().alias("motif")).group_by("motif").agg(
        pl.len(), pl.col("montant_lu").sum()).sort("len", descending=True)
    qrows = [[m, fmt_int(n), eur(x)] for m, n, x in by.iter_rows()]
    return Page("qualite", "Qualité des données", "Qualité",
                ["Chaque ligne lue est acceptée, mise en quarantaine avec son motif, ou comptée comme doublon ; les "
                 "euros lus sont les euros acceptés plus ceux en quarantaine. Une ligne qui enfreint une règle est "
                 "acceptée et signalée : c'est ce que l'outil doit montrer.",
                 "Les exports sont des états datés : pour un même dossier, l'extraction la plus récente l'emporte, "
                 "quel que soit l'ordre de chargement."], [],
                [table("Fichiers chargés", ["Fichier", "Type", "Extraction", "Lues", "Acceptées", "Quarantaine",
                                            "Doublons", "€ lus", "€ en quarantaine", "Refus"], rows,
                       [False, False, False, True, True, True, True, True, True, False]),
                 table("Quarantaine par motif", ["Motif", "Lignes", "€ lus"], qrows)])


def methodologie(d) -> Page:
    rows = []
    for a in d.rules.actions.values():
        rows.append([a.code, a.libelle, "convention DAH" if a.montant is None else
                     eur(a.montant) + (" par étude" if a.unite == "etude" else " par logement"),
                     fmt_int(a.objectif_an) if a.objectif_an else "–", a.src])
    decisions = [
        "Consommation d'une enveloppe = engagements nets (votes moins annulations) ; paiements suivis à part (D-04).",
        "Alertes au niveau des axes ; les budgets par ligne sont des objectifs (D-05).",
        "Autonomie : reste à charge ≥ 2 000 € (TM) ou ≥ 4 000 € (M), forfait de 1 000 € ; une aide par ménage sur 365 jours glissants (D-06, D-07).",
        "Aides plafonnées au coût moins les autres subventions lorsque ces montants sont connus (D-24).",
        "Une condition non renseignée est supposée remplie pour le montant, la ligne est « à vérifier » ; une exclusion non renseignée n'exclut pas.",
        "Quota F10 (3 logements communaux par commune) et règle des 12 mois appliqués dans l'ordre des décisions ; une ligne refusée, annulée ou caduque ne consomme pas de quota.",
        "Une ligne non encore votée est « en attente » (droit calculé, pas de verdict).",
        "Secret statistique : une cellule commune × période comptant 1 ou 2 dossiers de particuliers est masquée.",
        "Enveloppes EPCI, conventions et pôles de centralité de la démonstration : données synthétiques (D-01, D-17, D-25).",
    ]
    return Page("methodologie", "Méthode et règles", "Méthode",
                ["Les règles sont lues dans data/ref/habitat/ (ou le dossier donné par --ref) : chaque montant porte la "
                 "ligne du règlement (délibération du 21/11/2022) dont il est tiré."], [],
                [table("Les aides et leurs montants", ["Code", "Aide", "Montant", "Objectif annuel", "Source"], rows,
                       [False, False, True, True, False]),
                 Block("text", "Choix d'interprétation", paragraphs=decisions)])


def telechargements(d) -> Page:
    from pipeline.habitat.build import INTERNE, PUBLIC

    names = PUBLIC + (INTERNE if d.interne else ())
    rows = [[f"tables/{n}.csv", "CSV (UTF-8, virgule)"] for n in names] + [[f"tables/habitat-{d.year}.xlsx", "classeur Excel"]]
    return Page("telechargements", "Données à télécharger", "Données", [], [], [
        table("Fichiers", ["Fichier", "Format"], rows, [False, False])])


def to_dict(pages: list[Page]) -> list[dict]:
    return [asdict(p) for p in pages]
