"""Property-based fuzzing of the CSV reader and of the whole ingest (issue 7, item 7).

Hypothesis writes exports the way spreadsheets do (Python's csv writer: quotes, separators and line
breaks inside cells), in every encoding, separator and line ending the platform's users produce, with
title lines, bad cells (Excel error values, unknown labels, blank cells, spaces) and sometimes a hand
edit (a stray quote, a lone CR). The reference is Python's csv module reading the same bytes.

Invariants:
- a well-formed file is never refused; the reader gives exactly the reference's records, each with
  the physical line where it starts and its cells;
- the whole ingest never crashes; every record of the file is accepted, quarantined or a duplicate
  (lignes_lues = the reference's count = acceptées + quarantaine + doublons), and the warehouse holds
  exactly those rows;
- a hand-edited file is either refused with one line of French, or read exactly as the reference.

The suite runs a few dozen examples (a few seconds); a longer campaign:
    HYPOTHESIS_PROFILE=campaign uv run pytest tests/test_fuzz_csv.py -q
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from pathlib import Path

import duckdb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.ingest.load import ingest_paths
from pipeline.ingest.readers import CountMismatch, UnreadableFile, read_export
from tests.exports import HEADER

settings.register_profile("ci", max_examples=15, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("campaign", max_examples=int(os.environ.get("FUZZ_EXAMPLES", "2000")), deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

HOSTILE = st.sampled_from(['"', ";", ",", "\t", "\n", "\r\n", " ", "'", "é", "œ", "€", "’", "—", "🙂", "Ω", "<b>",
                           "&", "=", "#", "a", "B", "z", "-", "/", "\u00a0"])
TEXT = st.lists(HOSTILE, max_size=8).map("".join)
EXCEL_ERRORS = st.sampled_from(["#N/A", "#VALUE!", "#REF!", "#DIV/0!", "#NOM?"])


def cell(*good: str) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(good), TEXT, EXCEL_ERRORS, st.just(""))


ROW = st.tuples(
    st.sampled_from(["M1", "M2", "M3", "M4", "M5", "M6", "M7", "M8"]) | cell("X1"),   # id: repeats → duplicates
    cell("D1", "D2"),
    cell("15/03/2021", "2021-03-16", "16/03/2021 10:42", "32/13/2021"),
    cell("Mairie de Crest", "Ville de Valence"),
    cell("26108", "26362", "26999"),
    cell("", "200040509"),
    cell("", "Valence 2", "Crest"),
    cell("ÉNERGIE", "Numérique - Démat", "Astronomie"),
    cell("Conseil", "AMO", "Maîtrise d'œuvre (MOe)"),
    cell("SDED", "Numérian", "Inconnu SA"),
    TEXT,                                              # objet: free text
    TEXT, TEXT, TEXT,                                  # contact, e-mail, téléphone columns (dropped)
).map(list)

EXPORT = st.fixed_dictionaries({
    "rows": st.lists(ROW, max_size=12),
    "sep": st.sampled_from([";", ",", "\t"]),
    "newline": st.sampled_from(["\n", "\r\n", "\r"]),
    "encoding": st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]),
    "title": st.sampled_from([[], ["Export du 12/01/2022"], ["Export du 12/01/2022", ""]]),
    "blank_lines": st.lists(st.integers(0, 20), max_size=3),
    "wide": st.lists(st.tuples(st.integers(0, 20), TEXT), max_size=2),
})


def render(export: dict) -> tuple[bytes, str]:
    """The export's bytes and the encoding they are in (cp1252 falls back to UTF-8 when a character has
    no Windows-1252 byte — as Excel would have replaced it)."""
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=export["sep"], lineterminator=export["newline"], quoting=csv.QUOTE_MINIMAL)
    for line in export["title"]:
        w.writerow([line])
    w.writerow(HEADER)
    rows = [list(r) for r in export["rows"]]
    for i, extra in export["wide"]:
        if rows:
            rows[i % len(rows)].append(extra)
    for i, r in enumerate(rows):
        if i in export["blank_lines"]:
            buf.write(export["newline"])
        w.writerow(r)
    text = buf.getvalue()
    encoding = export["encoding"]
    try:
        return text.encode(encoding), encoding
    except UnicodeEncodeError:
        return text.encode("utf-8"), "utf-8"


def reference(data: bytes, encoding: str, sep: str) -> list[tuple[int, list[str | None]]]:
    """Records with a visible value, as Python's csv module reads the bytes: (first line, cells)."""
    text = data.decode("utf-16" if encoding == "utf-16" else encoding)
    text = text.removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    out, line = [], 0
    for rec in reader:
        start, line = line + 1, reader.line_num
        if any(c.strip(" \t\r\n") for c in rec):
            out.append((start, [c.strip() or None for c in rec]))
    return out


