"""The Tendances page and the year-over-year line of canton pages, from a real three-year warehouse.

Expected figures are counted by hand from the rows written below: Crest canton (2602) gets 2, 4 and 6
demandes in 2020, 2021 and 2022; Nyons canton (2610) 1, 1 and 0.
"""

from __future__ import annotations

import html

from exports import row, write_csv
from pipeline.api import open_warehouse
from pipeline.ingest.load import ingest_paths
from pipeline.pages.context import BuildContext
from pipeline.pages.tendances import build_tendances
from pipeline.site.build import _env

CREST, NYONS = "26108", "26220"


def rows() -> list[list]:
    out = []
    for year, n_crest, n_nyons in ((2020, 2, 1), (2021, 4, 1), (2022, 6, 0)):
        for i in range(n_crest):
            out.append(row(f"C{year}{i}", f"C{year}{i}", f"10/03/{year}", "Commune de Crest", code=CREST,
                           presta="Conseil" if i % 2 else "AMO", partner="CAUE" if i % 2 else "AD26"))
        for i in range(n_nyons):
            out.append(row(f"N{year}{i}", f"N{year}{i}", f"11/03/{year}", "Commune de Nyons", code=NYONS))
    return out


def test_tendances_page_and_canton_line(tmp_path):
    db = tmp_path / "w.duckdb"
    ingest_paths([write_csv(tmp_path / "e.csv", rows())], db=db)
    with open_warehouse(db) as wh:
        ctx = BuildContext(2022, wh.breakdowns(2022), wh.ref.taxonomy_for(2022), wh.ref_year(2022))
        t = build_tendances(ctx)
    assert t.years == [2020, 2021, 2022]
    assert [(r.annee, r.demandes, r.evolution, r.communes) for r in t.rows] == [
        (2020, "3", "–", "2"), (2021, "5", "+67\u202f%", "2"), (2022, "6", "+20\u202f%", "1")]
    crest = next(c for c in t.cantons if c.code == "2602")
    assert crest.demandes == ["2", "4", "6"] and crest.evolution == "+50\u202f%"
    assert t.canton_lines["2602"] == "6 demandes en 2022, contre 4 en 2021 (+50\u202f%)."
    assert t.canton_lines["2610"] == "0 demande en 2022, contre 1 en 2021 (−100\u202f%)."
    assert len(t.cantons) == 19
    prest = {r.label: r.pcts for r in t.prestations}
    # Conseil: odd Crest rows and every Nyons row: (1 + 1) of 3, (2 + 1) of 5, 3 of 6
    assert prest["Conseil"] == ["67\u202f%", "60\u202f%", "50\u202f%"]
    page = _env(ctx_templates()).get_template("tendances.html").render(
        tend=t, t=_Texts(), year=2022, root="", current="tendances.html", p=_P(), dep=None, downloads=[], pdf_name=None,
        prestation_definitions=[])
    text = html.unescape(page)
    assert "Tendances 2020–2022" in text and "Demandes par canton" in text and "+67\u202f%" in text


class _P:
    title, version, generated_at = "Bilan", "test", "aujourd'hui"


class _Texts:
    departement, plateforme = "Département de la Drôme", "plate-forme de l'ingénierie publique"


def ctx_templates():
    from pipeline import config

    return config.TEMPLATES_DIR
