"""Text keys and redaction shared by every stage.

Exports spell the same thing many ways ("NUMÉRIQUE - DÉMAT", "Numerique demat", "Valence II"). Matching
is done on a *key*: lower case, accents and ligatures folded, every run of punctuation or space made one
space. The alias table stores human spellings; both sides are keyed the same way.
"""

from __future__ import annotations

import re
import unicodedata

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "’": "'", "ß": "ss"})
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def key(value: object) -> str:
    """Matching key of a label: 'Maîtrise d’œuvre (MOe)' → 'maitrise d oeuvre moe'."""
    if value is None:
        return ""
    text = str(value).translate(_LIGATURES)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return _NON_ALNUM.sub(" ", text).strip()


# Personal data must never reach a table: e-mail addresses and phone numbers found in free text
# (objet, unknown columns) are replaced, not just the columns named "Email" or "Téléphone".
# One spelling of each pattern, understood by Python's re and by Polars (Rust regex: no look-around).
EMAIL_PATTERN = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
PHONE_PATTERN = r"(?:(?:\+|00)33[\s.-]?|\b0)[1-9](?:[\s.-]?\d{2}){4}\b"
REDACTED = "[donnée personnelle retirée]"
_EMAIL = re.compile(EMAIL_PATTERN)
_PHONE = re.compile(PHONE_PATTERN)


def redact(value: str | None) -> str | None:
    """Replace e-mail addresses and French phone numbers in free text."""
    if not value:
        return value
    return _PHONE.sub(REDACTED, _EMAIL.sub(REDACTED, value))


def redact_expr(column: str):
    """The same redaction as a vectorised Polars expression (millions of cells)."""
    import polars as pl

    return (pl.col(column).str.replace_all(EMAIL_PATTERN, REDACTED)
            .str.replace_all(PHONE_PATTERN, REDACTED).alias(column))
