"""The housing report end to end on the calibrated demo: synth → ingest (a snapshot out of order) →
tables, site and PDF. Expected totals come from the generator's own ledger (expected/attendu.json),
computed from its lines, not by the pipeline."""

import json
import re
import subprocess

import polars as pl
import pytest

from pipeline.habitat import build, store, synth
from pipeline.habitat.geo import communes
from pipeline.habitat.ingest import ingest_paths
from pipeline.habitat.rules import load_rules


@pytest.fixture(scope="session")
def demo(tmp_path_factory):
    root = tmp_path_factory.mktemp("habitat")
    rules = load_rules()
    files = synth.write_exports(root / "exports", rules, communes(2023))
    db = root / "h.duckdb"
    counts = ingest_paths(files, rules, db)
    out = build.build_report(2026, db, root / "report", pdf=False, log=lambda m: None)
    con = store.connect(db)
    data = build.compute(con, rules, 2026, interne=True)
    con.close()
    expected = json.loads((root / "exports" / "expected" / "attendu.json").read_text())
    return {"root": root, "counts": counts, "out": out, "data": data, "expected": expected, "rules": rules}


def test_every_file_reconciles(demo):
    for c in demo["counts"]:
        assert c["lignes_lues"] == c["acceptees"] + c["quarantaine"] + c["doublons"], c
    q = demo["data"].tables["hab_quarantine"]
    assert q.height == demo["expected"]["lignes_quarantaine_injectees"]
    assert {r.split(" : ")[0] for r in q["raison"]} == {"code INSEE inconnu", "date de dépôt illisible", "action inconnue",
                                                          "montant illisible", "action ambiguë"}


def test_engagements_match_the_generator_ledger(demo):
    b = demo["data"].tables["hab_budget_annuel"]
    volet = {"S": "socle", "T": "territorialise", "D": "dah"}
    for k, amount in demo["expected"]["engage_net_par_annee_volet"].items():
        year, v = k.split("|")
        got = b.filter((pl.col("annee") == int(year)) & (pl.col("volet") == volet[v]))["engage_net"].item()
        assert got == pytest.approx(amount, abs=0.01), k
    env = dict(demo["data"].tables["hab_epci_enveloppes"].select("siren", "engage_cumul").iter_rows())
    for siren, amount in demo["expected"]["territorialise_cumul_par_epci"].items():
        assert env[siren] == pytest.approx(amount, abs=0.01), siren
    summary = dict(demo["data"].tables["hab_summary"].iter_rows())
    assert float(summary["verse_total"]) == pytest.approx(demo["expected"]["verse_total"], abs=0.01)


def test_what_the_demo_shows(demo):
    t = demo["data"].tables
    env = t["hab_epci_enveloppes"]
    over = env.filter(pl.col("projection_lineaire") > pl.col("enveloppe_6ans"))["epci"].to_list()
    assert over == ["CA Valence Romans Agglo"]
    assert env.filter(pl.col("ecart_pts") <= -30).height == 2                  # Diois, Royans-Vercors behind
    assert t["hab_socle_axes"].filter((pl.col("axe") == 3) & pl.col("alerte").is_not_null()).height >= 1
    assert "ordre_arrivee" in set(t["hab_anomalies"]["controle"])            # the dossier passed over
    statuts = set(t["hab_droits"]["statut"])
    assert {"conforme", "sur_attribution", "sous_attribution", "ineligible_engage", "non_calcule"} <= statuts
    # the T7 line placed in the Diois, whose convention has not opened F7, is ineligible
    d = t["hab_droits"].join(demo["data"].base.select("id_dossier", "code_action", "siren_epci"),
                             on=["id_dossier", "code_action"])
    assert d.filter((pl.col("code_action") == "T7-RS") & (pl.col("siren_epci") == "242600534"))["statut"].to_list() == [
        "ineligible_engage"]


def test_public_outputs_hold_no_personal_data_and_small_cells_are_secret(demo):
    out = demo["out"]
    assert not (out / "tables" / "hab_droits.csv").exists() and not (out / "controles.html").exists()
    text = "".join(p.read_text(encoding="utf-8") for p in out.rglob("*") if p.suffix in (".csv", ".html"))
    for name in ("Quenardel", "Vasseurin", "Brochardet", "Ghislaine", "Anatole", "ANAH-"):
        assert name not in text
    assert not re.search(r"06 \d\d \d\d \d\d \d\d", text)
    com = pl.read_csv(out / "tables" / "hab_communes.csv", infer_schema_length=0)
    secret = com.filter(pl.col("secret") == "true")
    assert secret.height > 0 and secret["engage"].null_count() == secret.height


def test_site_pages_are_french_and_complete(demo):
    out = demo["out"]
    pages = {p.relative_to(out).as_posix() for p in out.rglob("*.html")}
    assert {"index.html", "socle.html", "territorialise.html", "territoires.html", "dah.html", "paiements.html",
            "previsions.html", "qualite.html", "methodologie.html"} <= pages
    assert len([p for p in pages if p.startswith("epci/")]) == 12
    index = (out / "index.html").read_text(encoding="utf-8")
    assert re.search(r"\d+,\d\u202fM€", index) and "\u202f%" in index
    for page in pages:
        html = (out / page).read_text(encoding="utf-8")
        assert not re.search(r">\s*(None|nan|null|NaN)\s*<", html), page


@pytest.mark.slow
def test_pdf_has_every_page(demo):
    from pipeline.habitat.model import build_pages
    from pipeline.habitat.pdf import render_pdf

    data = demo["data"]
    pdf = render_pdf(build_pages(data), demo["root"] / "habitat-2026.pdf", 2026, data.as_of)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert pages >= 25
    txt = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Aides territorialisées" in txt and "CA Valence Romans Agglo" in txt


def test_interne_tables(demo, tmp_path):
    data = demo["data"]
    build.write_tables(data, tmp_path)
    droits = pl.read_csv(tmp_path / "tables" / "hab_droits.csv", infer_schema_length=0)
    assert droits.height == data.base.filter(pl.col("date_depot").dt.year() <= 2026).height
    assert set(droits.columns) >= {"id_dossier", "code_action", "annee", "droit", "ecart", "statut", "regle", "motifs"}
    assert droits.filter(pl.col("statut") == "non_calcule")["droit"].null_count() == droits.filter(
        pl.col("statut") == "non_calcule").height
