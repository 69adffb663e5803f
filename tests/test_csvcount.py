"""The independent count (pipeline/ingest/csvcount.py) against Python's csv module, record by record.

The count classifies most lines holding quotes with NumPy (a regular one-line record) and walks the
others in Python; whichever way a line goes, the records it finds — where each starts, how wide the
widest is, how many span several lines — must be those Python's csv module reads in the same bytes.
Small chunks make records straddle chunk ends, as a large file's do.
"""

from __future__ import annotations

import csv
import io
import random

import pytest

from pipeline.ingest import csvcount

# Cells as spreadsheets and hand edits write them: quoted fields with separators, doubled quotes and
# line breaks inside, empty quoted fields, a quote inside a plain field, text after a closing quote.
CELLS = ["a", "Crest", " ", "", "é", '"a;b"', '"x""y"', '""', '""""', '"a\nb"', '"a\r\nb"', 'ab"c', '"ab"c',
         '" "', '"""q"""', "26108", '"; ;"', '"\n"', ' "a;b"', 'x"y;z"']


def python_records(text: str, sep: str) -> list[tuple[int, int]]:
    """(first line, number of cells) of each record with a visible character, as csv reads it."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    out, line = [], 0
    for rec in reader:
        start, line = line + 1, reader.line_num
        if any(c.strip(" \t\r\n") for c in rec):
            out.append((start, len(rec)))
    return out


def export(rnd: random.Random, sep: str) -> str:
    lines = []
    for _ in range(rnd.randint(1, 40)):
        cells = [rnd.choice(CELLS) for _ in range(rnd.randint(1, 7))]
        lines.append(sep.join(cells) + rnd.choice(["\n", "\r\n"]))
        if rnd.random() < 0.1:
            lines.append(rnd.choice(["\n", sep * 3 + "\n", "  \r\n"]))    # blank lines, counted as lines
    return "".join(lines)


@pytest.mark.parametrize("chunk", [4 << 20, 64, 7])
def test_the_count_finds_the_records_python_csv_reads(tmp_path, monkeypatch, chunk):
    monkeypatch.setattr(csvcount, "CHUNK", chunk)
    rnd = random.Random(chunk)
    path = tmp_path / "export.csv"
    for _ in range(150):
        sep = rnd.choice([";", ","])
        text = export(rnd, sep)
        path.write_bytes(text.encode("utf-8"))
        count = csvcount.count_csv(path, sep)
        expected = python_records(text, sep)
        assert count.unterminated is None and count.too_long is None, text
        assert count.starts.tolist() == [start for start, _ in expected], text
        assert count.max_width == max((n for _, n in expected), default=0), text
        assert count.lines == text.count("\n"), text
        multiline = sum(1 for rec in csv.reader(io.StringIO(text, newline=""), delimiter=sep)
                        if any("\n" in c or "\r" in c for c in rec))
        assert count.multiline == multiline, text


def test_separators_inside_quotes_do_not_widen_a_record(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(b'a;b;c\n"x;y;z;w";"v""w;";2\n1;"";""""\n')
    count = csvcount.count_csv(path, ";")
    assert (count.starts.tolist(), count.max_width, count.irregular) == ([1, 2, 3], 3, [])


def test_a_quote_out_of_place_is_walked_and_noted(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(b'a;b\n"ab"c;d\nx;y"z\n " q";r\n')
    count = csvcount.count_csv(path, ";")
    assert count.starts.tolist() == [1, 2, 3, 4]
    assert count.irregular == [2, 3, 4]
