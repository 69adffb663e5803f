"""Workbooks written part by part (zipfile + hand-written XML), the way Excel and LibreOffice lay them out,
so that a test can make each part wrong on purpose: a false <dimension>, a missing part, a hidden sheet, an
entity declaration, an error cell, a zip bomb."""

from __future__ import annotations

import datetime as dt
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
NS_R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
XLSM_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"


class Err(str):
    """An Excel error cell (t="e")."""


def col_letter(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


@dataclass
class Sheet:
    name: str
    rows: list[list] = field(default_factory=list)
    state: str | None = None            # None, "hidden", "veryHidden"
    dimension: str | None = None        # the <dimension ref> to declare (None: the true one)
    first_row: int = 1
    inline: bool = False                # strings as inlineStr (many exporters) instead of shared strings
    xml: str | None = None              # the whole part, written as is
    prolog: str = ""                    # text put before <worksheet> (a DOCTYPE…)
    extra_row_xml: str = ""             # raw XML put after the last row


def _cell(ref: str, v, strings: dict[str, int], inline: bool) -> str:
    if v is None or v == "":
        return ""
    if isinstance(v, Err):
        return f'<c r="{ref}" t="e"><f>VLOOKUP(A1,X!A:B,2,0)</f><v>{escape(v)}</v></c>'
    if isinstance(v, bool):
        return f'<c r="{ref}" t="b"><v>{int(v)}</v></c>'
    if isinstance(v, (dt.date, dt.datetime)):
        base = dt.datetime(1899, 12, 30)
        moment = v if isinstance(v, dt.datetime) else dt.datetime.combine(v, dt.time())
        serial = (moment - base).total_seconds() / 86400
        return f'<c r="{ref}" s="1"><v>{serial!r}</v></c>'
    if isinstance(v, (int, float)):
        return f'<c r="{ref}"><v>{v}</v></c>'
    if inline:
        return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(str(v))}</t></is></c>'
    idx = strings.setdefault(str(v), len(strings))
    return f'<c r="{ref}" t="s"><v>{idx}</v></c>'


def sheet_xml(sheet: Sheet, strings: dict[str, int]) -> str:
    rows = []
    width = max((len(r) for r in sheet.rows), default=1)
    for n, values in enumerate(sheet.rows, start=sheet.first_row):
        cells = "".join(_cell(f"{col_letter(j)}{n}", v, strings, sheet.inline) for j, v in enumerate(values))
        rows.append(f'<row r="{n}" spans="1:{len(values)}">{cells}</row>')
    last = sheet.first_row + max(len(sheet.rows), 1) - 1
    dim = sheet.dimension or f"A1:{col_letter(width - 1)}{last}"
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n{sheet.prolog}'
            f'<worksheet {NS} {NS_R}><dimension ref="{dim}"/><sheetViews><sheetView workbookViewId="0"/></sheetViews>'
            f'<sheetFormatPr defaultRowHeight="15"/><sheetData>{"".join(rows)}{sheet.extra_row_xml}</sheetData>'
            f'<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>')


STYLES = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet {NS}>'
          '<numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy;@"/></numFmts>'
          '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
          '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
          '<borders count="1"><border/></borders>'
          '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
          '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
          '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
          '<xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
          '</styleSheet>')


def write_book(path: Path, sheets: list[Sheet], *, main_type: str = XLSX_MAIN, omit: tuple[str, ...] = (),
               replace: dict[str, bytes | str] | None = None, date1904: bool = False) -> Path:
    """Write the workbook; `omit` leaves listed parts out, `replace` writes a part's bytes as given."""
    strings: dict[str, int] = {}
    parts: dict[str, str | bytes] = {}
    for i, sh in enumerate(sheets, start=1):
        parts[f"xl/worksheets/sheet{i}.xml"] = sh.xml if sh.xml is not None else sheet_xml(sh, strings)
    sst = "".join(f'<si><t xml:space="preserve">{escape(s)}</t></si>' for s in strings)
    parts["xl/sharedStrings.xml"] = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                                     f'<sst {NS} count="{len(strings)}" uniqueCount="{len(strings)}">{sst}</sst>')
    parts["xl/styles.xml"] = STYLES
    sheet_tags = "".join(
        f'<sheet name="{escape(sh.name)}" sheetId="{i}"' + (f' state="{sh.state}"' if sh.state else "")
        + f' r:id="rId{i}"/>' for i, sh in enumerate(sheets, start=1))
    pr = '<workbookPr date1904="1"/>' if date1904 else '<workbookPr defaultThemeVersion="164011"/>'
    parts["xl/workbook.xml"] = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook {NS} {NS_R}>'
                                f'{pr}<bookViews><workbookView activeTab="0"/></bookViews>'
                                f'<sheets>{sheet_tags}</sheets></workbook>')
    rels = "".join(f'<Relationship Id="rId{i}" Type="{REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                   for i in range(1, len(sheets) + 1))
    n = len(sheets)
    rels += (f'<Relationship Id="rId{n + 1}" Type="{REL}/styles" Target="styles.xml"/>'
             f'<Relationship Id="rId{n + 2}" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>')
    parts["xl/_rels/workbook.xml.rels"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>')
    parts["_rels/.rels"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, n + 1))
    parts["[Content_Types].xml"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{main_type}"/>{overrides}'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    parts.update(replace or {})
    order = ["[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels"]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in order + sorted(set(parts) - set(order)):
            if name not in omit:
                zf.writestr(name, parts[name])
    return path


def raw_zip(path: Path, members: list[tuple[str, bytes, int, int]]) -> Path:
    """A zip written byte by byte: (name, deflated data, crc, declared inflated size) per member, so
    that a member can declare any size (a zip bomb) without a test inflating it."""
    local, central = b"", b""
    for name, data, crc, size in members:
        nb = name.encode()
        offset = len(local)
        local += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(data), size, len(nb), 0) + nb + data
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, len(data), size,
                               len(nb), 0, 0, 0, 0, 0, offset) + nb
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), len(local), 0)
    path.write_bytes(local + central + end)
    return path


def deflate(data: bytes) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def zeros_deflated(total: int, chunk: int = 1 << 20) -> bytes:
    """A raw deflate stream of `total` zero bytes, built from one compressed chunk repeated (fast)."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = c.compress(b"\0" * chunk) + c.flush(zlib.Z_FULL_FLUSH)
    c2 = zlib.compressobj(9, zlib.DEFLATED, -15)
    again = c2.compress(b"\0" * chunk) + c2.flush(zlib.Z_FULL_FLUSH)
    assert block == again
    return block * (total // chunk) + zlib.compressobj(9, zlib.DEFLATED, -15).flush()
