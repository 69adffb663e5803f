"""A second, independent count of what a CSV file holds: records and physical lines.

Why: the per-file balance (lignes_lues = acceptées + quarantaine + doublons) only counts what the reader
produced. A stray opening quote that swallows the rest of the file into one cell, or a line ending the
reader does not know, would "reconcile" while rows vanished. So the file is counted a second time, by
this strict pass that shares no code with the reader, and the two counts are compared (readers.py).

The rules are RFC 4180 as Excel and Python's csv module apply them: a field that *starts* with a quote
is quoted (separators and line breaks inside are data, `""` is a quote) until its closing quote; a
quote anywhere else is a plain character. Lines end with LF or CRLF (textfile.py turned old-Mac CR
endings into LF). A record with no visible character (only separators and spaces) is not data.

Speed: every line is measured with NumPy on whole chunks (separators, line ends), and so are the
lines holding a quote: from the positions of their quotes, a line whose every quote opens a field at
its start or closes it before a separator or the line's end is one regular record. Only the others — a
quoted cell over several lines, a stray quote — and lines with no visible character are walked in
Python, jumping from quote to quote. About 0.5 s per million rows (270 MB), in a thread beside the
reader.
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
            consumed, lines = _count_buffer(buf, sep_code, line0, eof and not carry, out, starts, swallow_separators)
            line0 += lines
            if consumed < len(buf):           # a record runs on into the next chunk
                if len(buf) - consumed + len(carry) > MAX_RECORD_BYTES:
                    out.too_long = line0 + 1
                    break
                carry = buf[consumed:] + carry
                if eof:
                    out.unterminated = line0 + 1
                    break
            if out.unterminated:
                break
    out.lines = line0 + carry.count(b"\n")
    out.starts = np.concatenate(starts) if starts else np.zeros(0, np.int64)
    return out


@lru_cache(maxsize=8)
def _visible(sep: int) -> re.Pattern[bytes]:
    """A character that is neither blank, a quote nor the separator (the line holds data)."""
    return re.compile(rb'[^ \t\r\n"' + re.escape(bytes([sep])) + rb"]")


def _regular_quote_lines(arr: np.ndarray, ends: np.ndarray, first: np.ndarray, seps: np.ndarray,
                         quotes: np.ndarray, sep: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The lines holding a quote, whether each is one regular record (every quote opens a quoted field
    at a field's start or closes it before a separator or the line's end, `""` inside being one quote —
    the RFC's one-line record) and the separators inside its quoted fields; all with NumPy, on the
    chunk's quote positions. (lines, regular, separators inside quotes.)"""
    qline = np.searchsorted(ends, quotes)                   # the line of each quote
    new = np.r_[True, qline[1:] != qline[:-1]]
    group = np.cumsum(new) - 1                              # which quote line each quote is on
    lines, head = qline[new], np.flatnonzero(new)
    rank = np.arange(quotes.size) - head[group]             # 0, 1, 2… within its line
    opens = rank % 2 == 0
    before = arr[np.maximum(quotes - 1, 0)]
    after = arr[np.minimum(quotes + 1, arr.size - 1)]
    after2 = arr[np.minimum(quotes + 2, arr.size - 1)]
    # `""` inside a quoted field: a closing quote right before the next opening one, on the same line
    follows = np.r_[False, (quotes[1:] == quotes[:-1] + 1) & (group[1:] == group[:-1])]
    ok_open = (quotes == first[qline]) | (before == sep) | follows
    escaped = np.r_[follows[1:], False]
    ok_close = (after == sep) | (after == _LF) | ((after == _CR) & (after2 == _LF)) | escaped
    bad = np.where(opens, ~ok_open, ~ok_close)
    counts = np.diff(np.r_[head, quotes.size])
    regular = (counts % 2 == 0) & (np.bincount(group, weights=bad, minlength=lines.size) == 0)
    # separators inside each quoted field (an opening quote and the next one), summed per line
    o = quotes[opens]
    c = quotes[np.minimum(np.flatnonzero(opens) + 1, quotes.size - 1)]
    inside = np.searchsorted(seps, c) - np.searchsorted(seps, o, side="right")
    inner = np.bincount(group[opens], weights=np.maximum(inside, 0), minlength=lines.size).astype(np.int64)
    return lines, regular, inner


def _count_buffer(buf: bytes, sep: int, line0: int, final: bool, out: CsvCount, starts: list[np.ndarray],
                  swallow_separators: int | None) -> tuple[int, int]:
    """Count the records of `buf` (whole lines); returns how many bytes and lines were consumed (less
    than all of `buf` when the last record's quoted field runs past the buffer)."""
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
    quotes = np.flatnonzero(arr == _QUOTE)
    if not quotes.size:
        _add_records(out, starts, is_start & has_data, width, line0)
        return len(buf), int(ends.size)
    lines, regular, inner = _regular_quote_lines(arr, ends, first, seps, quotes, sep)
    # A regular line is one record: its width leaves out the separators inside quotes, and it holds data
    # when a character outside the quoting syntax is visible (else it is walked, as any other line).
    width[lines[regular]] -= inner[regular]
    visible = _visible(sep).search
    firsts, lasts = first.tolist(), ends.tolist()
    walk = []
    for line, ok in zip(lines.tolist(), regular.tolist(), strict=True):
        if ok and visible(buf, firsts[line], lasts[line]):
            has_data[line] = True
        else:
            walk.append(line)
    consumed, consumed_lines = len(buf), int(ends.size)
    next_free = 0
    for line in walk:
        if line < next_free:
            continue
        start = firsts[line]
        end, fields, vis_rec, irregular, inner_seps = _record(buf, start, sep, final)
        if end < 0:                                       # continues in the next buffer
            consumed, consumed_lines = start, line
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
            if swallow_separators and inner_seps >= swallow_separators:
                out.swallowing.append((line0 + line + 1, line0 + last + 1, inner_seps))
        next_free = last + 1
    _add_records(out, starts, is_start & has_data, width, line0)
    return consumed, consumed_lines


def _add_records(out: CsvCount, starts: list[np.ndarray], keep: np.ndarray, width: np.ndarray, line0: int) -> None:
    """The chunk's records (the lines in `keep`: a record's first line, with data): their lines and widths."""
    if keep.any():
        out.max_width = max(out.max_width, int(width[keep].max()))
    starts.append(np.flatnonzero(keep).astype(np.int64) + line0 + 1)
