"""Commune of the works → current commune, EPCI and cantons, through the shared reference geography.

The housing exports carry the commune of the works (sometimes a pre-merger code); the same lookup as the
missions (pipeline/clean/geography.py) translates it with the millésime of the year asked.
"""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def _ref():
    from pipeline.ref import load_ref

    return load_ref()


@lru_cache(maxsize=4)
def _by_millesime(millesime: int, year: int) -> dict[str, dict]:
    from pipeline.clean.geography import commune_lookup

    df = commune_lookup(_ref(), [year])
    return {r["code_lu"]: {"code_insee": r["code_insee"], "commune": r["commune"],
                           "siren_epci": r["commune_epci_siren"], "epci": r["commune_epci"],
                           "canton_codes": list(r["canton_codes"] or []), "population": r["population"]}
            for r in df.iter_rows(named=True)}


def communes(year: int) -> dict[str, dict]:
    """code as read → {code_insee, commune, siren_epci, epci, canton_codes, population} for one year
    (years sharing a millésime share one lookup)."""
    m = int(_ref().millesime_row(year)["millesime"])
    rep = {2021: 2022, 2026: 2026}.get(m, year) if year >= 2022 else year
    return _by_millesime(m, rep)
