"""The console prints names literally and never a traceback, whatever the input (issue 7, item 6);
one file's unexpected failure is one refusal line, the others load (item 2)."""

from __future__ import annotations

import pytest

from pipeline.ingest import workbook
from pipeline.ingest.load import ingest_paths
from run_cli import bilan  # the real entry point, in-process
from tests.exports import HEADER, row, write_csv
from tests.xlsx_parts import Sheet, write_book


def _rows(prefix: str, n: int = 2) -> list[list]:
    return [row(f"{prefix}{i}", f"D{prefix}{i}", "01/06/2021", "Mairie de Crest", "26108") for i in range(n)]


def test_names_with_brackets_are_printed_literally(tmp_path):
    folder = tmp_path / "exports [" / "b] [red]"      # a path holding "[/b]"
    folder.mkdir(parents=True)
    good = write_csv(folder / "export [copie].csv", _rows("A"))
    empty = folder / "vide [bold].csv"
    empty.write_bytes(b"")
    book = write_book(folder / "classeur [v2].xlsx", [Sheet("Missions [2021]", [HEADER, *_rows("B")]),
                                                     Sheet("Ancien [/i]", [HEADER, *_rows("C")], state="hidden")])
    (folder / "notes [1].pdf").write_bytes(b"%PDF")
    res = bilan("ingest", str(folder), "--db", str(tmp_path / "w.duckdb"))
    out = res.stdout + res.stderr
    assert res.returncode == 2 and "Traceback" not in out
    assert f"{good.name} : 2 lues, 2 acceptées" in res.stdout
    assert f"{book.name} [Missions [2021]] : 2 lues, 2 acceptées" in res.stdout
    assert f"{book.name} [Ancien [/i]] : feuille masquée, ignorée" in res.stdout
    assert "REFUSÉ vide [bold].csv : fichier vide" in res.stderr
    assert f"ignoré : {folder / 'notes [1].pdf'} : ni CSV ni classeur XLSX" in res.stderr
    assert len([line for line in res.stderr.splitlines() if "vide [bold].csv" in line]) == 1


def test_errors_naming_a_path_with_markup_are_one_line(tmp_path):
    res = bilan("validate", "--db", str(tmp_path / "[/b]entrepôt[red].duckdb"))
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert res.stderr.strip() == f"erreur : entrepôt introuvable : {tmp_path / '[/b]entrepôt[red].duckdb'} " \
                                 "(lancer d'abord `bilan ingest`)"
    res = bilan("ingest", str(tmp_path / "absent [/b].csv"), "--db", str(tmp_path / "w.duckdb"))
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert res.stderr.strip() == "REFUSÉ b].csv : fichier introuvable"


def test_an_unexpected_failure_refuses_only_that_file(tmp_path, monkeypatch):
    def boom(*_args, **_kw):
        raise RuntimeError("low-level failure nobody foresaw")

    monkeypatch.setattr(workbook, "_content_types", boom)
    book = write_book(tmp_path / "a.xlsx", [Sheet("Missions", [HEADER, *_rows("A")])])
    good = write_csv(tmp_path / "b.csv", _rows("B"))
    monkeypatch.delenv("BILAN_DEBUG", raising=False)
    counts = ingest_paths([book, good], db=tmp_path / "w.duckdb")
    assert counts[0].refuse == "lecture impossible : erreur inattendue (RuntimeError)"
    assert counts[1].acceptees == 2
    monkeypatch.setenv("BILAN_DEBUG", "1")          # the developer's switch: the exception goes through
    other = write_book(tmp_path / "c.xlsx", [Sheet("Missions", [HEADER, *_rows("C")])])
    with pytest.raises(RuntimeError, match="nobody foresaw"):
        ingest_paths([other], db=tmp_path / "w2.duckdb")
