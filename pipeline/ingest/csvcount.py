"""A second, independent count of what a CSV file holds: records and physical lines.

Why: the per-file balance (lignes_lues = acceptées + quarantaine + doublons) only counts what the reader
produced. A stray opening quote that swallows the rest of the file into one cell, or a line ending the
reader does not know, would "reconcile" while rows vanished. So the file is counted a second time, by
this strict pass that shares no code with the reader, and the two counts are compared (readers.py).

The rules are RFC 4180 as Excel and Python's csv module apply them: a field that *starts* with a quote
is quoted (separators and line breaks inside are data, `""` is a quote) until its closing quote; a
quote anywhere else is a plain character. Lines end with LF or CRLF (textfile.py turned old-Mac CR
endings into LF). A record with no visible character (only separators and spaces) is not data.

Speed: lines without a quote character — nearly all of them — are measured with NumPy on whole chunks
(separators, visible characters, line ends); only lines holding a quote are walked in Python, jumping
from quote to quote. About 0.3 s per million rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

CHUNK = 4 << 20
# A quoted field longer than this is not a cell but a stray quote (DuckDB's own line limit is alike).
MAX_RECORD_BYTES = 64 << 20
_QUOTE, _LF, _CR = 34, 10, 13
_BLANK = b" \t\r\n"


@dataclass
class CsvCount:
    """What the strict pass found. Line numbers are 1-based physical lines."""

    lines: int = 0                              # physical lines in the file
    starts: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))   # first line of each record with data
    max_width: int = 0                          # most fields in one record
    multiline: int = 0                          # records whose quoted field holds a line break
    irregular: list[int] = field(default_factory=list)   # lines with a quote that opens no proper quoted field
    swallowing: list[tuple[int, int, int]] = field(default_factory=list)  # (first, last line, separators) of suspect cells
    unterminated: int | None = None             # line of a quote still open at the end of the file
    too_long: int | None = None                 # line of a record longer than MAX_RECORD_BYTES
    longest: int = 0                            # bytes of the longest record (DuckDB's line size)
    lone_cr: bool = False                       # a CR that does not end a CRLF (the file needs transcoding)

    @property
    def records(self) -> int:
        return int(self.starts.size)


def _record(buf: bytes, pos: int, sep: int, final: bool) -> tuple[int, int, bool, bool, int]:
    """Walk one record from `pos`: (end offset after its LF or -1 if the buffer ends inside it,
    fields, has a visible character, irregular quoting, most separators on one line *inside* a quoted
    cell after its first line)."""
    n = len(buf)
    fields, visible, irregular, inner = 1, False, False, 0
    sep_b = bytes([sep])
    while True:
        if pos < n and buf[pos] == _QUOTE:              # a quoted field
            pos += 1
            opened = pos
            while True:
                q = buf.find(b'"', pos)
                if q < 0 or (q == n - 1 and not final):
                    return -1, fields, visible, irregular, inner
                if buf[pos:q].strip(b" \t\r\n"):
                    visible = True
                if q + 1 < n and buf[q + 1] == _QUOTE:   # "" is one quote
                    visible, pos = True, q + 2
                    continue
                pos = q + 1
                break
            if buf.find(b"\n", opened, pos) >= 0:          # a cell over several lines: rows swallowed?
                inner = max(inner, *(seg.count(sep_b) for seg in buf[opened:pos].split(b"\n")[1:]))
            if pos >= n:
                return n, fields, visible, irregular, inner
            c = buf[pos]
            if c == sep:
                fields, pos = fields + 1, pos + 1
                continue
            if c == _LF:
                return pos + 1, fields, visible, irregular, inner
            if c == _CR and pos + 1 < n and buf[pos + 1] == _LF:
                return pos + 2, fields, visible, irregular, inner
            irregular = True                             # text after the closing quote: plain from here on
        lf = buf.find(b"\n", pos)
        if lf < 0:
            if not final:
                return -1, fields, visible, irregular, inner
            lf = n
        end = buf.find(sep_b, pos, lf)
        stop = lf if end < 0 else end
        cell = buf[pos:stop]
        if cell.strip(b" \t\r\n"):
            visible = True
        if b'"' in cell:
            irregular = True                             # a quote inside an unquoted field: a plain character
        if end < 0:
            return min(lf + 1, n), fields, visible, irregular, inner
        fields, pos = fields + 1, end + 1


def count_csv(path: Path, sep: str, swallow_separators: int | None = None) -> CsvCount:
    """Count the records of a UTF-8 CSV file (see the module's docstring).

    `swallow_separators`: a quoted cell is suspect when one of the lines it runs over holds at least
    this many separators — it looks like whole rows swallowed by a stray opening quote.
    """
    sep_code = ord(sep)
    out = CsvCount()
    starts: list[np.ndarray] = []
    line0 = 0                      # physical lines before the current buffer
    carry = b""
    with open(path, "rb") as f:
        eof = False
        while not eof:
            data = f.read(CHUNK)
            eof = not data
            buf = carry + data
            if not buf:
                break
            if eof and not buf.endswith(b"\n"):
                buf += b"\n"
            cut = buf.rfind(b"\n") + 1
            if cut == 0:           # no line end yet: a very long line
                if len(buf) > MAX_RECORD_BYTES:
                    out.too_long = line0 + 1
                    break
                carry = buf
                continue
            carry, buf = buf[cut:], buf[:cut]
            if not out.lone_cr and b"\r" in buf:     # buf ends after an LF: a CRLF is never cut
                out.lone_cr = buf.count(b"\r") != buf.count(b"\r\n")
            if line0 == 0 and buf.startswith(b"\xef\xbb\xbf"):   # the BOM is not a character of line 1
                buf = b"   " + buf[3:]
            consumed = _count_buffer(buf, sep_code, line0, eof and not carry, out, starts, swallow_separators)
            if consumed < len(buf):           # a record runs on into the next chunk
                if len(buf) - consumed + len(carry) > MAX_RECORD_BYTES:
                    out.too_long = line0 + buf.count(b"\n", 0, consumed) + 1
                    break
                line0 += buf.count(b"\n", 0, consumed)
                carry = buf[consumed:] + carry
                if eof:
                    out.unterminated = line0 + 1
                    break
            else:
                line0 += buf.count(b"\n")
            if out.unterminated:
                break
    out.lines = line0 + carry.count(b"\n")
    out.starts = np.concatenate(starts) if starts else np.zeros(0, np.int64)
    return out


@lru_cache(maxsize=8)
def _patterns(sep: int) -> tuple[re.Pattern[bytes], re.Pattern[bytes]]:
    """A regular one-line record (every quote opens or closes a quoted field), and a quoted field."""
    d = re.escape(bytes([sep]))
    fld = rb'(?:"(?:[^"]|"")*"|[^"' + d + rb'\n]*)'
    return re.compile(fld + rb"(?:" + d + fld + rb")*\n"), re.compile(rb'"(?:[^"]|"")*"')


def _count_buffer(buf: bytes, sep: int, line0: int, final: bool, out: CsvCount, starts: list[np.ndarray],
                  swallow_separators: int | None) -> int:
    """Count the records of `buf` (whole lines); returns how many bytes were consumed (less than
    len(buf) when the last record's quoted field runs past the buffer)."""
    arr = np.frombuffer(buf, np.uint8)
    ends = np.flatnonzero(arr == _LF)
    first = np.empty_like(ends)
    first[0] = 0
    first[1:] = ends[:-1] + 1
    # separators per line: from their positions (a boolean reduceat over the whole chunk costs 3x more)
    seps = np.flatnonzero(arr == sep)
    n_sep = np.searchsorted(seps, ends) - np.searchsorted(seps, first)
    if ends.size:
        out.longest = max(out.longest, int((ends - first).max()) + 1)
    is_start = np.ones(ends.size, bool)
    has_data = np.ones(ends.size, bool)
    width = n_sep + 1
    # A line with no visible character is short: only the short lines are looked at one by one.
    for line in np.flatnonzero(ends - first <= 2 * width + 2).tolist():
        has_data[line] = bool(buf[first[line]:ends[line]].translate(None, _BLANK + bytes([sep])))
    quote_lines = np.searchsorted(ends, np.flatnonzero(arr == _QUOTE))      # sorted: keep each line once
    quote_lines = quote_lines[np.r_[True, quote_lines[1:] != quote_lines[:-1]]] if quote_lines.size else quote_lines
    regular, quoted = _patterns(sep)
    consumed = len(buf)
    next_free = 0
    for line in quote_lines.tolist():
        if line < next_free:
            continue
        start = int(first[line])
        m = regular.match(buf, start)
        if m and m.end() == ends[line] + 1:
            text = m.group()
            if text.translate(None, _BLANK + b'"' + bytes([sep])):   # a visible character outside quotes syntax
                # the separators inside quotes are not field breaks: counted only when they could
                # make this the widest record (all of them counted is a bound from above)
                if width[line] > out.max_width:
                    width[line] = quoted.sub(b"", text).count(sep) + 1
                has_data[line] = True
                continue
        end, fields, vis_rec, irregular, inner = _record(buf, start, sep, final)
        if end < 0:                                       # continues in the next buffer
            consumed = start
            is_start, has_data, width = is_start[:line], has_data[:line], width[:line]
            break
        last = int(np.searchsorted(ends, end - 1))
        out.longest = max(out.longest, end - start)
        width[line], has_data[line] = fields, vis_rec
        if irregular:
            out.irregular.append(line0 + line + 1)
        if last > line:
            is_start[line + 1:last + 1] = False
            out.multiline += 1
            if swallow_separators and inner >= swallow_separators:
                out.swallowing.append((line0 + line + 1, line0 + last + 1, inner))
        next_free = last + 1
    keep = is_start & has_data
    if keep.any():
        out.max_width = max(out.max_width, int(width[keep].max()))
    starts.append(np.flatnonzero(keep).astype(np.int64) + line0 + 1)
    return consumed
