"""docs/spec/ is the contract: the tables it lists are the ones the tests hold the build to, and nothing in
the code or the tests points outside the repository."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import CONTRACT_COLUMNS

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "docs" / "spec"


def _spec_tables() -> dict[str, list[str]]:
    """`| \\`NAME.csv\\` | \\`a, b\\` (note), \\`c\\` |` rows of outputs.md → {NAME: [a, b, c]}."""
    out = {}
    for line in (SPEC / "outputs.md").read_text(encoding="utf-8").splitlines():
        m = re.match(r"\| `(\w+)\.csv` \| (.*) \|$", line)
        if m and m.group(1) not in ("summary", "quarantine"):
            cols = [c.strip() for code in re.findall(r"`([^`]+)`", m.group(2)) for c in code.split(",")]
            out[m.group(1)] = [c for c in cols if c not in ("cd26", "externe")]
    return out


def test_spec_lists_the_contract_tables_and_columns():
    tables = _spec_tables()
    assert tables == {name: cols for name, cols in CONTRACT_COLUMNS.items() if name != "summary"}


OUTSIDE = re.compile("shared" + r"/(spec|seeds|ref)|/" + "work/")   # split so that this file does not match


def test_no_path_outside_the_repository():
    offenders = [f"{p.relative_to(ROOT)}:{n}" for folder in ("pipeline", "tests")
                 for p in sorted((ROOT / folder).rglob("*")) if p.is_file() and p.suffix in (".py", ".yaml", ".md", ".csv")
                 for n, line in enumerate(p.read_text(encoding="utf-8", errors="replace").splitlines(), 1)
                 if OUTSIDE.search(line)]
    assert offenders == []
