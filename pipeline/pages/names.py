"""Official names for display: cantons as in the INSEE COG, EPCI as in the DGCL list.

Why a separate table (data/ref/noms_officiels.csv) rather than renaming the reference keys: the
breakdown tables and the 2021 figure tests keep the 2021 report's labels (`label_rapport`, "St
Vallier"), which also stay aliases for reading exports; only what a reader sees uses the official
form ("canton de Saint-Vallier", "canton de la Drôme des Collines", "Valence-1"), with its article.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import polars as pl

from pipeline.fmt import name

FILE = "noms_officiels.csv"


@dataclass(frozen=True)
class CantonName:
    nom: str          # "Le Diois", "Valence-1", "Tain-l’Hermitage"
    complet: str      # "canton du Diois"
    de: str           # "du Diois" (for "… sur le canton du Diois")

    @property
    def titre(self) -> str:
        """'Canton du Diois' (a heading)."""
        return self.complet[:1].upper() + self.complet[1:]


@lru_cache(maxsize=4)
def _table(ref_dir: str) -> dict[tuple[str, str], tuple[str, str]]:
    path = Path(ref_dir) / FILE
    if not path.exists():
        return {}
    df = pl.read_csv(path, infer_schema_length=0)
    return {(r["niveau"], r["code"]): (r["nom"], r["nom_complet"] or "") for r in df.iter_rows(named=True)}


def canton_name(ref_dir: Path | str, code: str, fallback: str) -> CantonName:
    """The official name of canton `code`; `fallback` (the reference's INSEE name) when not listed."""
    nom, complet = _table(str(ref_dir)).get(("canton", code), (fallback, ""))
    complet = complet or f"canton de {nom}"
    de = complet.removeprefix("canton ")
    return CantonName(name(nom), name(complet), name(de))


def epci_name(ref_dir: Path | str, siren: str, fallback: str) -> str:
    """The DGCL name of an EPCI (with œ and its exact capitals); `fallback` when not listed."""
    return name(_table(str(ref_dir)).get(("epci", siren), (fallback, ""))[0])
