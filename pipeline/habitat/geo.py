"""Commune of the works → current commune, EPCI and cantons, through the shared reference geography.

The housing exports carry the commune of the works (sometimes a pre-merger code); the same lookup as the
missions (pipeline/clean/geography.py) translates it with the millésime of the year asked.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=8)
def communes(year: int, ref_dir: Path | None = None) -> dict[str, dict]:
    """code as read → {code_insee, commune, siren_epci, epci, canton_codes, population} for one year."""
    from pipeline.clean.geography import commune_lookup
    from pipeline.ref import load_ref

    ref = load_ref(ref_dir)
    df = commune_lookup(ref, [year])
    return {r["code_lu"]: {"code_insee": r["code_insee"], "commune": r["commune"],
                           "siren_epci": r["commune_epci_siren"], "epci": r["commune_epci"],
                           "canton_codes": list(r["canton_codes"] or []), "population": r["population"]}
            for r in df.iter_rows(named=True)}