def norm(value: str | None) -> str | None:
    """Line breaks inside a cell are one LF whatever the file's line endings (CR-only files are read so)."""
    return value.replace("\r\n", "\n").replace("\r", "\n") if value is not None else None


def read_all(path: Path) -> list[tuple[int, list[str | None]]]:
    """Every row the reader gives, in batches of 7; read again with Python's csv module when DuckDB's
    records disagree with the independent count, as the loader does."""
    return read_all_with_separator(path)[0]


def read_all_with_separator(path: Path) -> tuple[list[tuple[int, list[str | None]]], str]:
    """`read_all`, and the separator the reader chose."""
    [sheet] = read_export(path, stream=True)
    sep = sheet.csv.sep if sheet.csv is not None else {"tab": "\t"}.get(sheet.format.split()[2], sheet.format.split()[2])
    return _rows(sheet), sep


def _rows(sheet) -> list[tuple[int, list[str | None]]]:
    try:
        try:
            return [(r[0], [norm(c) for c in r[1:]]) for b in sheet.batches(7) for r in b.iter_rows()]
        except CountMismatch:
            return [(r[0], [norm(c) for c in r[1:]]) for b in sheet.batches(7, exact=True) for r in b.iter_rows()]
    finally:
        sheet.close()


def padded(records, width):
    return [(line, [norm(c) for c in cells] + [None] * (width - len(cells))) for line, cells in records]


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(EXPORT)
def test_reader_gives_exactly_the_reference_records(export):
    data, encoding = render(export)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.csv"
        path.write_bytes(data)
        got = read_all(path)
    expected = reference(data, encoding, export["sep"])
    width = max((len(c) for _, c in got), default=0)
    assert got == padded(expected, width)


def _ingest_and_check(data: bytes, encoding: str, sep: str, may_refuse: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.csv"
        path.write_bytes(data)
        db = Path(tmp) / "w.duckdb"
        [c] = ingest_paths([path], db=db)
        if c.refuse is not None:
            assert may_refuse, c.refuse
            assert "\n" not in c.refuse and "Traceback" not in c.refuse
            return
        records = reference(data, encoding, sep)
        headers = [line for line, cells in records if HEADER[0] in cells and HEADER[9] in cells]
        if not headers:            # a hand edit broke the header and the reader found another one
            assert may_refuse
            return
        header_line = headers[0]
        data_lines = [line for line, _ in records if line > header_line]
        assert c.lignes_lues == len(data_lines)
        assert c.lignes_lues == c.acceptees + c.quarantaine + c.doublons
        with duckdb.connect(str(db), read_only=True) as con:
            q_lines = [r[0] for r in con.execute("SELECT ligne FROM quarantine").fetchall()]
            m_lines = [r[0] for r in con.execute("SELECT ligne FROM missions").fetchall()]
            conflicts = con.execute("SELECT count(*) FROM conflicts").fetchall()[0][0]
        assert len(q_lines) == c.quarantaine
        assert len(m_lines) == c.acceptees - conflicts             # a conflict replaces a mission it accepted
        assert set(q_lines) | set(m_lines) <= set(data_lines)


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(EXPORT)
def test_whole_ingest_accounts_for_every_record(export):
    data, encoding = render(export)
    _ingest_and_check(data, encoding, export["sep"], may_refuse=False)


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(EXPORT, st.lists(st.tuples(st.integers(0, 10_000), st.sampled_from([b'"', b"\r", b'""', b";"])),
                        min_size=1, max_size=3))
def test_hand_edited_file_is_refused_in_one_line_or_read_exactly(export, edits):
    export = {**export, "encoding": "utf-8"}
    data, _ = render(export)
    for pos, ins in edits:
        at = pos % (len(data) + 1)
        data = data[:at] + ins + data[at:]
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:     # an edit inside a multi-byte character: not a text file any more
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.csv"
        path.write_bytes(data)
        message, got, sep = None, None, export["sep"]
        try:
            got, sep = read_all_with_separator(path)
        except UnreadableFile as exc:
            message = str(exc)
        except CountMismatch:      # the loader refuses such a file in one line (checked below)
            pass
    if message is not None:
        assert "\n" not in message
        return
    if got is not None:
        # A stray quote can make another separator split the first lines better: then the file is read
        # exactly as Python's csv module reads it with that separator (and refused, its header lost).
        expected = reference(data, "utf-8", sep)
        width = max((len(c) for _, c in got), default=0)
        assert got == padded(expected, width)
    _ingest_and_check(data, "utf-8", export["sep"], may_refuse=True)
