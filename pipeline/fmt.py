"""French number formatting for every text a reader sees (site, PDF, chart labels).

Why one module: the published report writes `1 041 demandes`, `14 %`, `12,5` — a space between
thousands, a comma for decimals, a space before `%`. Python's `format` gives `1,041` and `12.5`, and a
plain space lets a browser break `14 %` across two lines. Every number goes through these functions so
the site, the PDF and the chart labels print the same strings. The thousands separator and the space
before `%` are U+202F NARROW NO-BREAK SPACE, the French typographic rule (and unbreakable).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

NNBSP = "\u202f"   # narrow no-break space: thousands separator and before % (French typography)
PLOTLY_SEPARATORS = "," + NNBSP   # Plotly `layout.separators`: decimal point, then thousands separator


def fmt_int(value: int | float | None, empty: str = "–") -> str:
    """1041 → '1 041' (narrow no-break space). None → the `empty` placeholder."""
    if value is None:
        return empty
    n = int(Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    sign = "-" if n < 0 else ""
    digits = str(abs(n))
    groups: list[str] = []
    while digits:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    return sign + NNBSP.join(groups)


def fmt_dec(value: float | None, digits: int = 1, empty: str = "–") -> str:
    """12.5 → '12,5'; rounded half up (as the report rounds), thousands grouped like fmt_int."""
    if value is None:
        return empty
    q = Decimal(str(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    sign = "-" if q < 0 else ""
    whole, _, frac = f"{abs(q):f}".partition(".")
    out = fmt_int(int(whole))
    return sign + (out + "," + frac if digits > 0 else out)


def fmt_pct(value: int | float | None, digits: int = 0, empty: str = "–") -> str:
    """14 → '14 %'; with digits, 12.5 → '12,5 %'. The value is already a percent (not a ratio)."""
    if value is None:
        return empty
    text = fmt_int(value) if digits == 0 else fmt_dec(value, digits)
    return text + NNBSP + "%"


def fmt_signed_pct(value: int | float | None, empty: str = "–") -> str:
    """An evolution: 14 → '+14 %', -3 → '−3 %' (true minus sign, as typeset reports do)."""
    if value is None:
        return empty
    text = fmt_pct(abs(value))
    if value > 0:
        return "+" + text
    if value < 0:
        return "\u2212" + text
    return text


def plural(n: int, singular: str, plural_form: str | None = None) -> str:
    """'1 commune', '2 communes' — French: 0 and 1 take the singular."""
    word = singular if abs(n) <= 1 else (plural_form or singular + "s")
    return f"{fmt_int(n)} {word}"


def french_typography(text: str) -> str:
    """Typographic apostrophe and the narrow no-break spaces French puts before ; : ! ? and inside « ».

    Why here: the editorial prose (and any sentence written by hand) follows the same typography as the
    figures — "l’ingénierie", "« 1 041 demandes »" — and a space typed before ":" must not let a line
    break there. Text already typeset (’, U+202F) passes through unchanged.
    """
    import re

    text = re.sub(r"(?<=\w)'(?=\w)", "\u2019", text)
    text = re.sub(r"[ \u00a0]?([;:!?])(?=\s|$)", lambda m: NNBSP + m.group(1), text)
    text = re.sub(r"«[ \u00a0]?", "«" + NNBSP, text)
    return re.sub(r"[ \u00a0]?»", NNBSP + "»", text)
