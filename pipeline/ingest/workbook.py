"""Read an XLSX / XLSM workbook: the zip and its XML parts, parsed here, streaming, with caps.

Why not openpyxl or fastexcel (calamine): both trust the workbook. openpyxl sizes a sheet from its declared
`<dimension>` (an understated one loses the rows past it; "A1:XFD1048576" iterates a billion empty cells),
expands XML entities through the standard parser and reads a zip member whatever its inflated size;
calamine builds the whole sheet in memory before we can look at it. The format we need is small (cells,
shared strings, date styles, sheet states), so reading it with Python's expat, chunk by chunk from the zip,
lets every rule be ours and be checked as we go:

- **No DTD at all.** SpreadsheetML never has one; a `<!DOCTYPE` (entity declarations: XXE, "billion
  laughs") refuses the file before any entity is defined.
- **Caps** (pipeline/config.py): inflated size of the parts read (declared sizes checked before reading,
  bytes counted while reading), cells actually used (rows with a value × widest used column, and the
  widest column alone), time per file. Each refusal says which cap and the numbers.
- **Rows come from the sheet itself**: every `<row>` is read; `<dimension>` is never consulted.
- **Parts listed but missing** (a sheet, the shared strings, the styles) refuse the file: a workbook
  with a hole is damaged, and loading the rest would silently under-count.
- **Hidden sheets** (`state="hidden"` or `"veryHidden"`) are not loaded; each is reported as skipped.
- **Error cells** (`t="e"`: #N/A, #VALUE!…) keep their text; the clean stage quarantines a row holding one
  in a field the report reads (docs/workbooks.md).

Cells become text as in the CSV reader: date cells (by their number format) as ISO dates, integral numbers
without ".0", booleans as TRUE/FALSE. Line numbers are Excel's row numbers.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import struct
import time
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn
from xml.parsers import expat

import polars as pl

from pipeline import config
from pipeline.ingest.readers import RawSheet, UnreadableFile

# Content types of a workbook's main part, by kind.
_MAIN_TYPES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "xlsx",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml": "xlsm",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml": "xltx",
    "application/vnd.ms-excel.template.macroEnabled.main+xml": "xltm",
}
_OTHER_ZIPS = {
    "application/vnd.ms-excel.sheet.binary.macroEnabled.main": "classeur binaire Excel (.xlsb) non pris en charge : "
                                                               "l'enregistrer en .xlsx ou .csv",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "document Word, pas un classeur",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": "présentation PowerPoint, "
                                                                                          "pas un classeur",
}
_REL_WORKSHEET = "/worksheet"
_REL_SHARED = "/sharedStrings"
_REL_STYLES = "/styles"
_CHUNK = 1 << 16
_MAX_COL = 16_384
_MAX_ROW = 1_048_576
_BUILTIN_DATE_FORMATS = {*range(14, 23), *range(27, 37), 45, 46, 47, *range(50, 59)}
_FORMAT_NOISE = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.|_.|\*.')


class WorkbookRefused(UnreadableFile):
    """The workbook is refused whole; the message is the one French line shown to the user."""


@dataclass
class _Budget:
    """What one file may still cost: inflated bytes and seconds (config caps)."""

    path_name: str
    started: float = field(default_factory=time.monotonic)
    inflated: int = 0

    def add_bytes(self, n: int) -> None:
        self.inflated += n
        if self.inflated > config.XLSX_MAX_INFLATED:
            raise WorkbookRefused(f"classeur refusé : plus de {_mib(config.XLSX_MAX_INFLATED)} une fois décompressé "
                                  "(bombe de décompression ?)")

    def check_time(self) -> None:
        if time.monotonic() - self.started > config.XLSX_MAX_SECONDS:
            raise WorkbookRefused(f"classeur refusé : lecture interrompue après {config.XLSX_MAX_SECONDS:g} s "
                                  "(durée maximale par fichier)")


def _mib(n: int) -> str:
    return f"{n / (1 << 20):,.0f} Mio".replace(",", "\u202f")


# --- the safe XML pass ----------------------------------------------------------------------------------

def _no_dtd(*_args: object) -> NoReturn:
    raise WorkbookRefused("classeur refusé : déclaration DTD ou d'entité XML (XXE, « billion laughs ») "
                          "qu'un classeur Excel ne contient jamais")


def _parse(zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: _Budget, start, end=None, text=None,
           namespaces: bool = True) -> None:
    """Feed one zip member to expat chunk by chunk. With `namespaces`, handlers get "uri}local" names;
    without (the sheets: faster), names as written ("c" or "x:c")."""
    parser = expat.ParserCreate(namespace_separator="}") if namespaces else expat.ParserCreate()
    parser.buffer_text = True
    parser.buffer_size = _CHUNK
    parser.StartDoctypeDeclHandler = _no_dtd
    parser.EntityDeclHandler = _no_dtd
    parser.UnparsedEntityDeclHandler = _no_dtd
    parser.ExternalEntityRefHandler = _no_dtd
    parser.StartElementHandler = start
    if end:
        parser.EndElementHandler = end
    if text:
        parser.CharacterDataHandler = text
    try:
        with zf.open(info) as member:
            while chunk := member.read(_CHUNK):
                budget.add_bytes(len(chunk))
                budget.check_time()
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise WorkbookRefused(f"classeur XLSX illisible : XML mal formé dans {info.filename}, "
                              f"ligne {exc.lineno}, colonne {exc.offset + 1}") from exc
    except _ZIP_ERRORS as exc:
        raise WorkbookRefused(f"classeur XLSX illisible : partie {info.filename} endommagée ({_reason(exc)})") from exc


# What zipfile and zlib raise on damaged archives (seen by damaging real workbooks byte by byte).
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError, RuntimeError,
               struct.error, OverflowError, UnicodeError, KeyError, IndexError)


def _reason(exc: BaseException) -> str:
    """The cause in French, from the exception's kind (their messages are English)."""
    text = str(exc)
    if "CRC" in text:
        return "somme de contrôle fausse"
    if isinstance(exc, NotImplementedError) or "compression" in text:
        return "méthode de compression non prise en charge"
    if "encrypted" in text or "password" in text:
        return "partie chiffrée par un mot de passe"
    if isinstance(exc, (zlib.error, EOFError)):
        return "données compressées altérées ou tronquées"
    return "structure de l'archive altérée"


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1]


