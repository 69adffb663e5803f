"""Editorial sections: files → checked placeholders → HTML and Typst, and their failures.

Expected figures come from the published 2021 report (1 041 demandes, 251 communes, 69 %, 38 % of the
accompaniment by the Département's services), read through the 2021 fixture tables, never from the code.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from pipeline.editorial import figures_for_year, load_editorial, render_editorial, write_skeleton
from pipeline.editorial.figures import sigles_from_ref
from pipeline.editorial.files import REQUIRED
from pipeline.editorial.markup import to_html, to_typst
from pipeline.editorial.render import substitute
from pipeline.editorial.year import editorial_for_year
from pipeline.errors import BilanError
from run_cli import bilan

ROOT = Path(__file__).parent.parent
TABLES = Path(__file__).parent / "fixtures" / "tables_2021"
DEMO_2021 = ROOT / "data" / "editorial" / "2021"
NNBSP = "\u202f"


@pytest.fixture(scope="module")
def tables() -> dict[str, pl.DataFrame]:
    text = {"siren": pl.Utf8, "code_canton": pl.Utf8, "valeur": pl.Utf8}
    out = {}
    for path in TABLES.glob("*.csv"):
        frame = pl.read_csv(path, schema_overrides={k: v for k, v in text.items() if k != "valeur"})
        out[path.stem] = frame
    out["summary"] = pl.read_csv(TABLES / "summary.csv").with_columns(pl.col("valeur").cast(pl.Int64))
    return out


@pytest.fixture(scope="module")
def figures(tables, ref):
    return figures_for_year(tables, {"elus_participants": 412}, sigles_from_ref(ref))


def section(folder: Path, name: str, place: str, body: str, titre: str = "") -> None:
    head = f"---\nplace: {place}\n" + (f"titre: {titre}\n" if titre else "") + "---\n"
    (folder / name).write_text(head + body, encoding="utf-8")


def required_set(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for place in REQUIRED:
        section(folder, f"{place}.md", place, f"Texte {place}.")
    return folder


def test_placeholders_resolve_to_the_figures_of_the_report(figures):
    # The fixture's communes count is its own (hand-made tables); read it with the csv module.
    with (TABLES / "summary.csv").open(encoding="utf-8") as f:
        summary = {r["indicateur"]: int(r["valeur"]) for r in csv.DictReader(f)}
    text = ("{{ demandes }} demandes ; {{ communes_demandeuses }} communes, {{ part_communes_demandeuses }} ; "
            "CD26 {{ part_cd26 }}, partenaires {{ part_partenaires }} ; {{ faits.elus_participants }} élus")
    out, used = substitute(text, figures.common, "test.md")
    communes, part = summary["communes_demandeuses"], summary["part_communes_demandeuses_pct"]
    assert out == (f"1{NNBSP}041 demandes ; {communes} communes, {part}{NNBSP}% ; CD26 38{NNBSP}%, "
                   f"partenaires 62{NNBSP}% ; 412 élus")
    assert used[0] == "demandes" and len(used) == 6


def test_canton_section_sees_its_own_canton(figures):
    # Crest (2602) in the 2021 report: 16 communes concernées, 33 demandes.
    names = figures.for_section("canton", "2602")
    out, _ = substitute("{{ canton.communes_concernees }} communes, {{ canton.demandes }} demandes", names, "c.md")
    assert out == "16 communes, 33 demandes"
    assert figures.for_section("canton", "2699") is None
    with pytest.raises(BilanError, match="chiffre inconnu"):
        substitute("{{ canton.demandes }}", figures.common, "x.md")   # not in a canton section


def test_unknown_and_malformed_placeholders_are_one_line_errors(figures):
    with pytest.raises(BilanError) as err:
        substitute("ligne 1\n{{ demande }} demandes", figures.common, "edito.md")
    message = str(err.value)
    assert "\n" not in message and "edito.md, ligne 2" in message and "{{ demande }}" in message
    assert "{{ demandes }}" in message                  # the closest name is suggested
    with pytest.raises(BilanError, match="malformé"):
        substitute("{{ 3 + 4 }}", figures.common, "edito.md")
    with pytest.raises(BilanError, match="non appariées"):
        substitute("{{ demandes }} et {{ oubli", figures.common, "edito.md")


def test_a_fact_that_contradicts_the_tables_fails(tmp_path, figures, ref):
    folder = required_set(tmp_path / "2021")
    (folder / "faits.yaml").write_text("faits:\n  demandes: 1040\n", encoding="utf-8")
    ed = load_editorial(folder, 2021)
    with pytest.raises(BilanError, match=r"demandes.*1040.*1\u202f041"):
        render_editorial(ed, figures)


def test_missing_required_section_fails_but_absent_folder_builds(tmp_path, figures):
    folder = required_set(tmp_path / "2021")
    (folder / "actions.md").unlink()
    with pytest.raises(BilanError, match="section obligatoire manquante : « actions »"):
        render_editorial(load_editorial(folder, 2021), figures)
    absent = render_editorial(load_editorial(tmp_path / "nope", 2021), figures)
    assert absent.sections == [] and "aucun dossier éditorial" in absent.notices[0]
    assert "Édito" in absent.notices[0] and "bilan editorial init 2021" in absent.notices[0]


def test_unknown_place_and_missing_header_are_refused(tmp_path):
    folder = tmp_path / "2021"
    folder.mkdir()
    section(folder, "a.md", "preface", "x")
    with pytest.raises(BilanError, match="place inconnue « preface »"):
        load_editorial(folder, 2021)
    (folder / "a.md").write_text("pas d'en-tête", encoding="utf-8")
    with pytest.raises(BilanError, match="en-tête manquant"):
        load_editorial(folder, 2021)


def test_hostile_text_stays_text_in_html_and_typst():
    hostile = '<script>alert(1)</script> #read("/etc/passwd") $x$ @ref [a](javascript:alert(1)) // c'
    html = to_html(hostile)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="javascript' not in html
    typ = to_typst(hostile)
    assert "\\#read" in typ and "\\$x\\$" in typ and "\\@ref" in typ and "\\/\\/ c" in typ


def test_typst_markup_compiles_and_prints_the_words(tmp_path):
    typst = pytest.importorskip("typst")
    text = ("Le **CAUE** a conseillé _6 EPCI_ : 50 % — #tag, $5, a/b // c, [x], l'eau.\n\n- un\n- deux\n\n"
            "## Titre\n\n> citation\n\n[le site](https://www.collectivites.ladrome.fr)")
    src = tmp_path / "t.typ"
    body = to_typst(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    src.write_text(f'#set text(lang: "fr")\n#eval("{body}", mode: "markup")\n', encoding="utf-8")
    pdf = tmp_path / "t.pdf"
    pdf.write_bytes(typst.compile(str(src)))
    words = subprocess.run(["pdftotext", str(pdf), "-"], check=False, capture_output=True, text=True)
    if words.returncode != 0:
        pytest.skip("pdftotext not installed")
    flat = " ".join(words.stdout.split())
    assert "Le CAUE a conseillé 6 EPCI" in flat and "#tag, $5, a/b // c, [x], l’eau." in flat
    assert "citation" in flat and "le site" in flat


def test_demo_editorial_of_2021_renders_with_computed_figures(tables, ref):
    rendered = editorial_for_year(2021, tables, ref, DEMO_2021)
    assert rendered.notices == []
    edito = rendered.at("edito")
    assert edito is not None and f"1{NNBSP}041 demandes" in edito.html and "demandes" in edito.figures
    # The 2021 activity facts carry over from the published report.
    actions = rendered.at("actions")
    assert actions is not None and "412 élus" in actions.html and "28 sessions" in actions.html
    assert next(label for _, label in rendered.chiffres_cles).startswith("élus")
    # Every required place is present, and every section's figures come from placeholders: the 2021
    # headline numbers are never typed in the demo's text.
    assert {s.place for s in rendered.sections} >= set(REQUIRED)
    for path in DEMO_2021.glob("*.md"):
        raw = path.read_text(encoding="utf-8")
        for typed in ("1 041", "1041", "251 communes", "69 %", "38 %", "62 %", "412", "27 articles"):
            assert typed not in raw, (path.name, typed)


def test_skeleton_resolves_and_never_overwrites(tmp_path, figures):
    folder = tmp_path / "2022"
    folder.mkdir()
    (folder / "01-edito.md").write_text("---\nplace: edito\n---\nDéjà écrit.\n", encoding="utf-8")
    written = write_skeleton(2022, folder, figures)
    assert folder / "01-edito.md" not in written
    assert (folder / "01-edito.md").read_text(encoding="utf-8").endswith("Déjà écrit.\n")
    ed = load_editorial(folder, 2022)
    with pytest.raises(BilanError, match="encore à rédiger"):      # drafts are not publishable
        render_editorial(ed, figures)
    for s in ed.sections:                                          # but every placeholder is valid
        substitute(s.texte.replace("faits.elus_participants", "demandes").replace("faits.sessions", "missions"),
                   figures.common, s.source)
    assert "`{{ demandes }}` | 1\u202f041" in (folder / "CHIFFRES.md").read_text(encoding="utf-8")


def test_cli_build_with_unknown_placeholder_is_one_line(tmp_path, small_warehouse):
    folder = required_set(tmp_path / "ed")
    section(folder, "edito.md", "edito", "Nous avons reçu {{ demandess }} demandes.")
    out = tmp_path / "report"
    res = bilan("build", "2021", "--db", str(small_warehouse), "--out", str(out), "--editorial", str(folder))
    assert res.returncode == 2, res.stderr
    errors = [line for line in res.stderr.splitlines() if line.startswith("erreur")]
    assert len(errors) == 1 and "{{ demandess }}" in errors[0] and "edito.md" in errors[0]
    assert "Traceback" not in res.stderr and not out.exists()


def _words(text: str) -> str:
    return " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())


@pytest.mark.slow
def test_same_text_in_site_and_pdf(tmp_path_factory):
    """The édito and the actions, rendered once by the editorial stage, read the same in both outputs."""
    import html as html_mod
    import re as re_mod

    sys.path.insert(0, str(Path(__file__).parent / "fixtures"))
    from bilan_fixture import built_pdf, built_site, shared_context

    rendered = shared_context().editorial
    edito = rendered.at("edito")
    assert edito is not None
    site = built_site(tmp_path_factory)
    index = _words(html_mod.unescape(re_mod.sub(r"<[^>]+>", " ", (site / "index.html").read_text("utf-8"))))
    actions = _words(html_mod.unescape(re_mod.sub(r"<[^>]+>", " ", (site / "actions.html").read_text("utf-8"))))
    pdf = built_pdf(tmp_path_factory)
    res = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=False, capture_output=True, text=True)
    if res.returncode != 0:
        pytest.skip("pdftotext not installed")
    pdf_words = _words(res.stdout.replace("-\n", ""))
    # Sentences of the édito and of the actions (figures included), as the editorial stage wrote them.
    for sentence in ("Ces chiffres disent la confiance que les élus locaux accordent",
                     "En 2021, les collectivités drômoises ont adressé 1 041 demandes"):
        assert sentence in index, sentence
    assert "412 élus ont participé aux 28 sessions" in actions
    for sentence in ("Ces chiffres disent la confiance", "412 élus ont participé aux 28 sessions",
                     "La présidence du Département de la Drôme"):
        assert sentence in pdf_words, sentence


def test_cli_build_of_a_year_without_texts_builds_and_says_so(tmp_path, small_warehouse):
    empty = tmp_path / "textes"
    empty.mkdir()                                        # a folder of years, without 2021
    out = tmp_path / "report"
    res = bilan("build", "2021", "--db", str(small_warehouse), "--out", str(out), "--editorial", str(empty))
    assert res.returncode == 0, res.stderr
    assert "aucun dossier éditorial pour 2021" in res.stderr and "Édito" in res.stderr
    home = (out / "index.html").read_text(encoding="utf-8")
    assert "editorial-edito" not in home and not (out / "actions.html").exists()
    assert "actions.html" not in home                    # no link to a page that was not written
