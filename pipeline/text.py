"""Text keys, redaction of personal data and Excel error values, shared by every stage.

Exports spell the same thing many ways ("NUMÉRIQUE - DÉMAT", "Numerique demat", "Valence II"). Matching
is done on a *key*: lower case, accents and ligatures folded, every run of punctuation or space made one
space. The alias table stores human spellings; both sides are keyed the same way.

Personal data (docs/personal-data.md) is removed at the door by every reader: contact columns are
recognised by a vocabulary (`is_contact_header`), and e-mail addresses and French phone numbers are
replaced in every free-text value, in the everyday forms people type them ("jean[at]mairie", "arobase",
"+33 (0)4 75 …", "04/75/79/26/26", "Tél0475792626"). One implementation, `redact` (Python `re`: the
phone pattern needs look-around, which Rust regex lacks); `redact_expr` / `redact_series` run it over
Polars columns behind a vectorised gate, so a million cells without a digit run or an "@" cost one scan.
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


def sql_text(value: str) -> str:
    """A Python string as an SQL string literal (for the values DuckDB cannot take as parameters: a
    view's constants, a table function's arguments, a regular expression inside generated SQL)."""
    return "'" + value.replace("'", "''") + "'"


# --- e-mail addresses and phone numbers in free text ---------------------------------------------------

REDACTED = "[donnée personnelle retirée]"

# The "@" as people disguise it: "[at]", "(at)", "{arobase}", " arobase ", "(@)".
_AT_DISGUISED = r"(?:\s*[\[\(\{<]\s*(?:at|arobas|arobase|@)\s*[\]\)\}>]\s*|\s+arobas(?:e)?\s+)"
# "@" or " at " with spaces around: only taken before a dotted domain ("Valence @ 14h" is not an address).
_AT_SPACED = r"(?:\s+@\s*|\s*@\s+|\s+at\s+)"
# The dot of a domain: ".", " . ", "[dot]", "(point)", " point ".
_DOT = r"(?:\.|\s\.\s|\s*[\[\(\{]\s*(?:dot|point)\s*[\]\)\}]\s*|\s+(?:dot|point)\s+)"
# Possessive, and starting at a word's start only: linear even on a 10 MB word.
_LOCAL = r"[\w+-]++(?:(?:\.|\s\.\s)[\w+-]++)*+"
_DOMAIN = r"[\w-]+(?:" + _DOT + r"[\w-]+)*"
_DOTTED_DOMAIN = r"[\w-]+(?:" + _DOT + r"[\w-]+)+"
# One address: a local part, then "@" or a disguised "@" and a domain (a dot is not required:
# "jean@mairie"), or a spaced "@" / " at " and a dotted domain.
EMAIL_PATTERN = (r"(?<![\w+.-])(?i:" + _LOCAL + r"(?:(?:@|" + _AT_DISGUISED + r")" + _DOMAIN
                 + r"|" + _AT_SPACED + _DOTTED_DOMAIN + r"))")

# A French number: 0 + 9 digits, or +33 / 0033 / (+33) with an optional "(0)", then 9 digits. The digits
# come in five pairs separated all the same way (nothing, spaces, ".", "-", "/"), or as 0XXX XX XX XX or
# 0XXX XXX XXX, so that a date with its time ("05/03/2021 10:42"), an amount or a SIRET never looks like one.
_PREFIX = r"(?:\(?(?:\+|00)\s?33\)?[\s.]?(?:\(\s?0\s?\)[\s.]?)?|0)"
_PAIRS = (r"(?:[0-9]{8}|(?:\s{1,3}[0-9]{2}){4}|(?:\.[0-9]{2}){4}|(?:-[0-9]{2}){4}|(?:/[0-9]{2}){4}"
          r"|[0-9]{2}(?:\s[0-9]{2}){3}|[0-9]{2}(?:\s[0-9]{3}){2})")
_PHONE_CORE = _PREFIX + r"[1-9]" + _PAIRS
# Not inside a longer run of digits (a SIRET, an account number).
PHONE_PATTERN = r"(?<![0-9+])" + _PHONE_CORE + r"(?![0-9])"

# A cheap test every value with an address or a number in it passes (a superset of both patterns, no
# look-around: Rust regex for Polars, RE2 for DuckDB): `redact_expr` runs `redact` only on those values.
_EMAIL_GATE = r"@|(?i:arobas|[\[\(\{<]\s*at|\sat\s)"
_PHONE_GATE = _PHONE_CORE
GATE_PATTERN = _EMAIL_GATE + "|" + _PHONE_GATE

_EMAIL = re.compile(EMAIL_PATTERN)
_PHONE = re.compile(PHONE_PATTERN)
_EMAIL_HINT = re.compile(_EMAIL_GATE)
_PHONE_HINT = re.compile(_PHONE_GATE)


def redact(value: str | None) -> str | None:
    """Replace e-mail addresses and French phone numbers in one free-text value."""
    if not value:
        return value
    if _EMAIL_HINT.search(value):
        value = _EMAIL.sub(REDACTED, value)
    if _PHONE_HINT.search(value):
        value = _PHONE.sub(REDACTED, value)
    return value


def redact_series(values):
    """`redact` over a Polars string Series: the gate is vectorised, the few values it lets through
    go through `redact` (a column of a million dates or codes costs one regex scan)."""
    import polars as pl

    if values.dtype != pl.Utf8:
        return values
    hits = values.str.contains(GATE_PATTERN).fill_null(False)
    if not hits.any():
        return values
    idx = hits.arg_true()
    fixed = pl.Series([redact(v) for v in values.gather(idx).to_list()], dtype=pl.Utf8)
    return values.scatter(idx, fixed)


def redact_expr(column):
    """The same redaction as a Polars expression (a column name, or an expression)."""
    import polars as pl

    expr = pl.col(column) if isinstance(column, str) else column
    # elementwise: the streaming engine may call it batch by batch
    out = expr.map_batches(redact_series, return_dtype=pl.Utf8, is_elementwise=True)
    return out.alias(column) if isinstance(column, str) else out


# --- contact columns ----------------------------------------------------------------------------------

# Words of a header (keyed: no accents, lower case) that make the whole column personal data. A header
# that maps to a canonical field (pipeline.ingest.headers) is never dropped: "Nom de la collectivité" is
# the demandeur, not a person. Documented in docs/personal-data.md.
CONTACT_WORDS = frozenset((
    "contact", "contacts", "contacter", "coordonnee", "coordonnees", "interlocuteur", "interlocutrice",
    "interlocuteurs", "referent", "referente", "referents", "referentes", "elu", "elue", "elus", "elues",
    "maire", "maires", "adjoint", "adjointe", "adjoints", "adjointes", "president", "presidente", "signataire",
    "civilite", "mail", "mails", "email", "emails", "courriel", "courriels", "mel",
    "telephone", "telephones", "tel", "tels", "portable", "portables", "mobile", "gsm", "fax",
))


def is_contact_header(header_key: str) -> bool:
    """True when a keyed header names a contact column (see CONTACT_WORDS and the nom/prénom rule)."""
    words = header_key.split()
    if not words:
        return False
    if any(w in CONTACT_WORDS for w in words):
        return True
    if "prenom" in words or "prenoms" in words:
        return True
    # "Nom" alone, "Nom Prénom", "Nom et prénom": a person; "Nom de la commune" is not.
    if words[0] == "nom":
        rest = [w for w in words[1:] if w not in ("et",)]
        return all(w in ("prenom", "prenoms") for w in rest)
    return False


# --- Excel error values ---------------------------------------------------------------------------------

# What Excel (English and French) and LibreOffice write in a cell whose formula failed. Such a value is
# never data: a row with one in a field the report reads is quarantined (docs/workbooks.md).
EXCEL_ERRORS = ("#N/A", "#NA", "#VALUE!", "#VALEUR!", "#REF!", "#DIV/0!", "#NAME?", "#NOM?", "#NUM!", "#NOMBRE!",
                "#NULL!", "#NUL!", "#GETTING_DATA", "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!",
                "#BUSY!", "#UNKNOWN!", "#PROPAGATION!", "#EXTERNAL!", "Err:502", "Err:504", "Err:508",
                "Err:511", "Err:522", "Err:532")
EXCEL_ERROR_PATTERN = (r"^\s*(?i:" + "|".join(re.escape(e) for e in EXCEL_ERRORS)
                       + r"|#[A-Z0-9/]+[!?]|Err:\d{3})\s*$")
_EXCEL_ERROR = re.compile(EXCEL_ERROR_PATTERN)


def is_excel_error(value: object) -> bool:
    """True for a cell text that is an Excel/LibreOffice error value ('#N/A', '#VALEUR!', 'Err:502')."""
    return isinstance(value, str) and value.lstrip()[:1] in ("#", "E", "e") and bool(_EXCEL_ERROR.match(value))
