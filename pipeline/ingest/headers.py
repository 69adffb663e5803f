"""Find the header row of a raw sheet and map its columns to the canonical fields.

Headers are matched on their key (case, accents, spaces and punctuation ignored) against the canonical
names and the `entete` spellings of data/ref/aliases.csv. Columns holding personal data (contact, e-mail,
phone, elected official's name) are dropped here, at the door, so they never reach the warehouse.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from pipeline.ingest.readers import RawSheet
from pipeline.ref import Ref
from pipeline.text import is_contact_header, key, redact, redact_expr

FIELDS = ("id_mission", "id_demande", "date_demande", "demandeur", "demandeur_type", "code_insee",
          "siren", "canton", "thematique", "domaine", "prestation", "partenaire", "objet", "statut")
REQUIRED = ("id_mission", "date_demande", "demandeur", "thematique", "prestation", "partenaire")
LABELS = {"id_mission": "N° mission", "date_demande": "Date de la demande", "demandeur": "Collectivité",
          "thematique": "Thématique", "prestation": "Type de prestation", "partenaire": "Partenaire"}
_HEADER_SCAN = 30
# Fields whose values are codes, dates or labels resolved through the reference: read as they are (the
# row as read is redacted, these fields are not); a stray address in one cannot be resolved and sends
# the row to quarantine, whose reason is redacted.
_CODED = ("id_mission", "id_demande", "date_demande", "code_insee", "siren", "canton", "thematique",
          "domaine", "prestation", "partenaire", "demandeur_type")
# Fields the cleaning resolves through their distinct values (pipeline/clean/resolve.py): staged as
# read, untrimmed — a million rows hold a few hundred distinct values, trimmed there once each rather
# than in every row (a third of the staging's time).
RESOLVED_FIELDS = ("date_demande", "demandeur_type", "code_insee", "siren", "canton", "thematique", "domaine",
                   "prestation", "partenaire")


class NoHeader(Exception):
    """No usable header row: the message names what is missing. `partial`: some columns were
    recognised (a table with required columns missing), as opposed to no table at all."""

    def __init__(self, message: str, partial: bool = False):
        super().__init__(message)
        self.partial = partial


@dataclass
class Table:
    """A sheet with its header mapped: canonical text columns + ligne + valeurs (row as read)."""

    frame: pl.DataFrame
    header_line: int
    mapping: dict[str, str]          # canonical field → header as read
    personal_dropped: list[str]      # headers dropped as personal data


@dataclass
class HeaderPlan:
    """How a sheet's rows become a table: found once from the head, applied to every batch."""

    header_line: int
    mapping: dict[str, str]          # canonical field → header as read
    personal_dropped: list[str]      # headers dropped as personal data
    names: list[str]                 # name (as read, made unique) of each kept column
    keep: list[int]                  # cell index of each kept column
    fields: dict[str, str]           # canonical field → kept column name
    free_text: list[str]             # kept columns that are free text (redacted)
    header_width: int                # cells up to the header's last non-empty one


def is_personal(header_key: str, ref: Ref) -> bool:
    if header_key in ref.alias_map.get("donnee_personnelle", {}):
        return True
    return is_contact_header(header_key)   # the vocabulary of docs/personal-data.md


def map_header(cells: list[str | None], ref: Ref) -> dict[int, str]:
    """Column index → canonical field for the cells of one candidate header row."""
    aliases = ref.alias_map.get("entete", {})
    found: dict[int, str] = {}
    for i, cell in enumerate(cells):
        k = key(cell)
        field = aliases.get(k) or (k.replace(" ", "_") if k.replace(" ", "_") in FIELDS else None)
        if field and field not in found.values():
            found[i] = field
    return found


