"""Every label the 2021 report prints resolves to its canonical label; unknown labels get suggestions.

The printed labels are read from the transcription of the report (tests/fixtures/bilan_2021_figures.yaml),
so a label added to the transcription and forgotten in data/ref/aliases.csv fails here. What each label
must resolve to comes from the transcription too: a domaine's code (`key`), a sub-domain's domaine, a
partner's kind (CD26 or external), a canton page's position (pages follow the canton codes).
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest
import yaml

from exports import row, write_csv
from pipeline.ingest.load import ingest_paths
from pipeline.ref import load_ref
from pipeline.ref.labels import resolve_label, suggest, unknown_reason

FIGURES = Path(__file__).parent / "fixtures" / "bilan_2021_figures.yaml"


@pytest.fixture(scope="module")
def fig():
    return yaml.safe_load(FIGURES.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def ref():
    return load_ref()


def printed(name: str) -> list[str]:
    """The forms a label takes in the report: as transcribed, in capitals (charts and legends), and
    without its parenthesised precision (the partner chart prints « MÉDIATHÈQUE » for « Médiathèque
    (CD26 - service des médiathèques) », « AGENCE DE DÉVELOPPEMENT TOURISTIQUE DRÔME » for « … (ADT) »)."""
    forms = {name, name.upper()}
    short = re.sub(r"\s*\([^)]*\)\s*$", "", name)
    forms |= {short, short.upper()}
    return sorted(forms)


def labels_of(fig) -> dict[str, set[str]]:
    """champ → every label the transcription holds for it (name and label fields)."""
    dep = fig["department"]
    out: dict[str, set[str]] = {"domaine": set(), "thematique": set(), "prestation": set(), "partenaire": set(),
                                "canton": set()}
    out["domaine"] |= {d["name"] for d in dep["domains"]}
    for sd in dep["subdomains"] + dep["subdomains_absent_from_department_chart"]:
        out["thematique"] |= {sd["name"], sd.get("label", sd["name"])}
        out["domaine"].add(sd["domain"])
    for d in dep["domains"]:
        out["thematique"] |= set(d["subdomains"])
    out["prestation"] |= {p["name"] for p in dep["prestations"]}
    out["partenaire"] |= {p["name"] for p in dep["partners"]}
    for page in fig["cantons"]:
        out["canton"].add(page["name"])
        out["thematique"] |= {s.get("label", s["name"]) for s in page["subdomains"]} | {s["name"] for s in page["subdomains"]}
        out["prestation"] |= {p["name"] for p in page["prestations"]}
    return out


def test_every_printed_label_resolves(fig, ref):
    missing = [(champ, form) for champ, names in labels_of(fig).items() for name in names
               for form in printed(name) if not ref.resolve(champ, form)]
    assert not missing, missing


def test_printed_labels_resolve_to_the_right_canonical(fig, ref):
    dep = fig["department"]
    codes = dict(ref.domaines.select("code", "domaine").iter_rows())
    for d in dep["domains"]:
        for form in printed(d["name"]):
            assert ref.resolve("domaine", form) == codes[d["key"]], form
    domaine_of = dict(ref.thematiques.select("thematique", "domaine").iter_rows())
    for sd in dep["subdomains"] + dep["subdomains_absent_from_department_chart"]:
        for form in printed(sd["name"]) + printed(sd.get("label", sd["name"])):
            assert domaine_of[ref.resolve("thematique", form)] == ref.resolve("domaine", sd["domain"]), form
    # the 15 thématiques and the 5 prestations of the report are all reached
    assert {ref.resolve("thematique", n) for n in labels_of(fig)["thematique"]} == set(ref.thematiques["thematique"])
    assert {ref.resolve("prestation", p["name"]) for p in dep["prestations"]} == set(ref.prestations["prestation"])
    kind = {"cd26": "cd26", "external": "externe"}
    type_of = dict(ref.partenaires.select("partenaire", "type").iter_rows())
    partners = set()
    for p in dep["partners"]:
        canon = {ref.resolve("partenaire", form) for form in printed(p["name"])}
        assert len(canon) == 1, (p["name"], canon)          # the chart's short form names the same partner
        partners |= canon
        assert type_of[canon.pop()] == kind[p["kind"]], p["name"]
    assert len(partners) == len(dep["partners"])
    pages = [ref.resolve("canton", form) for page in fig["cantons"] for form in printed(page["name"])[:1]]
    assert pages == sorted(ref.cantons["code"])             # pages 25–43 follow the canton codes


def test_unseen_exports_written_as_the_report_prints_lose_no_row(tmp_path, fig):
    """Labels exactly as the report's charts print them, in capitals: every row is accepted."""
    dep = fig["department"]
    partners = [form.upper() for p in dep["partners"] for form in printed(p["name"])]
    themes = [sd.get("label", sd["name"]) for sd in dep["subdomains"]]
    prestations = [p["name"].upper() for p in dep["prestations"]]
    rows = [row(f"M{i}", f"D{i}", "15/03/2021", "Commune de Crest", code="26108",
                theme=themes[i % len(themes)], presta=prestations[i % len(prestations)], partner=partner)
            for i, partner in enumerate(partners)]
    path = write_csv(tmp_path / "export_2022.csv", rows)
    counts = ingest_paths([path], db=tmp_path / "w.duckdb")
    assert [(c.lignes_lues, c.acceptees, c.quarantaine) for c in counts] == [(len(rows), len(rows), 0)]
    con = duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True)
    got = con.execute("SELECT count(*), count(DISTINCT partenaire) FROM missions").fetchall()[0]
    con.close()
    assert got == (len(rows), len(dep["partners"]))


@pytest.mark.parametrize(("champ", "value", "expected"), [
    ("partenaire", "Agence dév. touristique", "Agence de développement touristique"),
    ("partenaire", "Numérien", "Syndicat mixte Numérian"),
    ("partenaire", "Chambre agriculture", "Chambre d'agriculture de la Drôme"),
    ("prestation", "Assistance MO", "Assistance à maîtrise d'ouvrage"),
    ("prestation", "AMOA", "Assistance à maîtrise d'ouvrage"),
    ("thematique", "Mediatek", "Médiathèque"),
])
def test_closest_label_is_suggested_never_accepted(ref, champ, value, expected):
    assert ref.resolve(champ, value) is None
    assert suggest(ref, champ, value)[0].canonique == expected
    canon, reason = resolve_label(ref, champ, value, 2021)
    assert canon is None and f"« {value} »" in reason and f"« {expected} » (" in reason


def test_acronym_of_a_canonical_label_is_matched(ref, tmp_path):
    """'DAH' is an alias; an unseen acronym like 'CMN' is not, yet the initials of the labels are
    matched: no need to list every acronym by hand."""
    assert suggest(ref, "partenaire", "SMN")[0].canonique == "Syndicat mixte Numérian"


def test_nothing_close_gives_no_suggestion(ref):
    assert unknown_reason(ref, "partenaire", "zzz qqq") == "partenaire inconnu : « zzz qqq »"


def test_quarantine_reason_names_the_closest_label(tmp_path):
    path = write_csv(tmp_path / "e.csv", [row("M1", "D1", "15/03/2021", "Commune de Crest", code="26108",
                                             partner="Agence dév. touristique")])
    ingest_paths([path], db=tmp_path / "w.duckdb")
    con = duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True)
    (reason,), = con.execute("SELECT raison FROM quarantine").fetchall()
    con.close()
    assert reason.startswith("partenaire inconnu : « Agence dév. touristique » — les plus proches : "
                             "« Agence de développement touristique » (")