# --- workbook structure ---------------------------------------------------------------------------------

@dataclass
class _SheetEntry:
    name: str
    state: str
    rel_id: str | None


class _Package:
    """The zip with case-insensitive part names (OPC part names are), and the caps checked up front."""

    def __init__(self, path: Path, budget: _Budget):
        try:
            self.zf = zipfile.ZipFile(path)
            infos = self.zf.infolist()
        except _ZIP_ERRORS as exc:
            raise WorkbookRefused(f"classeur XLSX illisible (archive ZIP endommagée : {_reason(exc)})") from exc
        self.parts = {i.filename.replace("\\", "/").lstrip("/").lower(): i for i in infos}
        self.budget = budget

    def get(self, name: str) -> zipfile.ZipInfo | None:
        return self.parts.get(name.lstrip("/").lower())

    @staticmethod
    def check_declared(infos: list[zipfile.ZipInfo]) -> None:
        """Refuse at once when the parts to read declare more than the cap (a zip bomb says so itself)."""
        declared = sum(i.file_size for i in infos)
        if declared > config.XLSX_MAX_INFLATED:
            packed = sum(i.compress_size for i in infos)
            raise WorkbookRefused(f"classeur refusé : {_mib(packed)} compressés annoncent {_mib(declared)} une fois "
                                  f"décompressés (maximum {_mib(config.XLSX_MAX_INFLATED)} : bombe de décompression ?)")

    def close(self) -> None:
        self.zf.close()


