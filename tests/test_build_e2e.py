"""`bilan ingest` + `bilan build` on exports never seen before, checked against an independent count.

The expected tables are computed here from the export files themselves with the csv module, the
reference CSVs of data/ref and a separate implementation of the share rule (exact fractions), not with
the pipeline's code. Also: the build is atomic (a failed build leaves the previous report as it was).
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from fractions import Fraction
from pathlib import Path

import pytest

from pipeline.synth import write_scaled
from run_cli import bilan

REF = Path(__file__).resolve().parent.parent / "data" / "ref"


def ref_csv(name):
    with open(REF / name, encoding="utf-8") as f:
        return list(csv.DictReader(f))


def shares(counts: list[int]) -> list[int]:
    """The report's rule, written independently: half up on exact fractions, then ±1 on the largest."""
    total = sum(counts)
    if not total:
        return [0] * len(counts)
    pct = [int(Fraction(100 * c, total) + Fraction(1, 2)) for c in counts]
    d = 100 - sum(pct)
    largest = sorted(range(len(counts)), key=lambda i: (-counts[i], i))[: abs(d)]
    return [p + (1 if d > 0 else -1) * (i in largest) for i, p in enumerate(pct)]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("e2e")
    [scaled] = write_scaled(tmp / "gen", missions=3000, seed=20211)
    lines = scaled.read_text(encoding="utf-8").splitlines(keepends=True)
    header, body = lines[0], lines[1:]
    # two files in two forms: UTF-8 ';' and Windows-1252 with title lines (same header)
    a = tmp / "exports" / "partenaires-a.csv"
    b = tmp / "exports" / "partenaires-b.csv"
    a.parent.mkdir()
    a.write_text(header + "".join(body[:1800]), encoding="utf-8")
    b.write_bytes(("Export du 03/02/2022\n\n" + header + "".join(body[1800:])).encode("cp1252", errors="replace"))  # emoji → ?
    rows = list(csv.DictReader(io.StringIO(header + "".join(body)), delimiter=";"))
    db, out = tmp / "w.duckdb", tmp / "site"
    res = bilan("ingest", str(a.parent), "--db", str(db))
    assert res.returncode == 0, res.stderr
    res = bilan("build", "2021", "--db", str(db), "--out", str(out))
    assert res.returncode == 0, res.stderr
    return rows, out, db


def table(out: Path, name: str) -> list[dict]:
    with open(out / "tables" / f"{name}.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_category_tables_equal_an_independent_count(built):
    rows, out, _ = built
    for name, column, ref_file, ref_col in [("by_thematique", "Thématique", "thematiques.csv", "thematique"),
                                            ("by_prestation", "Type de prestation", "prestations.csv", "prestation"),
                                            ("by_partenaire", "Partenaire", "partenaires.csv", "partenaire")]:
        order = [r[ref_col] for r in sorted(ref_csv(ref_file), key=lambda r: int(r["ordre"]))]
        counts = Counter(r[column] for r in rows)
        expected = dict(zip(order, zip([counts[o] for o in order], shares([counts[o] for o in order]), strict=True), strict=True))
        got = {r[ref_col]: (int(r["missions"]), int(r["pct"])) for r in table(out, name)}
        assert got == expected, name


def test_summary_and_cantons_equal_an_independent_count(built):
    rows, out, _ = built
    communes = {c["code_insee"]: c for c in ref_csv("communes_2021.csv")}
    label_to_code = {c["label_rapport"]: c["code"] for c in ref_csv("cantons.csv")}
    summary = {r["indicateur"]: r["valeur"] for r in table(out, "summary")}
    assert int(summary["missions"]) == len(rows)
    assert int(summary["demandes"]) == len({r["N° demande"] for r in rows})
    commune_rows = [r for r in rows if r["Type de collectivité"] == "Commune"]
    assert int(summary["communes_demandeuses"]) == len({r["Code INSEE"] for r in commune_rows})
    assert int(summary["epci_demandeurs"]) == len({r["SIREN"] for r in rows if r["Type de collectivité"] == "EPCI"})
    per_canton = defaultdict(lambda: (set(), set(), 0))
    for r in commune_rows:
        cantons = communes[r["Code INSEE"]]["canton_codes"].split(";")
        code = cantons[0] if len(cantons) == 1 else label_to_code[r["Canton"]]
        c, d, m = per_canton[code]
        per_canton[code] = (c | {r["Code INSEE"]}, d | {r["N° demande"]}, m + 1)
    got = {r["code_canton"]: (int(r["communes_concernees"]), int(r["demandes"]), int(r["missions"]))
           for r in table(out, "by_canton")}
    assert got == {code: (len(c), len(d), m) for code, (c, d, m) in per_canton.items()} | \
        {code: (0, 0, 0) for code in got if code not in per_canton}


def test_every_page_is_built(built):
    _, out, _ = built
    pages = {p.relative_to(out).as_posix() for p in out.rglob("*.html")}
    assert {"index.html", "epci.html", "partenaires.html", "methodologie.html", "qualite.html",
            "telechargements.html"} <= pages
    assert len([p for p in pages if p.startswith("cantons/") and p != "cantons/index.html"]) == 19
    assert (out / "tables" / "bilan-2021.xlsx").exists()


def test_failed_build_leaves_the_previous_report_untouched(built):
    _, out, db = built
    before = (out / "index.html").read_bytes()
    res = bilan("build", "2019", "--db", str(db), "--out", str(out))
    assert res.returncode == 2
    assert "aucune mission pour 2019" in res.stderr and "Traceback" not in res.stderr
    assert (out / "index.html").read_bytes() == before
    assert not [p for p in out.parent.iterdir() if ".tmp-" in p.name]
