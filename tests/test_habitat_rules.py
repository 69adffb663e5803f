"""The rules as data: arithmetic the spec lists, a source line on every figure, and `--ref DIR`.

Expected figures are read from the regulation's own text (a copy in tests/fixtures/habitat), not from
the code: each amount must be printed on one of the lines its `src` cites.
"""

import re
import shutil
from pathlib import Path

import pytest
import yaml

from pipeline.habitat.rules import DEFAULT_DIR, RULES_FILE, RulesError, load_rules

TEXT = (Path(__file__).parent / "fixtures" / "habitat" / "dispositif-habitat-2023-2028.txt").read_text().split("\n")


def cited_lines(src: str) -> list[int]:
    out: list[int] = []
    for a, b in re.findall(r"L(\d+)(?:-L?(\d+))?", src):
        out += range(int(a), int(b or a) + 1)
    return out


def printed(amount: float, src: str, window: int = 0) -> bool:
    """Is the figure printed ('3 500', '875 000') on a cited line (or the next `window` lines: the PDF text wraps)?"""
    pattern = r"(?<!\d)" + f"{int(amount):,}".replace(",", r"\s?") + r"(?!\d)"
    return any(re.search(pattern, TEXT[n - 1 + k]) for n in cited_lines(src) for k in range(window + 1))


@pytest.fixture(scope="module")
def rules():
    return load_rules()


def test_every_action_amount_budget_and_objective_is_printed_on_its_source_line(rules):
    for a in rules.actions.values():
        assert a.src and cited_lines(a.src), a.code
        if a.montant is not None:
            assert printed(a.montant, a.src), (a.code, a.montant, a.src)
        if a.budget_an is not None:
            assert printed(a.budget_an, a.src), (a.code, a.budget_an)
            assert printed(a.objectif_an, a.src, window=2), (a.code, a.objectif_an)


def test_line_budgets_are_objective_times_amount(rules):
    socle = [a for a in rules.actions.values() if a.volet == "socle"]
    assert len(socle) == 10
    for a in socle:
        assert a.budget_an == a.objectif_an * a.montant, a.code


def test_socle_is_the_sum_of_its_axes_and_of_its_lines(rules):
    axes = rules.axe_budgets()
    for axe, amount in axes.items():
        assert amount == sum(a.budget_an for a in rules.actions.values() if a.axe == axe)
        src = rules.raw["sous_enveloppes_socle"][f"axe{axe}"]["src"]
        # the sub-envelope is the sum of the line budgets printed on the cited lines
        assert all(printed(a.budget_an, src) for a in rules.actions.values() if a.axe == axe)
    assert sum(axes.values()) == 2_300_000 == rules.raw["budgets"]["socle"]["montant_annuel"]
    assert printed(2_300_000, rules.raw["budgets"]["socle"]["src"])


def test_epci_envelopes_sum_to_six_millions_and_every_csv_row_has_a_source(rules):
    assert sum(float(e["montant_6ans"]) for e in rules.enveloppes) == 6_000_000
    assert len(rules.enveloppes) == 12
    for name in ("enveloppes_epci.csv", "conventions_actions.csv", "budgets_votes.csv", "poles_centralite.csv"):
        text = (DEFAULT_DIR / name).read_text(encoding="utf-8").splitlines()
        header = text[0].split(",")
        assert "source" in header, name
        import csv
        for row in csv.DictReader(text):
            assert row["source"].strip(), (name, row)
    assert rules.budget(2023, "socle") == (2_300_000, "vote")
    assert rules.budget(2025, "dah") == (1_700_000, "hypothese")          # D-03


def test_every_budget_figure_has_a_source():
    raw = yaml.safe_load((DEFAULT_DIR / RULES_FILE).read_text(encoding="utf-8"))
    for name, spec in raw["budgets"].items():
        assert spec.get("src"), name
    for name in ("versements", "validite", "agrement_etat", "plafond", "non_cumul", "ressources_anah_2022"):
        node = raw[name]
        srcs = [v.get("src") for v in node.values()] if name == "versements" else [node.get("src")]
        assert all(srcs), name


def test_ref_dir_replaces_the_rules_without_code_change(tmp_path):
    d = tmp_path / "regles"
    shutil.copytree(DEFAULT_DIR, d)
    text = (d / RULES_FILE).read_text(encoding="utf-8").replace("montant: 3500,\n   objectif_an: 250",
                                                                 "montant: 4000,\n   objectif_an: 250")
    (d / RULES_FILE).write_text(text, encoding="utf-8")
    (d / "enveloppes_epci.csv").write_text("siren,epci,montant_6ans,version,date_effet,source\n"
                                           "242600534,CC du Diois,500000,2,2025-01-01,convention signée\n")
    r = load_rules(d)
    assert r.actions["S1-NEUF"].montant == 4000
    assert r.enveloppe_by_siren == {"242600534": 500000.0}
    with pytest.raises(RulesError, match="introuvable"):
        load_rules(tmp_path / "absent")
    (d / RULES_FILE).write_text("actions: [", encoding="utf-8")
    with pytest.raises(RulesError, match="illisible"):
        load_rules(d)
