"""Small hand-made export files for tests, in the forms the platform's users produce."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

HEADER = ["N° mission", "N° demande", "Date de la demande", "Collectivité", "Code INSEE", "SIREN", "Canton",
          "Thématique", "Type de prestation", "Partenaire", "Objet", "Contact", "Email", "Téléphone"]


def row(mid, dem, date, who, code="", siren="", canton="", theme="NUMÉRIQUE - DÉMAT", presta="Conseil",
        partner="Numérian", objet="", contact="M. Martin", email="martin@mairie.fr", tel="04 75 12 34 56"):
    return [mid, dem, date, who, code, siren, canton, theme, presta, partner, objet, contact, email, tel]


def write_csv(path: Path, rows: list[list], header: list[str] = HEADER, *, encoding: str = "utf-8",
              sep: str = ";", newline: str = "\n", title: list[str] | None = None) -> Path:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=sep, lineterminator=newline, quoting=csv.QUOTE_MINIMAL)
    for line in title or []:
        w.writerow([line])
    w.writerow(header)
    w.writerows(rows)
    data = buf.getvalue().encode("utf-8-sig" if encoding == "utf-8-bom" else encoding)
    path.write_bytes(data)
    return path


def write_xlsx(path: Path, sheets: dict[str, tuple[list[str], list[list]]], title_rows: int = 2) -> Path:
    """Sheets of (header, rows); values that are dates/numbers are written as such by xlsxwriter."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    datefmt = wb.add_format({"num_format": "dd/mm/yyyy"})
    for name, (header, rows) in sheets.items():
        ws = wb.add_worksheet(name)
        if title_rows:
            ws.write(0, 0, "Export du 12/01/2022")
        r0 = title_rows
        ws.write_row(r0, 0, header)
        for i, values in enumerate(rows, start=r0 + 1):
            for j, v in enumerate(values):
                if isinstance(v, (dt.date, dt.datetime)):
                    ws.write_datetime(i, j, dt.datetime.combine(v, dt.time()) if type(v) is dt.date else v, datefmt)
                elif v is None or v == "":
                    continue
                else:
                    ws.write(i, j, v)
    wb.close()
    return path
