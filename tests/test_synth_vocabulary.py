"""The generator reads its labels from the reference tables (issue 12): renaming a partner and a
thématique in data/ref — the old names kept as aliases — renames them in the demo and changes nothing
else; the 2021 exports still load into the report's figures."""

from __future__ import annotations

import csv
import shutil

import duckdb
import polars as pl
import pytest

from pipeline import config
from pipeline.ingest.load import ingest_paths
from pipeline.ref import load_ref
from pipeline.synth import calibrate, calibrated, words

RENAMED = {("partenaire", "CAUE"): "CAUE de la Drôme (conseil d'architecture)",
           ("thematique", "Médiathèque"): "Lecture publique et médiathèques"}


def _clear() -> None:
    words._words.cache_clear()
    calibrate.calibrate.cache_clear()
    for f in (calibrated._missions_2021, calibrated._missions_2020, calibrated._missions_sampled):
        f.cache_clear()


def _rewrite(path, fn) -> None:
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    fields = list(rows[0])
    for r in rows:
        fn(r)
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


@pytest.fixture
def renamed(tmp_path, monkeypatch):
    d = tmp_path / "ref"
    shutil.copytree(config.REF_DIR, d)
    for (champ, old), new in RENAMED.items():
        _rewrite(d / f"{champ}s.csv", lambda r, c=champ, o=old, n=new: r.update({c: n} if r[c] == o else {}))
        _rewrite(d / "aliases.csv", lambda r, c=champ, o=old, n=new: r.update(
            {"canonique": n} if (r["champ"], r["canonique"]) == (c, o) else {}))
        with (d / "aliases.csv").open("a", encoding="utf-8", newline="") as f:
            csv.writer(f, lineterminator="\n").writerow([champ, old, new])
    before = calibrated.calibrated_missions(2021)
    _clear()
    monkeypatch.setattr(config, "REF_DIR", d)
    yield d, before
    _clear()


def test_renamed_labels_flow_into_the_demo(renamed, tmp_path):
    ref_dir, before = renamed
    after = calibrated.calibrated_missions(2021)
    back = {new: old for (_, old), new in RENAMED.items()}
    assert set(after["partenaire"]) & set(back) and "CAUE" not in set(after["partenaire"])
    restored = after.with_columns(pl.col("partenaire", "thematique").replace(back))
    assert restored.equals(before)                       # same missions, only the two names changed

    from pipeline.synth import write_demo_exports

    files = write_demo_exports(tmp_path / "exports")
    counts = ingest_paths(files, db=tmp_path / "w.duckdb", ref=load_ref(ref_dir))
    assert not [c for c in counts if c.refuse]
    con = duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True)
    got = dict(con.execute("SELECT partenaire, count(*) FROM missions WHERE annee = 2021 GROUP BY 1").fetchall())
    demandes = con.execute("SELECT count(DISTINCT id_demande) FROM missions WHERE annee = 2021").fetchall()[0][0]
    quarantined = con.execute("SELECT count(*) FROM quarantine").fetchall()[0][0]
    con.close()
    assert demandes == 1041 and quarantined == 5          # the 5 deliberately bad rows of 2021, no more
    new_caue = RENAMED[("partenaire", "CAUE")]
    assert got[new_caue] == before.filter(pl.col("partenaire") == "CAUE").height and "CAUE" not in got


def test_a_label_the_reference_no_longer_knows_is_a_clear_error(tmp_path):
    d = tmp_path / "ref"
    shutil.copytree(config.REF_DIR, d)
    _rewrite(d / "partenaires.csv", lambda r: r.update({"partenaire": "EPORA Auvergne-Rhône-Alpes"}
                                                       if r["partenaire"] == "EPORA" else {}))
    with pytest.raises(words.VocabularyError, match="« EPORA »"):
        words.words_for(load_ref(d))