def _content_types(pkg: _Package) -> dict[str, str]:
    """Part name (lower case, no leading /) → content type, from [Content_Types].xml."""
    info = pkg.get("[Content_Types].xml")
    if info is None:
        mimetype = pkg.get("mimetype")
        if mimetype is not None:
            try:
                with pkg.zf.open(mimetype) as f:
                    mime = f.read(200).decode("ascii", "replace")
            except _ZIP_ERRORS:
                mime = ""
            if "opendocument.spreadsheet" in mime:
                raise WorkbookRefused("classeur OpenDocument (.ods) non pris en charge : l'enregistrer en .xlsx ou .csv")
        raise WorkbookRefused("archive ZIP qui n'est pas un classeur XLSX (pas de [Content_Types].xml)")
    types: dict[str, str] = {}

    def start(name, attrs):
        if _local(name) == "Override" and "PartName" in attrs:
            types[attrs["PartName"].lstrip("/").lower()] = attrs.get("ContentType", "")

    _parse(pkg.zf, info, pkg.budget, start)
    return types


def _relationships(pkg: _Package, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id → (type, target part name) of one part."""
    folder, base = posixpath.split(part)
    info = pkg.get(posixpath.join(folder, "_rels", base + ".rels"))
    rels: dict[str, tuple[str, str]] = {}
    if info is None:
        return rels

    def start(name, attrs):
        if _local(name) == "Relationship" and attrs.get("TargetMode") != "External":
            target = attrs.get("Target", "").replace("\\", "/")
            target = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            rels[attrs.get("Id", "")] = (attrs.get("Type", ""), target)

    _parse(pkg.zf, info, pkg.budget, start)
    return rels


def _workbook(pkg: _Package, part: str) -> tuple[list[_SheetEntry], bool]:
    """The sheets in workbook order (name, state, relationship id) and the 1904 date system flag."""
    sheets: list[_SheetEntry] = []
    date1904 = [False]

    def start(name, attrs):
        local = _local(name)
        if local == "sheet":
            rel = next((v for k, v in attrs.items() if k.endswith("}id")), None)
            sheets.append(_SheetEntry(attrs.get("name", "?"), attrs.get("state", "visible"), rel))
        elif local == "workbookPr":
            date1904[0] = attrs.get("date1904", "0").lower() in ("1", "true")

    info = pkg.get(part)
    if info is None:
        raise WorkbookRefused(f"classeur XLSX endommagé : partie {part} annoncée mais absente")
    _parse(pkg.zf, info, pkg.budget, start)
    return sheets, date1904[0]


def _shared_strings(pkg: _Package, info: zipfile.ZipInfo) -> list[str]:
    """The shared-string table: each <si> is its <t> texts joined (rich runs), phonetic runs left out."""
    out: list[str] = []
    parts: list[str] = []
    state = {"in_t": False, "skip": 0}

    def start(name, _attrs):
        local = _local(name)
        if local == "si":
            parts.clear()
        elif local in ("rPh", "phoneticPr"):
            state["skip"] += 1
        elif local == "t" and not state["skip"]:
            state["in_t"] = True

    def end(name):
        local = _local(name)
        if local == "si":
            out.append("".join(parts))
            if len(out) % 4096 == 0:
                pkg.budget.check_time()
        elif local in ("rPh", "phoneticPr"):
            state["skip"] -= 1
        elif local == "t":
            state["in_t"] = False

    def text(data):
        if state["in_t"]:
            parts.append(data)

    _parse(pkg.zf, info, pkg.budget, start, end, text)
    return out


def is_date_format(code: str) -> bool:
    """A number format that shows a date or time ('dd/mm/yyyy', 'd mmm yy h:mm'), not '0.00' or '# ##0 €'."""
    cleaned = _FORMAT_NOISE.sub("", code).lower()
    return cleaned not in ("general", "") and any(ch in cleaned for ch in "dmyhs") and "general" not in cleaned


def _date_styles(pkg: _Package, info: zipfile.ZipInfo | None) -> set[int]:
    """Indexes of cellXfs whose number format is a date."""
    if info is None:
        return set()
    custom: dict[int, str] = {}
    xfs: list[int] = []
    depth = {"cellXfs": 0}

    def start(name, attrs):
        local = _local(name)
        if local == "numFmt" and attrs.get("numFmtId", "").isdigit():
            custom[int(attrs["numFmtId"])] = attrs.get("formatCode", "")
        elif local == "cellXfs":
            depth["cellXfs"] += 1
        elif local == "xf" and depth["cellXfs"]:
            fmt = attrs.get("numFmtId", "0")
            xfs.append(int(fmt) if fmt.isdigit() else 0)

    def end(name):
        if _local(name) == "cellXfs":
            depth["cellXfs"] -= 1

    _parse(pkg.zf, info, pkg.budget, start, end)
    return {i for i, fmt in enumerate(xfs)
            if (fmt in custom and is_date_format(custom[fmt])) or (fmt not in custom and fmt in _BUILTIN_DATE_FORMATS)}


# --- one sheet ------------------------------------------------------------------------------------------

_COLUMNS: dict[str, int] = {}
_TAGS: dict[str, str] = {}


def _tag(name: str) -> str:
    """Local name of an element as written ("x:c" → "c"), remembered for the few names a sheet uses."""
    local = name.rpartition(":")[2]
    if len(_TAGS) < 256:
        _TAGS[name] = local
    return local


def _col_index(ref: str) -> int:
    """0-based column of a cell reference ('B3' → 1); -1 when it is not one."""
    letters = ref.rstrip("0123456789")
    col = _COLUMNS.get(letters)
    if col is None:
        col = _letters_index(letters)
        if len(_COLUMNS) < 20_000:
            _COLUMNS[letters] = col
    return col


def _letters_index(ref: str) -> int:
    n = 0
    for ch in ref:
        if "A" <= ch <= "Z":
            n = n * 26 + ord(ch) - 64
        elif "a" <= ch <= "z":
            n = n * 26 + ord(ch) - 96
        else:
            break
        if n > _MAX_COL:
            return -1
    return n - 1


def _number_text(raw: str, is_date: bool, date1904: bool) -> str | None:
    try:
        value = float(raw)
    except ValueError:
        return raw.strip() or None
    if is_date and 0 <= value < 2_958_466:    # up to 9999-12-31
        base = dt.datetime(1904, 1, 1) if date1904 else dt.datetime(1899, 12, 30)
        moment = base + dt.timedelta(days=value)
        moment = (moment + dt.timedelta(microseconds=500_000)).replace(microsecond=0)
        if moment.time() == dt.time(0):
            return moment.date().isoformat()
        return moment.isoformat(sep=" ")
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value)


class _SheetReader:
    """expat handlers for one worksheet: every row with a value as (Excel row number, cells).
    Caps on cells used are checked as rows come, time every 1 024 rows."""

    def __init__(self, pkg: _Package, shared: list[str], dates: set[int], date1904: bool, sheet_name: str):
        self.pkg, self.shared, self.dates, self.date1904, self.sheet = pkg, shared, dates, date1904, sheet_name
        self.lines: list[int] = []
        self.rows: list[list[str | None]] = []
        self.width = 0
        self.cur: dict[int, str] = {}
        self.row = 0
        self.col = -1
        self.kind = "n"
        self.style = 0
        self.in_v = self.in_is = self.in_is_t = False
        self.row_elements = 0
        self.buf: list[str] = []
        self.max_cells, self.max_cols = config.XLSX_MAX_CELLS, config.XLSX_MAX_COLUMNS

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = _TAGS.get(name) or _tag(name)
        if local == "c":
            ref = attrs.get("r")
            col = _col_index(ref) if ref else self.col + 1
            if col < 0 or col >= _MAX_COL:
                raise WorkbookRefused(f"classeur XLSX illisible : référence de cellule invalide « {ref} » "
                                      f"(feuille « {self.sheet} »)")
            self.col = col
            self.kind = attrs.get("t", "n")
            style = attrs.get("s")
            self.style = int(style) if style and style.isdigit() else 0
            self.buf.clear()
        elif local == "v":
            self.in_v = True
            self.buf.clear()
        elif local == "is":
            self.in_is = True
            self.buf.clear()
        elif local == "t" and self.in_is:
            self.in_is_t = True
        elif local == "row":
            ref = attrs.get("r")
            number = int(ref) if ref and ref.isdigit() else self.row + 1
            if not 1 <= number <= _MAX_ROW:
                raise WorkbookRefused(f"classeur XLSX illisible : numéro de ligne invalide « {ref} » "
                                      f"(feuille « {self.sheet} »)")
            self.row = number
            self.col = -1
            self.cur.clear()

    def end(self, name: str) -> None:
        local = _TAGS.get(name) or _tag(name)
        if local == "v":
            self.in_v = False
        elif local == "t":
            self.in_is_t = False
        elif local == "c":
            value = self.value("".join(self.buf))
            self.in_is = False
            if value is not None:
                self.cur[self.col] = value
        elif local == "row":
            self.end_row()

    def end_row(self) -> None:
        self.row_elements += 1
        if self.cur:
            w = max(self.cur) + 1
            if w > self.width:
                self.width = w
                if w > self.max_cols:
                    raise WorkbookRefused(f"classeur refusé : feuille « {self.sheet} » utilisée jusqu'à la colonne "
                                          f"{w} (maximum {self.max_cols} colonnes)")
            self.lines.append(self.row)
            cur = self.cur
            self.rows.append([cur.get(i) for i in range(w)])
            if len(self.rows) * self.width > self.max_cells:
                raise WorkbookRefused(
                    f"classeur refusé : feuille « {self.sheet} » de plus de {self.max_cells:,} cellules utilisées "
                    f"({len(self.rows):,} lignes × {self.width} colonnes)".replace(",", "\u202f"))
        if self.row_elements % 1024 == 0:
            self.pkg.budget.check_time()

    def text(self, data: str) -> None:
        if self.in_v or self.in_is_t:
            self.buf.append(data)

    def value(self, raw: str) -> str | None:
        """The cell as text, by its type (t) and style (s)."""
        kind = self.kind
        raw = raw.strip()
        if kind == "s":
            try:
                return self.shared[int(raw)].strip() or None
            except (ValueError, IndexError):
                raise WorkbookRefused(f"classeur XLSX illisible : chaîne partagée n° « {raw} » absente "
                                      f"(feuille « {self.sheet} »)") from None
        if kind in ("inlineStr", "str") or self.in_is:
            return raw or None
        if kind == "b":
            return {"1": "TRUE", "0": "FALSE", "true": "TRUE", "false": "FALSE"}.get(raw, raw or None)
        if kind == "e":
            return raw or "#N/A"
        if kind == "d":             # ISO 8601 date cell (Strict OOXML, some exporters): "2021-04-01T00:00:00Z"
            raw = raw.removesuffix("Z").removesuffix(".000")
            return raw.removesuffix("T00:00:00").replace("T", " ") or None
        if not raw:
            return None
        return _number_text(raw, self.style in self.dates, self.date1904)


def _read_sheet(pkg: _Package, info: zipfile.ZipInfo, shared: list[str], dates: set[int], date1904: bool,
                sheet_name: str) -> tuple[list[int], list[list[str | None]]]:
    reader = _SheetReader(pkg, shared, dates, date1904, sheet_name)
    _parse(pkg.zf, info, pkg.budget, reader.start, reader.end, reader.text, namespaces=False)
    return reader.lines, reader.rows


def _frame(lines: list[int], rows: list[list[str | None]]) -> pl.DataFrame:
    width = max((len(r) for r in rows), default=0)
    columns: dict[str, list] = {"ligne": lines}
    for i in range(width):
        columns[f"c{i}"] = [r[i] if i < len(r) else None for r in rows]
    return pl.DataFrame(columns, schema={"ligne": pl.Int64, **{f"c{i}": pl.Utf8 for i in range(width)}})


# --- the workbook ---------------------------------------------------------------------------------------

def read_workbook(path: Path, sha: str) -> list[RawSheet]:
    """The visible sheets of a workbook, in order; hidden ones as skipped entries (`RawSheet.ignoree`)."""
    path = Path(path)
    budget = _Budget(path.name)
    pkg = _Package(path, budget)
    try:
        return _read(pkg, path, sha)
    finally:
        pkg.close()


def _read(pkg: _Package, path: Path, sha: str) -> list[RawSheet]:
    types = _content_types(pkg)
    main = next(((p, k) for p, t in types.items() if (k := _MAIN_TYPES.get(t))), None)
    if main is None:
        other = next((msg for t in types.values() if (msg := _OTHER_ZIPS.get(t))), None)
        if other:
            raise WorkbookRefused(other)
        if pkg.get("xl/workbook.xml") is None:
            raise WorkbookRefused("archive ZIP qui n'est pas un classeur XLSX (aucune partie « classeur »)")
        main = ("xl/workbook.xml", "xlsx")
    part, kind = main
    entries, date1904 = _workbook(pkg, part)
    rels = _relationships(pkg, part)
    by_type = {t.rsplit("/", 1)[-1]: target for t, target in rels.values()}

    def listed(target: str, what: str) -> zipfile.ZipInfo:
        info = pkg.get(target)
        if info is None:
            raise WorkbookRefused(f"classeur XLSX endommagé : {what} annoncée mais absente ({target})")
        return info

    shared_info = listed(by_type["sharedStrings"], "table des chaînes partagées") if "sharedStrings" in by_type else None
    styles_info = listed(by_type["styles"], "feuille de styles") if "styles" in by_type else None
    plan: list[tuple[_SheetEntry, zipfile.ZipInfo | None, str | None]] = []   # (sheet, part, why skipped)
    for entry in entries:
        rel = rels.get(entry.rel_id or "")
        if rel is None:
            raise WorkbookRefused(f"classeur XLSX endommagé : feuille « {entry.name} » annoncée sans sa partie")
        rel_type, target = rel
        info = listed(target, f"feuille « {entry.name} »")
        if not rel_type.endswith(_REL_WORKSHEET):
            plan.append((entry, None, "feuille sans cellules (graphique ou macro), ignorée"))
        elif entry.state != "visible":
            word = "très masquée" if entry.state == "veryHidden" else "masquée"
            plan.append((entry, None, f"feuille {word}, ignorée (seules les feuilles visibles sont chargées)"))
        else:
            plan.append((entry, info, None))
    visible = [info for _, info, _ in plan if info is not None]
    if not visible:
        raise WorkbookRefused("aucune feuille visible à charger dans le classeur")
    pkg.check_declared([x for x in (shared_info, styles_info, *visible) if x is not None])
    shared = _shared_strings(pkg, shared_info) if shared_info else []
    dates = _date_styles(pkg, styles_info)
    out: list[RawSheet] = []
    for entry, sheet_part, why in plan:
        if sheet_part is None:
            out.append(RawSheet(path.name, str(path), sha, kind, entry.name, pl.DataFrame(), ignoree=why))
            continue
        lines, rows = _read_sheet(pkg, sheet_part, shared, dates, date1904, entry.name)
        out.append(RawSheet(path.name, str(path), sha, kind, entry.name, _frame(lines, rows)))
    return out
