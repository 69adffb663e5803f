"""`bilan build --out`: never destroys what the user owns, cleans up after interrupted builds, and
publishes with ordinary permissions. On the small warehouse, tables only (fast); in process, except the
checks of the command's one-line refusal."""

from __future__ import annotations

import fcntl
import os
import stat

import pytest

from pipeline.build import MARKER, build_year
from pipeline.errors import BilanError
from run_cli import bilan


def build(db, out):
    return build_year(2021, db=db, out=out, tables_only=True)


def refused(db, out, *words):
    with pytest.raises(BilanError) as info:
        build(db, out)
    assert info.value.exit_code == 2
    for w in words:
        assert w in str(info.value)


def one_line_refusal(res, *words):
    assert res.returncode == 2, res.stdout + res.stderr
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in res.stderr, res.stderr
    for w in words:
        assert w in lines[0], lines[0]


def test_refuses_a_folder_it_did_not_build(small_warehouse, tmp_path):
    out = tmp_path / "mes-documents"
    out.mkdir()
    (out / "notes.txt").write_text("mes notes\n", encoding="utf-8")
    db = out / "entrepot.duckdb"            # the warehouse itself lives there
    db.write_bytes(small_warehouse.read_bytes())
    res = bilan("build", "2021", "--db", str(db), "--out", str(out))
    one_line_refusal(res, "ne contient pas un rapport construit par bilan", "rien n'a été écrit")
    assert sorted(p.name for p in out.iterdir()) == ["entrepot.duckdb", "notes.txt"]
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mes notes\n"
    assert db.read_bytes() == small_warehouse.read_bytes()
    assert [p.name for p in tmp_path.iterdir()] == ["mes-documents"]     # not even a lock or a temporary


def test_out_dot_in_a_users_folder_is_refused(small_warehouse, tmp_path):
    (tmp_path / "travail.xlsx").write_bytes(b"PK")
    res = bilan("build", "2021", "--db", str(small_warehouse), "--out", ".", "--tables-only", cwd=tmp_path)
    one_line_refusal(res, "rien n'a été écrit")
    assert [p.name for p in tmp_path.iterdir()] == ["travail.xlsx"]


def test_refuses_a_file(small_warehouse, tmp_path):
    out = tmp_path / "rapport"
    out.write_text("pas un dossier", encoding="utf-8")
    refused(small_warehouse, out, "n'est pas un dossier de rapport")
    assert out.read_text(encoding="utf-8") == "pas un dossier"


def test_writes_into_a_new_or_empty_folder_then_into_its_own_report(small_warehouse, tmp_path):
    new = tmp_path / "neuf" / "2021"
    build(small_warehouse, new)
    assert (new / MARKER).is_file() and (new / "tables" / "summary.csv").is_file()
    empty = tmp_path / "vide"
    empty.mkdir()
    build(small_warehouse, empty)
    assert (empty / "tables" / "by_canton.csv").is_file()
    (empty / "tables" / "by_canton.csv").unlink()       # its own report is replaced whole
    (empty / MARKER).write_text("{}", encoding="utf-8")  # (and rebuilt, whatever the marker says)
    build(small_warehouse, empty)
    assert (empty / "tables" / "by_canton.csv").is_file()
    (empty / MARKER).unlink()                           # without its marker it is no longer ours
    refused(small_warehouse, empty, "ne contient pas un rapport construit par bilan")
    assert (empty / "tables" / "by_canton.csv").is_file()


def test_stale_temporary_folders_are_removed_and_a_set_aside_report_restored(small_warehouse, tmp_path):
    out = tmp_path / "2021"
    build(small_warehouse, out)
    # an interrupted build: its unfinished folder, and (killed between the two renames) the report set aside
    stale = tmp_path / ".2021.tmp-k1ll3d"
    (stale / "tables").mkdir(parents=True)
    (stale / "tables" / "summary.csv").write_text("x", encoding="utf-8")
    out.rename(tmp_path / ".2021.old-1700000000")
    build(small_warehouse, out)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".2021.lock", "2021"]
    assert (out / MARKER).is_file() and (out / "tables" / "summary.csv").read_text(encoding="utf-8") != "x"
    # leftovers beside a report that is in place are simply removed
    (tmp_path / ".2021.tmp-again").mkdir()
    (tmp_path / ".2021.old-1").mkdir()
    build(small_warehouse, out)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".2021.lock", "2021"]


def test_published_folders_have_ordinary_permissions(small_warehouse, tmp_path):
    out = tmp_path / "2021"
    previous = os.umask(0o022)
    try:
        build(small_warehouse, out)
    finally:
        os.umask(previous)
    modes = {p.relative_to(tmp_path).as_posix(): stat.S_IMODE(p.stat().st_mode) for p in [out, *out.rglob("*")]}
    assert modes["2021"] == 0o755 and modes["2021/tables"] == 0o755
    assert modes["2021/tables/summary.csv"] == 0o644
    assert {m for p, m in modes.items() if (tmp_path / p).is_file()} == {0o644}


def test_a_second_build_of_the_same_report_at_once_is_refused(small_warehouse, tmp_path):
    out = tmp_path / "2021"
    with open(tmp_path / ".2021.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        refused(small_warehouse, out, "est en cours")
    assert not out.exists()
    build(small_warehouse, out)
    assert (out / MARKER).is_file()


# -- incremental: nothing changed, nothing done -----------------------------------------------------

def build_logged(db, out, **kw):
    messages: list[str] = []
    build_year(2021, db=db, out=out, tables_only=True, log=messages.append, **kw)
    return messages


def test_a_rebuild_with_nothing_changed_does_nothing(small_warehouse, tmp_path):
    db = tmp_path / "w.duckdb"
    db.write_bytes(small_warehouse.read_bytes())
    out = tmp_path / "2021"
    build_logged(db, out)
    first = out.stat().st_ino                     # a real build swaps in a new folder
    assert any("rien n'a changé" in m for m in build_logged(db, out))
    assert out.stat().st_ino == first
    assert not any("rien n'a changé" in m for m in build_logged(db, out, force=True))
    assert out.stat().st_ino != first


def test_a_changed_warehouse_is_rebuilt(small_warehouse, tmp_path):
    import duckdb

    db = tmp_path / "w.duckdb"
    db.write_bytes(small_warehouse.read_bytes())
    out = tmp_path / "2021"
    build_logged(db, out)
    with duckdb.connect(str(db)) as con:
        con.execute("DELETE FROM missions WHERE id_mission = 'm01'")
    assert not any("rien n'a changé" in m for m in build_logged(db, out))
    summary = (out / "tables" / "summary.csv").read_text(encoding="utf-8")
    assert "missions,15" in summary                      # 16 before the deletion


def test_changed_reference_templates_or_options_are_rebuilt(small_warehouse, tmp_path, monkeypatch):
    import shutil

    from pipeline import config

    ref = tmp_path / "ref"
    shutil.copytree(config.REF_DIR, ref)
    monkeypatch.setattr(config, "REF_DIR", ref)
    out = tmp_path / "2021"
    build_logged(small_warehouse, out)
    assert any("rien n'a changé" in m for m in build_logged(small_warehouse, out))
    with open(ref / "SOURCES.md", "a", encoding="utf-8") as f:
        f.write("\n")
    assert not any("rien n'a changé" in m for m in build_logged(small_warehouse, out))
    assert any("rien n'a changé" in m for m in build_logged(small_warehouse, out))
    messages: list[str] = []
    build_year(2021, db=small_warehouse, out=out, log=messages.append)      # the full site now
    assert not any("rien n'a changé" in m for m in messages)
    assert (out / "index.html").is_file()
