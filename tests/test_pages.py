"""The neutral pages layer: French words and numbers, figures from the breakdowns, official names.

Why: the site and the PDF print these strings as they are; "sur 1 communes", "9 fichier(s)", "0 % (1)"
or a straight apostrophe would reach every output at once, and a figure computed twice could drift.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures"))
from bilan_fixture import shared_context
from pipeline.breakdowns.derived import communes_demandes, partenaire_types, taille_couverture
from pipeline.fmt import NNBSP, fmt_share, ordinal, plural, typo, word
from pipeline.pages import build_pages
from pipeline.shares import equal_counts_differ, pct_shares


@pytest.fixture(scope="module")
def pages():
    return build_pages(shared_context())


def test_words_and_numbers():
    assert plural(1, "commune") == "1 commune" and plural(0, "commune") == "0 commune"
    assert plural(8, "fichier") == "8 fichiers" and plural(1041, "demande") == f"1{NNBSP}041 demandes"
    assert word(2, "EPCI demandeur", "EPCI demandeurs") == "EPCI demandeurs" and word(1, "acceptée") == "acceptée"
    assert fmt_share(14, 149) == f"14{NNBSP}%"
    assert fmt_share(0, 3) == f"<{NNBSP}1{NNBSP}%"          # a non-zero count never prints as 0 %
    assert fmt_share(0, 0) == f"0{NNBSP}%"
    assert ordinal(1) == "1^er^" and ordinal(2) == "2^e^"
    assert typo("l'ingénierie : « oui » ; 14 %") == f"l’ingénierie{NNBSP}: «{NNBSP}oui{NNBSP}»{NNBSP}; 14{NNBSP}%"


def test_rounding_note_rule():
    counts = [5, 5, 2]
    assert pct_shares(counts) == [41, 42, 17]        # Valence 1's case: equal counts, 41 % and 42 %
    assert equal_counts_differ(counts, pct_shares(counts))
    assert not equal_counts_differ([3, 2, 2], pct_shares([3, 2, 2]))


def test_derived_figures_come_from_the_tables():
    ctx = shared_context()
    part = ctx.tables["by_partenaire"]
    types = {r["type"]: r for r in partenaire_types(part).iter_rows(named=True)}
    s = ctx.summary()
    assert types["cd26"]["pct"] == s["part_cd26_pct"] and types["externe"]["pct"] == s["part_partenaires_pct"]
    assert types["cd26"]["missions"] + types["externe"]["missions"] == part["missions"].sum()
    taille = taille_couverture(ctx.tables["by_taille"])
    for r in taille.iter_rows(named=True):      # independent: float ratio, half up
        assert r["pct_communes"] == int(100 * r["communes_demandeuses"] / r["communes_total"] + 0.5)
    communes = communes_demandes(ctx.tables["by_commune"])
    assert communes["code_insee"].is_unique().all()
    assert communes["demandes"].sum() == ctx.tables["by_commune"]["demandes"].sum()


def test_page_models_carry_official_names_and_clean_words(pages):
    dep = pages.departement
    by_code = {c.code: c for c in dep.cantons}
    assert by_code["2612"].title == "Canton de Saint-Vallier" and by_code["2612"].label_rapport == "St Vallier"
    assert by_code["2605"].title == "Canton de la Drôme des Collines"
    assert by_code["2613"].label == "Tain-l’Hermitage" and by_code["2604"].de_label == "du Diois"
    assert by_code["2615"].label == "Valence-1"
    assert any(e.nom == "CC du Crestois et de Pays de Saillans Cœur de Drôme" for e in dep.epci)
    d = pages.to_dict()
    for c in d["departement"]["cantons"]:
        c.pop("label_rapport")                      # the 2021 report's label, kept for reading exports only
    # our prose and the reference names (not export text: the quality page shows that as read)
    text = json.dumps([d["departement"], d["methodologie"], d["texts"], d["title"]], ensure_ascii=False)
    for bad in ("(s)", "'", "Coeur", "St Vallier", " %", " :"):
        assert bad not in text, bad
    def shares(o):
        if isinstance(o, dict):
            if "pct_txt" in o and "count" in o:
                yield o
            for v in o.values():
                yield from shares(v)
        elif isinstance(o, list):
            for v in o:
                yield from shares(v)
    printed = list(shares(d["departement"]))
    assert len(printed) > 200
    # a non-zero count is never printed as 0 % (the PDF printed "0 % (1)" 18 times)
    assert not [x for x in printed if x["count"] and re.match(r"0\u202f%", x["pct_txt"])]
    assert any(x["pct_txt"] == "<\u202f1\u202f%" for x in printed) or all(x["pct"] for x in printed if x["count"])
    assert "fichiers" in pages.qualite.lead and "fichier(s)" not in pages.qualite.lead


def test_to_dict_gives_the_share_rule_text(pages):
    d = pages.to_dict()
    for c in d["departement"]["cantons"]:
        for s in c["thematiques"] + c["prestations"]:
            assert s["pct_txt"] == fmt_share(s["pct"], s["count"])
