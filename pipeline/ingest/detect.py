"""What a file is, from its first bytes (never from its name), and which files of a folder are exports.

Analysts rename files: an XLSX saved as "export.csv", an Excel "Texte Unicode" (UTF-16) export named
".txt". The kind decides the reader; the extension only decides which files of a *folder* are looked at,
and every file of a folder that is not looked at is reported with its reason (docs/workbooks.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline import config

ZIP = "zip"            # XLSX / XLSM (or another zip: the workbook reader says which)
OLE2 = "ole2"          # Excel 97-2003 .xls, or a password-protected workbook
UTF16 = "utf16"        # text with a UTF-16 byte-order mark (Excel's "Texte Unicode")
TEXT = "text"          # CSV / TSV / text in UTF-8 or Windows-1252 (the text reader decides)

OLE2_MESSAGE = ("format Excel 97-2003 (.xls) ou classeur protégé par mot de passe, non pris en charge : "
                "l'enregistrer en .xlsx (sans mot de passe) ou en .csv")

# Files of a folder that are not read, with a reason (the readable ones: config.EXPORT_SUFFIXES).
_SKIP_REASONS = {
    ".numbers": "classeur Numbers non pris en charge : l'exporter en .xlsx ou .csv, ignoré",
}


def sniff(head: bytes) -> str:
    """The kind of a file from its first bytes."""
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return ZIP
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return OLE2
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return UTF16
    return TEXT


def sniff_file(path: Path) -> str:
    with open(path, "rb") as f:
        return sniff(f.read(8))


@dataclass
class Scan:
    """Files to load, in a reproducible order, and the files of the folders given that are not loaded."""

    files: list[Path] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)


def skip_reason(path: Path) -> str | None:
    """Why a file found in a folder is not loaded (None: it is loaded)."""
    name = path.name
    if name.startswith("~$"):
        return "fichier de verrou d'Excel (classeur ouvert), ignoré"
    if name.startswith("."):
        return "fichier caché, ignoré"
    suffix = path.suffix.lower()
    if suffix in config.EXPORT_SUFFIXES:
        return None
    if suffix in _SKIP_REASONS:
        return _SKIP_REASONS[suffix]
    return f"ni CSV ni classeur XLSX (extension « {path.suffix or 'aucune'} »), ignoré"


def scan(paths) -> Scan:
    """Files given are always loaded (their content decides how); folders are walked, every file in
    them either loaded or reported as skipped."""
    out = Scan()
    for p in map(Path, paths):
        if not p.is_dir():
            out.files.append(p)
            continue
        for f in sorted(p.rglob("*")):
            if not f.is_file():
                continue
            if any(part.startswith(".") for part in f.relative_to(p).parts[:-1]):
                continue   # inside a hidden folder (.git, .ipynb_checkpoints): not the user's exports
            reason = skip_reason(f)
            if reason:
                out.skipped.append((f, reason))
            else:
                out.files.append(f)
    return out
