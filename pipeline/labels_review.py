"""`bilan labels`: the unknown labels of the quarantine, and accepting them as aliases.

The unknown values are found by reading each quarantined row again (pipeline.reprocess rebuilds it from
the row as read) and resolving its labels with the current reference, so the list is always up to
date — it does not parse the stored reasons. Accepting appends a row to data/ref/aliases.csv (the
only place spellings live); `bilan reprocess` then moves the rows that now resolve.
"""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import duckdb

from pipeline import config
from pipeline.errors import BilanError
from pipeline.ref import Ref, load_ref
from pipeline.ref.labels import LABEL_FIELDS, TAXONOMY, suggest
from pipeline.reprocess import _has_table, quarantined_sheets
from pipeline.text import key

ACCEPTABLE = (*LABEL_FIELDS, "domaine")


class LabelError(BilanError, ValueError):
    """An alias that cannot be accepted (unknown field or canonical label, value already known)."""


def unknown_labels(db: Path | str, ref: Ref | None = None, year: int | None = None) -> list[dict]:
    """[{champ, valeur, lignes, fichiers, suggestions: [{canonique, score}]}], most rows first."""
    ref = ref or load_ref()
    con = duckdb.connect(str(db), read_only=True)
    found: dict[tuple[str, str], dict] = {}
    try:
        if not _has_table(con, "quarantine"):
            return []
        years = {}
        if year is not None:
            years = {(r[0], r[1]): r[2] for r in con.execute(
                "SELECT load_id, ligne, annee FROM quarantine").fetchall()}
        for load_id, fichier, _feuille, frame in quarantined_sheets(con, ref):
            for rec in frame.iter_rows(named=True):
                if year is not None and years.get((load_id, rec["ligne"])) not in (year, None):
                    continue
                for champ in LABEL_FIELDS:
                    value = rec[champ]
                    if value is None or not key(value) or ref.resolve(champ, value):
                        continue
                    entry = found.setdefault((champ, value), {"champ": champ, "valeur": value, "lignes": 0,
                                                             "fichiers": []})
                    entry["lignes"] += 1
                    if fichier not in entry["fichiers"]:
                        entry["fichiers"].append(fichier)
    finally:
        con.close()
    out = sorted(found.values(), key=lambda e: (-e["lignes"], e["champ"], e["valeur"]))
    for e in out:
        e["fichiers"].sort()
        e["suggestions"] = [{"canonique": s.canonique, "score": s.score} for s in suggest(ref, e["champ"], e["valeur"])]
    return out


def canonical(ref: Ref, champ: str, label: str) -> str:
    """The canonical label as spelled in the taxonomy (matched on its key); LabelError if none."""
    if champ not in ACCEPTABLE:
        raise LabelError(f"champ inconnu : « {champ} » (champs : {', '.join(ACCEPTABLE)})")
    labels = getattr(ref, TAXONOMY[champ])[champ].unique(maintain_order=True).to_list()
    for c in labels:
        if key(c) == key(label):
            return c
    raise LabelError(f"libellé canonique inexistant pour {champ} : « {label} » (voir data/ref/{TAXONOMY[champ]}.csv)")


def accept(champ: str, valeur: str, canonique: str, ref_dir: Path | None = None) -> str:
    """Append « valeur » → canonique to aliases.csv; returns the canonical label as written."""
    return accept_many([(champ, valeur, canonique)], ref_dir)[0]


def accept_many(items: list[tuple[str, str, str]], ref_dir: Path | None = None) -> list[str]:
    """Check every (champ, valeur, canonique) first, then append them all (or none)."""
    ref_dir = Path(ref_dir or config.REF_DIR)
    ref = load_ref(ref_dir)
    rows: list[tuple[tuple[str, str, str] | None, str]] = []
    seen: set[tuple[str, str]] = set()
    for champ, valeur, label in items:
        canon = canonical(ref, champ, label)
        if not key(valeur):
            raise LabelError(f"valeur vide pour {champ}")
        known = ref.resolve(champ, valeur)
        if known and known != canon:
            raise LabelError(f"« {valeur} » est déjà un alias de « {known} » pour {champ}")
        if known or (champ, key(valeur)) in seen:
            rows.append((None, canon))
            continue
        seen.add((champ, key(valeur)))
        rows.append(((champ, valeur, canon), canon))
    path = ref_dir / "aliases.csv"
    if not os.access(path, os.W_OK):
        raise LabelError(f"{path} n'est pas modifiable (référentiel installé avec le paquet) : copier data/ref "
                         "ailleurs et y pointer BILAN_REF_DIR")
    text = path.read_text(encoding="utf-8")
    with path.open("a", encoding="utf-8", newline="") as f:
        if text and not text.endswith("\n"):
            f.write("\n")
        w = csv.writer(f, lineterminator="\n")
        for row, _ in rows:
            if row:
                w.writerow(row)
    return [canon for _, canon in rows]


def reviewed(path: Path) -> list[tuple[str, str, str]]:
    """(champ, valeur, canonique) from a reviewed `bilan labels --json` list: each entry's `canonique`
    when the analyst wrote one, else its first suggestion. An entry with neither is an error: the
    analyst removes the entries they do not want."""
    try:
        entries = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise LabelError(f"liste relue illisible : {path} ({exc.__class__.__name__})") from None
    if not isinstance(entries, list):
        raise LabelError(f"liste relue illisible : {path} (une liste d'objets est attendue)")
    out = []
    for i, e in enumerate(entries, start=1):
        if not isinstance(e, dict) or "champ" not in e or "valeur" not in e:
            raise LabelError(f"entrée {i} de {path} : champ et valeur attendus")
        label = e.get("canonique") or next((s.get("canonique") for s in e.get("suggestions") or []), None)
        if not label:
            raise LabelError(f"entrée {i} de {path} (« {e['valeur']} ») : aucune suggestion ni canonique — la retirer ou en écrire un")
        out.append((str(e["champ"]), str(e["valeur"]), str(label)))
    return out
