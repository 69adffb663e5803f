"""`bilan habitat build YEAR`: warehouse → the spec's tables (CSV + XLSX + TableSchema) → site and PDF.

Tables are computed once here (enveloppes.py, previsions.py, controles.py) and the pages only format
them. Public tables never name a natural person and blank small commune cells; dossier-level tables
(hab_droits, hab_anomalies, hab_caducite) and the Contrôles page only with `--interne`.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipeline import config
from pipeline.habitat import controles, store
from pipeline.habitat import enveloppes as env
from pipeline.habitat.base import as_of_date, build_base, months_elapsed, num, pct
from pipeline.habitat.previsions import previsions
from pipeline.habitat.rules import Rules

PUBLIC = ("hab_summary", "hab_budget_annuel", "hab_socle_axes", "hab_actions", "hab_epci_enveloppes",
          "hab_epci_actions", "hab_epci", "hab_communes", "hab_cantons", "hab_paiements", "hab_previsions",
          "scdl_subventions", "hab_quarantine")
INTERNE = ("hab_droits", "hab_anomalies", "hab_caducite")


@dataclass
class HabitatData:
    year: int
    extraction: dt.date
    as_of: dt.date
    base: pl.DataFrame
    tables: dict[str, pl.DataFrame]
    rules: Rules
    files: pl.DataFrame
    socle_fin: dict
    interne: bool


def report_dir(year: int) -> Path:
    return config.REPORTS_DIR / "habitat" / str(year)


def compute(con, rules: Rules, year: int, interne: bool = False) -> HabitatData:
    from pipeline.habitat.geo import communes as geo_communes
    from pipeline.ref import load_ref

    lines, pays = store.lines(con), store.payments(con)
    if not lines:
        raise ValueError("aucun dossier dans l'entrepôt de l'habitat (lancer d'abord `bilan habitat ingest`)")
    files = store.files(con)
    quarantine = store.quarantine(con)
    extraction = max(x["date_extraction"] for x in lines)
    as_of = as_of_date(year, extraction)
    places = geo_communes(year)
    b = build_base(lines, pays, rules, year, extraction, places)
    if b.height == 0 or b.filter(pl.col("annee") == year).height == 0:
        raise ValueError(f"aucun dossier pour {year}")
    ref = load_ref()
    ry = ref.for_year(year)
    pops = {s: int(p) for s, p in ry.communes.group_by("epci_siren").agg(pl.col("population").sum()).iter_rows()}
    names = dict(ry.epci.select("siren", "nom").iter_rows())
    cantons_of = {c: list(v or []) for c, v in ry.communes.select("code_insee", "canton_codes").iter_rows()}
    canton_names = dict(ry.cantons.select("code", "nom").iter_rows())
    prev, by_epci = previsions(b, rules, year, as_of)
    axes = env.socle_axes(b, rules, year, as_of)
    envs = env.epci_enveloppes(b, rules, as_of, by_epci)
    cad = controles.caducite(b, as_of)
    anomalies = controles.anomalies(b, rules, axes, envs, cad)
    budget = env.budget_annuel(b, rules, year)
    t = {
        "hab_budget_annuel": budget, "hab_socle_axes": axes, "hab_actions": env.actions(b, rules, year),
        "hab_epci_enveloppes": envs, "hab_epci_actions": env.epci_actions(b, rules),
        "hab_epci": env.epci(b, pops, names, year), "hab_communes": env.communes(b, year, cantons_of),
        "hab_cantons": env.cantons(b, year, canton_names), "hab_paiements": env.paiements(b),
        "hab_previsions": prev.with_columns(pl.col("date_epuisement").cast(pl.Date)),
        "scdl_subventions": scdl(b, year), "hab_quarantine": quarantine_public(quarantine),
        "hab_droits": droits_table(b, year), "hab_anomalies": anomalies, "hab_caducite": cad,
    }
    t["hab_summary"] = summary(b, t, rules, year, extraction, as_of, quarantine, anomalies)
    from pipeline.habitat.previsions import socle_year_end

    return HabitatData(year, extraction, as_of, b, t, rules, files, socle_year_end(env.current(b), rules, year, as_of),
                       interne)


def summary(b, t, rules, year, extraction, as_of, quarantine, anomalies) -> pl.DataFrame:
    e = env.engaged(b)
    ey = e.filter(pl.col("annee_engagement") == year)
    budget = t["hab_budget_annuel"].filter(pl.col("annee") == year)
    socle = budget.filter(pl.col("volet") == "socle").row(0, named=True)
    terr_cumul = num(e.filter(pl.col("volet") == "territorialise")["engage_net"])
    net_all = num(e["engage_net"])
    rows = [("annee", year), ("date_extraction", extraction.isoformat()),
            ("dossiers_deposes", b.filter(pl.col("date_depot").dt.year() == year)["id_dossier"].n_unique()),
            ("dossiers_engages", ey.filter(pl.col("engage_net") > 0)["id_dossier"].n_unique()),
            ("logements_aides", int(num(ey.filter(pl.col("engage_net") > 0)["logements"]))),
            ("engage_total", round(num(ey["engage_net"]), 2)),
            ("engage_socle", round(num(ey.filter(pl.col("volet") == "socle")["engage_net"]), 2)),
            ("engage_territorialise", round(num(ey.filter(pl.col("volet") == "territorialise")["engage_net"]), 2)),
            ("engage_dah", round(num(ey.filter(pl.col("volet") == "dah")["engage_net"]), 2)),
            ("verse_total", round(b.filter(pl.col("annee_engagement").is_not_null())["verse"].sum(), 2)),
            ("budget_socle", socle["budget"]), ("pct_socle", socle["pct"]),
            ("engage_territorialise_cumul", round(terr_cumul, 2)), ("pct_enveloppes_6ans", pct(terr_cumul, 6_000_000)),
            ("pct_temps_ecoule", pct(months_elapsed(as_of), 72)),
            ("reste_a_payer", round(max(net_all - num(e["verse"]), 0), 2)),
            ("lignes_bloquantes", anomalies.filter(pl.col("gravite") == "bloquant")["id_dossier"].drop_nulls().n_unique()),
            ("montant_quarantaine", round(float(num(quarantine["montant_lu"]) or 0), 2))]
    return pl.DataFrame({"indicateur": [r[0] for r in rows], "valeur": [str(r[1]) for r in rows]})


def quarantine_public(q: pl.DataFrame) -> pl.DataFrame:
    return q.select("fichier", "ligne", "raison", "montant_lu", "valeurs")


def droits_table(b: pl.DataFrame, year: int) -> pl.DataFrame:
    """§7: one row per accepted line deposited on or before 31/12/YEAR, all volets."""
    return (b.filter(pl.col("date_depot") <= dt.date(year, 12, 31))
            .select("id_dossier", "code_action", "annee", "code_insee", "nb_logements", "montant_vote",
                    pl.col("droit"), (pl.col("montant_vote") - pl.col("droit")).round(2).alias("ecart"),
                    pl.col("statut_droit").alias("statut"), "regle", "motifs")
            .sort("id_dossier", "code_action"))


def scdl(b: pl.DataFrame, year: int) -> pl.DataFrame:
    """SCDL Subventions 2.1.1: aid > 23 000 € to legal entities (décret 2017-779), decided in YEAR."""
    v = env.engaged(b).filter((pl.col("annee_engagement") == year) & ~pl.col("prive") & (pl.col("engage") > 23000))
    return v.select(pl.lit("Département de la Drôme").alias("nomAttribuant"), pl.lit("222600017").alias("idAttribuant"),
                    pl.col("date_decision").alias("dateConvention"), pl.col("id_dossier").alias("referenceDecision"),
                    pl.col("beneficiaire").alias("nomBeneficiaire"), pl.col("siren_beneficiaire").alias("idBeneficiaire"),
                    pl.col("libelle").alias("objet"), pl.col("engage").alias("montant"),
                    pl.lit("numéraire").alias("nature"), pl.lit("unique").alias("conditionsVersement"),
                    pl.lit("Aides à l'habitat 2023-2028").alias("dispositifAide")).sort("referenceDecision")


def write_tables(data: HabitatData, out: Path) -> list[Path]:
    """out/tables/NAME.csv + NAME.schema.json + excel/NAME-excel.csv (the shared publisher's functions:
    formula neutralisation, TableSchema, Excel-friendly CSV) and out/tables/habitat-YEAR.xlsx."""
    import xlsxwriter

    from pipeline.publish.safe import neutralise_frame
    from pipeline.publish.tables import table_schema, write_excel_csv

    folder = out / "tables"
    (folder / "excel").mkdir(parents=True, exist_ok=True)
    names = PUBLIC + (INTERNE if data.interne else ())
    for stale in INTERNE:                          # a public build never keeps an earlier internal table
        for path in (folder / f"{stale}.csv", folder / f"{stale}.schema.json", folder / "excel" / f"{stale}-excel.csv"):
            path.unlink(missing_ok=True)
    paths = []
    published = {}
    for name in names:
        df = data.tables[name]
        df = df.with_columns(pl.col(c).round(2) for c, t in df.schema.items() if t == pl.Float64)
        published[name] = df
        csv = folder / f"{name}.csv"
        neutralise_frame(df).write_csv(csv, null_value="")
        (folder / f"{name}.schema.json").write_text(json.dumps(table_schema(name, df), ensure_ascii=False, indent=2),
                                                     encoding="utf-8")
        paths += [csv, write_excel_csv(df, folder / "excel" / f"{name}-excel.csv")]
    xlsx = folder / f"habitat-{data.year}.xlsx"
    with xlsxwriter.Workbook(str(xlsx), {"strings_to_formulas": False, "strings_to_urls": False}) as wb:
        for name, df in published.items():
            neutralise_frame(df).write_excel(workbook=wb, worksheet=name[:31], autofilter=bool(df.height),
                                             freeze_panes=(1, 0), float_precision=2)
    paths.append(xlsx)
    return paths


def build_report(year: int, db: Path | None = None, out: Path | None = None, pdf: bool = False,
                 interne: bool = False, ref: Path | None = None, log=print) -> Path:
    """Tables, site (and PDF) of one year into out (default reports/habitat/YEAR/)."""
    import time

    from pipeline.habitat.model import build_pages
    from pipeline.habitat.rules import load_rules
    from pipeline.habitat.site import render_site

    t0 = time.perf_counter()
    rules = load_rules(ref)
    target = Path(out or report_dir(year))
    con = store.connect(db)
    try:
        data = compute(con, rules, year, interne)
    finally:
        con.close()
    write_tables(data, target)
    log(f"tableaux : {time.perf_counter() - t0:.1f} s")
    pages = build_pages(data)
    pdf_name = f"habitat-{year}.pdf" if pdf else None
    if not interne:
        (target / "controles.html").unlink(missing_ok=True)
    render_site(pages, target, year, data.as_of, data.extraction, pdf_name)
    log(f"site : {time.perf_counter() - t0:.1f} s")
    if pdf:
        from pipeline.habitat.pdf import render_pdf

        render_pdf(pages, target / f"habitat-{year}.pdf", year, data.as_of)
        log(f"PDF : {time.perf_counter() - t0:.1f} s")
    return target
