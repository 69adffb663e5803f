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
    return f"{fmt_int(n)} {word(n, singular, plural_form)}"


def french_typography(text: str) -> str:
    """Typographic apostrophe and the narrow no-break spaces French puts before ; : ! ? and inside « ».

    Why here: the editorial prose (and any sentence written by hand) follows the same typography as the
    figures — "l’ingénierie", "« 1 041 demandes »" — and a space typed before ":" must not let a line
    break there. Text already typeset (’, U+202F) passes through unchanged.
    """
    import re

    text = re.sub(r"(?<=\w)'", "\u2019", text)
    text = re.sub(r"[ \u00a0]?([;:!?])(?=\s|$)", lambda m: NNBSP + m.group(1), text)
    text = re.sub(r"«[ \u00a0]?", "«" + NNBSP, text)
    return re.sub(r"[ \u00a0]?»", NNBSP + "»", text)


# ------------------------------------------------------------------------------------ words and prose

APOS = "\u2019"    # typographic apostrophe: "l’ingénierie", "Tain-l’Hermitage"


def fmt_share(pct: int | None, count: int | None = None, empty: str = "–") -> str:
    """A whole-percent share as printed: '14 %', and '< 1 %' for a non-zero count whose share rounds to 0.

    Why: the report's rule rounds 3 missions out of 1 400 to 0 %; printing '0 % (3)' reads as a
    contradiction, so a share that is not nothing never prints as zero.
    """
    if pct is None:
        return empty
    if pct == 0 and count:
        return "<" + NNBSP + "1" + NNBSP + "%"
    return fmt_pct(pct)


def word(n: int, singular: str, plural_form: str | None = None) -> str:
    """The noun (or participle) agreeing with n, without the number: word(8, 'fichier') → 'fichiers'.

    French: 0 and 1 take the singular. Invariable words (EPCI) pass plural_form=singular.
    """
    return singular if abs(n) <= 1 else (plural_form or singular + "s")


def ordinal(n: int) -> str:
    """'1^er^', '2^e^': the superscript is marked the Pandoc way (^…^); renderers turn it into <sup>
    (site: the `prose` filter) or Typst's super[] (PDF), chart labels into <sup> too."""
    return f"{n}^{'er' if n == 1 else 'e'}^"


def typo(text: str) -> str:
    """French typography for prose written in this codebase (never applied to text from exports): every
    apostrophe typographic, then french_typography (narrow no-break spaces before ; : ! ? and inside « »),
    and a narrow no-break space between a number and %."""
    import re
    return re.sub(r"(\d) %", r"\1" + NNBSP + "%", french_typography(text.replace("'", APOS)))


def name(text: str | None) -> str:
    """An official place name as displayed: typographic apostrophe ('Tain-l’Hermitage')."""
    return (text or "").replace("'", APOS)


def label(text: str | None) -> str:
    """A reference label as displayed: typographic apostrophe, '1er' as a superscript ordinal
    ("Accompagnement à la maîtrise d’ouvrage de 1^er^ niveau"). The canonical label stays in the tables."""
    import re
    return re.sub(r"\b(\d+)(er|e|re)\b", r"\1^\2^", name(text))
