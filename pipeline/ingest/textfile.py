"""A text export as UTF-8 bytes on disk, whatever encoding and line endings it came with.

Why a file and not a string: a 10-million-row export must never be held in memory, and DuckDB reads
CSV from a path. Most exports are already UTF-8 with LF or CRLF endings: they are used as they are
(one streamed validity check). The others are transcoded, streamed chunk by chunk, to a temporary
UTF-8 file with the same physical lines:

- UTF-16 ("Texte Unicode" from Excel: tab-separated, with a BOM) is decoded with its BOM's byte order;
- a file that is not valid UTF-8 is decoded line by line: a line that is valid UTF-8 stays UTF-8, any
  other line is Windows-1252 (cp1252, not latin-1: 'œ', '’', '€' live in 0x80–0x9F). So a UTF-8 file
  with Windows-1252 lines pasted after its first MiB is read, not refused;
- old-Mac CR-only line endings (and lone CRs in an LF file) become LF, one for one, so line numbers
  stay the ones a person sees.
"""

from __future__ import annotations

import codecs
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

CHUNK = 4 << 20
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
UTF8_BOM = codecs.BOM_UTF8


@dataclass
class TextSource:
    """UTF-8 bytes of the export at `path` (the original file, or a temporary copy to delete)."""

    path: Path
    encoding: str        # what the export was: utf-8, utf-8-bom, windows-1252, utf-8+windows-1252, utf-16
    line_ending: str     # lf, crlf, cr, mixed
    temporary: bool

    def cleanup(self) -> None:
        if self.temporary:
            self.path.unlink(missing_ok=True)


def _chunks(path: Path):
    """The file in chunks that end after a line end (a multi-byte character is never split).

    A chunk is cut after its last LF; in a file without LF (old-Mac CR-only), after its last CR."""
    with open(path, "rb") as f:
        rest = b""
        while True:
            data = f.read(CHUNK)
            if not data:
                if rest:
                    yield rest
                return
            data = rest + data
            cut = data.rfind(b"\n")
            if cut < 0:
                cut = data.rfind(b"\r")
            if cut < 0:
                rest = data
                continue
            yield data[: cut + 1]
            rest = data[cut + 1:]


def _is_utf8(chunk: bytes) -> bool:
    """Whether the bytes are valid UTF-8, checked by Arrow's validator (twice as fast as decoding to a
    Python string, and it releases the GIL)."""
    import pyarrow as pa

    try:
        pa.array([chunk], type=pa.binary()).cast(pa.string())
    except pa.ArrowInvalid:
        return False
    return True


def _line_endings(crlf: int, lf: int, cr: int) -> str:
    kinds = [k for k, n in (("crlf", crlf), ("lf", lf), ("cr", cr)) if n]
    return kinds[0] if len(kinds) == 1 else ("lf" if not kinds else "mixed")


def prepare(path: Path, tmp_dir: Path | None = None) -> TextSource:
    """The export as UTF-8 with LF or CRLF endings (see the module's docstring)."""
    path = Path(path)
    with open(path, "rb") as f:
        head = f.read(4)
    if head.startswith(UTF16_BOMS):
        return _transcode_utf16(path, tmp_dir)
    crlf = lf = cr = 0
    valid = True
    for chunk in _chunks(path):
        if b"\r" in chunk:          # counted only when there is a CR (an LF file costs one scan)
            n_crlf = chunk.count(b"\r\n")
            crlf += n_crlf
            cr += chunk.count(b"\r") - n_crlf
            lf += chunk.count(b"\n") - n_crlf
        else:
            lf += 1                   # at least LF lines (the exact number is not needed)
        if valid and not chunk.isascii():
            valid = _is_utf8(chunk)
    ending = _line_endings(crlf, lf, cr)
    bom = head.startswith(UTF8_BOM)
    if valid and not cr:
        return TextSource(path, "utf-8-bom" if bom else "utf-8", ending, temporary=False)
    return _transcode_lines(path, tmp_dir, ending, bom)


def _temp(tmp_dir: Path | None) -> tuple[int, Path]:
    if tmp_dir is not None:
        Path(tmp_dir).mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix="bilan-csv-", suffix=".csv", dir=tmp_dir)
    return fd, Path(name)


def _decode_line(line: bytes) -> tuple[str, bool]:
    """A line as text, and whether it was UTF-8."""
    try:
        return line.decode("utf-8"), True
    except UnicodeDecodeError:
        try:
            return line.decode("cp1252"), False
        except UnicodeDecodeError:   # the five bytes cp1252 leaves undefined
            return line.decode("latin-1"), False


def _transcode_lines(path: Path, tmp_dir: Path | None, ending: str, bom: bool) -> TextSource:
    fd, out = _temp(tmp_dir)
    utf8 = other = 0
    try:
        with os.fdopen(fd, "wb") as dst:
            for raw in _chunks(path):
                # CR-only or lone CR: one LF each (CRLF first, so it stays one)
                chunk = raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n") if b"\r" in raw else raw
                try:
                    dst.write(chunk.decode("utf-8").encode("utf-8"))
                    utf8 += 1
                    continue
                except UnicodeDecodeError:
                    pass
                for line in chunk.splitlines(keepends=True):
                    text, was_utf8 = _decode_line(line)
                    if was_utf8:
                        utf8 += 1
                    else:
                        other += 1
                    dst.write(text.encode("utf-8"))
    except BaseException:
        out.unlink(missing_ok=True)
        raise
    if other and utf8:
        encoding = "utf-8+windows-1252"
    elif other:
        encoding = "windows-1252"
    else:
        encoding = "utf-8-bom" if bom else "utf-8"
    return TextSource(out, encoding, ending, temporary=True)


def _transcode_utf16(path: Path, tmp_dir: Path | None) -> TextSource:
    fd, out = _temp(tmp_dir)
    decoder = codecs.getincrementaldecoder("utf-16")(errors="replace")   # the BOM gives the byte order
    crlf = lf = cr = 0
    pending_cr = False
    try:
        with open(path, "rb") as src, os.fdopen(fd, "wb") as dst:
            while True:
                data = src.read(CHUNK)
                text = decoder.decode(data, final=not data)
                if pending_cr:
                    text = "\r" + text
                pending_cr = text.endswith("\r") and bool(data)
                if pending_cr:
                    text = text[:-1]
                n_crlf = text.count("\r\n")
                crlf += n_crlf
                lf += text.count("\n") - n_crlf
                cr += text.count("\r") - n_crlf
                if "\r" in text:
                    text = text.replace("\r\n", "\n").replace("\r", "\n")
                dst.write(text.encode("utf-8"))
                if not data:
                    break
    except BaseException:
        out.unlink(missing_ok=True)
        raise
    return TextSource(out, "utf-16", _line_endings(crlf, lf, cr), temporary=True)