def find_header(sheet: RawSheet, ref: Ref) -> tuple[int, dict[int, str]]:
    """Index in the sheet's first rows of the header row and its mapping; NoHeader when none is usable."""
    best: tuple[int, dict[int, str]] | None = None
    head = sheet.head_rows(_HEADER_SCAN)
    for idx, (_, cells) in enumerate(head):
        mapping = map_header(cells, ref)
        if all(f in mapping.values() for f in REQUIRED):
            return idx, mapping
        if len(mapping) >= 2 and (best is None or len(mapping) > len(best[1])):
            best = (idx, mapping)
    if best is None:
        raise NoHeader("aucune ligne d'en-tête reconnue (attendu : "
                       + ", ".join(LABELS[f] for f in REQUIRED) + ")")
    missing = [LABELS[f] for f in REQUIRED if f not in best[1].values()]
    raise NoHeader(f"colonnes obligatoires absentes ligne {head[best[0]][0]} : " + ", ".join(missing), partial=True)


def header_plan(sheet: RawSheet, ref: Ref) -> HeaderPlan:
    """Find the header in the sheet's first rows and decide what becomes of each column."""
    idx, mapping = find_header(sheet, ref)
    header_line, header_cells = sheet.head_rows(idx + 1)[idx]
    names: list[str] = []
    personal: list[str] = []
    keep: list[int] = []
    for i, cell in enumerate(header_cells):
        name = redact(cell) or f"colonne {i + 1}"   # a header may itself be an address
        if i not in mapping and is_personal(key(name), ref):
            personal.append(name)
            continue
        while name in names:
            name += " (bis)"
        names.append(name)
        keep.append(i)
    canon = {field: names[keep.index(i)] for i, field in mapping.items()}
    coded = {canon[f] for f in canon if f in _CODED}
    by_field = {field: header_cells[i] or f"colonne {i + 1}" for i, field in mapping.items()}
    # A row wider than its header (cells past the header's last named column): in a CSV a separator too
    # many has shifted its cells; in a workbook the values have no column. Only the row as read could keep
    # them, and it is kept for quarantined rows only: such a row is quarantined, its extra cells kept.
    width = max((i + 1 for i, c in enumerate(header_cells) if c), default=0)
    return HeaderPlan(header_line, by_field, personal, names, keep, canon,
                      [n for n in names if n not in coded], width)


def apply_header(plan: HeaderPlan, rows: pl.DataFrame) -> pl.DataFrame:
    """Rows (ligne, c0..cN) below the header → canonical text columns, `valeurs` (the row as read, a
    struct: personal columns dropped, e-mails and phones redacted in every column, coded ones too) and
    `debordement` (the non-empty cells past the header's last column, which a row wider than its
    header carries). The coded fields themselves are read unredacted (a stray value in them cannot be
    resolved: the row is quarantined and its reason is redacted)."""
    data = rows.filter(pl.col("ligne") > plan.header_line)
    present = set(data.columns)
    as_read = data.select(pl.col("ligne"), *[(pl.col(f"c{i}") if f"c{i}" in present else pl.lit(None, dtype=pl.Utf8))
                                             .alias(n) for n, i in zip(plan.names, plan.keep, strict=True)])
    raw = as_read.with_columns(redact_expr(n) for n in plan.names)
    coded = set(plan.names) - set(plan.free_text)
    extra = [n for n, i in zip(plan.names, plan.keep, strict=True) if i >= plan.header_width]
    overflow = (pl.concat_str([pl.col(c) for c in extra], separator=" | ", ignore_nulls=True).replace("", None)
                if extra else pl.lit(None, dtype=pl.Utf8))
    return raw.select(
        "ligne",
        *[((as_read.get_column(plan.fields[f]) if plan.fields[f] in coded else pl.col(plan.fields[f])).alias(f)
           if f in plan.fields else pl.lit(None, dtype=pl.Utf8).alias(f)) for f in FIELDS],
        pl.struct(plan.names).alias("valeurs") if plan.names else pl.lit("{}").alias("valeurs"),
        overflow.alias("debordement"),
    )


def to_table(sheet: RawSheet, ref: Ref) -> Table:
    """The sheet's data rows under canonical names, plus the row as read (without personal data)."""
    plan = header_plan(sheet, ref)
    frame = pl.concat([apply_header(plan, b) for b in sheet.batches(1 << 30)], how="vertical")
    return Table(frame, plan.header_line, plan.mapping, plan.personal_dropped)

