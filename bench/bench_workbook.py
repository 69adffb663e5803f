"""Benchmark: the XLSX reader (pipeline/ingest/workbook.py) against openpyxl and fastexcel, and the hostile
workbooks of issue 7 (not a test; results go in the issue notes).

    uv run python bench/bench_workbook.py 20000

Writes an N-row export with xlsxwriter (as the platform would: shared strings, date cells), reads it with
each reader, and prints wall time and peak memory of each in a fresh process; then times the refusals of a
1.1 GB zip bomb, an A1:XFD1048576 dimension and a "billion laughs" sheet.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

READERS = {
    "bilan workbook.py": "from pipeline.ingest.workbook import read_workbook; s = read_workbook(P, 'x'); "
                         "n = sum(x.frame.height for x in s)",
    "openpyxl read_only": "import openpyxl; wb = openpyxl.load_workbook(P, read_only=True, data_only=True); "
                          "n = sum(1 for ws in wb.worksheets for r in ws.iter_rows(values_only=True))",
    "fastexcel (calamine)": "import fastexcel; r = fastexcel.read_excel(str(P)); "
                            "n = sum(r.load_sheet(i, header_row=None).height for i in range(len(r.sheet_names)))",
}


def _measure(code: str, path: Path) -> dict:
    script = (f"import resource, time, sys; sys.path.insert(0, {str(ROOT)!r}); from pathlib import Path; "
              f"P = Path({str(path)!r}); t = time.perf_counter(); {code}; "
              "import json; print(json.dumps({'s': time.perf_counter() - t, 'rows': n, "
              "'mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=900)
    return json.loads(out.stdout) if out.returncode == 0 else {"error": out.stderr.strip().splitlines()[-1]}


def write_export(path: Path, n: int) -> Path:
    import xlsxwriter

    from tests.exports import HEADER

    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Missions")
    datefmt = wb.add_format({"num_format": "dd/mm/yyyy"})
    ws.write_row(0, 0, HEADER)
    for i in range(1, n + 1):
        ws.write_row(i, 0, [f"M21-{i:05d}", f"D{i // 2}"])
        ws.write_datetime(i, 2, dt.datetime(2021, 1, 1) + dt.timedelta(days=i % 365), datefmt)
        ws.write_row(i, 3, ["Mairie de Crest", 26108, "", "", "NUMÉRIQUE - DÉMAT", "Conseil", "Numérian",
                            f"Objet de la mission {i}, un texte libre d'une ligne", "", "", ""])
    wb.close()
    return path


def hostile(tmp: Path) -> None:
    from pipeline.ingest.readers import UnreadableFile
    from pipeline.ingest.workbook import read_workbook
    from tests.exports import HEADER
    from tests.xlsx_parts import Sheet, deflate, raw_zip, write_book, zeros_deflated

    ok = write_book(tmp / "ok.xlsx", [Sheet("Missions", [HEADER, ["a"] * 14])])
    import zipfile

    with zipfile.ZipFile(ok) as zf:
        members = [(i.filename, deflate(zf.read(i)), zlib.crc32(zf.read(i)), i.file_size) for i in zf.infolist()]
    size = 1100 << 20
    bomb = [(m[0], zeros_deflated(size), 0, size) if m[0].endswith("sheet1.xml") else m for m in members]
    cases = {
        "zip bomb 1.1 GB": raw_zip(tmp / "bomb.xlsx", bomb),
        "dimension A1:XFD1048576": write_book(tmp / "dim.xlsx", [Sheet("M", [HEADER] + [["x"] * 14] * 50,
                                                                       dimension="A1:XFD1048576")]),
        "billion laughs": write_book(tmp / "lol.xlsx", [Sheet("M", [HEADER], prolog='<!DOCTYPE w [<!ENTITY a "aaaa">'
                                                              + "".join(f'<!ENTITY a{i} "&a;&a;&a;&a;">'
                                                                        for i in range(30)) + "]>")]),
    }
    for name, path in cases.items():
        t = time.perf_counter()
        try:
            sheets = read_workbook(path, "x")
            result = f"read, {sum(s.frame.height for s in sheets)} rows"
        except UnreadableFile as exc:
            result = f"refused: {exc}"
        print(f"{name:28} {path.stat().st_size / 1e6:6.2f} MB  {time.perf_counter() - t:6.3f} s  {result}")


def main(n: int) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-workbook-") as name:
        tmp = Path(name)
        path = write_export(tmp / "export.xlsx", n)
        print(f"{n:,} rows × 14 columns, {path.stat().st_size / 1e6:.1f} MB")
        for label, code in READERS.items():
            r = _measure(code, path)
            print(f"{label:24} " + (f"{r['s']:6.2f} s  {r['mb']:6.0f} MB peak  rows={r['rows']:,}"
                                     if "s" in r else r["error"]))
        hostile(tmp)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000)
