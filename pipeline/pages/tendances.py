"""The "Tendances" page model: every loaded year up to the report's, side by side.

Figures come from the trend tables of pipeline/breakdowns/trends.py (trends, trends_domaine,
trends_prestation, trends_canton); this module only lays them out and words them in French. The same
model feeds the site page (reports/templates/tendances.html), the PDF section and the year-over-year
line of each canton page.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import polars as pl

from pipeline.fmt import fmt_int, fmt_pct, fmt_signed_pct, plural, typo
from pipeline.fmt import label as fmt_label
from pipeline.pages.context import BuildContext
from pipeline.pages.names import canton_name


@dataclass
class YearRow:
    annee: int
    demandes: str
    evolution: str            # "+14 %" or "–" for the first year
    missions: str
    communes: str
    epci: str
    part_cd26: str
    part_partenaires: str


@dataclass
class ShareRow:
    """One category across the years: its share each year (and missions for the title)."""
    label: str
    pcts: list[str]
    missions: list[str]


@dataclass
class CantonRow:
    code: str
    label: str
    demandes: list[str]
    evolution: str            # last year against the one before


@dataclass
class Tendances:
    year: int
    years: list[int]
    intro: str
    rows: list[YearRow] = field(default_factory=list)
    domaines: list[ShareRow] = field(default_factory=list)
    prestations: list[ShareRow] = field(default_factory=list)
    cantons: list[CantonRow] = field(default_factory=list)
    canton_lines: dict[str, str] = field(default_factory=dict)   # code → year-over-year line
    canton_notes: dict[str, str] = field(default_factory=dict)   # code → "contre 51 en 2022 (+14 %)"

    def to_dict(self) -> dict:
        return asdict(self)


def _shares(table: pl.DataFrame | None, col: str, years: list[int]) -> list[ShareRow]:
    if table is None:
        return []
    out = []
    for (label,), part in table.partition_by(col, as_dict=True, maintain_order=True).items():
        by_year = {r["annee"]: r for r in part.iter_rows(named=True)}
        if not any(by_year.get(y, {}).get("missions") for y in years):
            continue   # a category no year used (a label of another period)
        out.append(ShareRow(fmt_label(str(label)), [fmt_pct(by_year[y]["pct"]) if y in by_year else "–" for y in years],
                            [fmt_int(by_year[y]["missions"]) if y in by_year else "–" for y in years]))
    return out


def canton_line(year: int, demandes: int, previous: int | None, evolution: int | None) -> str:
    """'58 demandes en 2023, contre 51 en 2022 (+14 %).' — the year-over-year line of a canton page
    (evolution: trends_canton's evolution_demandes_pct)."""
    text = f"{plural(demandes, 'demande')} en {year}"
    if previous is None:
        return text + f" ; l'année {year - 1} n'est pas chargée."
    if previous == 0:
        return text + f", aucune en {year - 1}."
    return text + f", contre {fmt_int(previous)} en {year - 1} ({fmt_signed_pct(evolution)})."


def build_tendances(ctx: BuildContext) -> Tendances:
    """The page model; with one year loaded, only the sentence saying so."""
    trends = ctx.table("trends")
    if trends is None or trends.height < 2:
        return Tendances(ctx.year, [ctx.year], typo(f"Seule l'année {ctx.year} est chargée dans l'entrepôt : les "
                                                    "tendances apparaîtront avec une deuxième année."))
    trends = trends.sort("annee")
    years = [int(y) for y in trends["annee"]]
    first, last = trends.row(0, named=True), trends.row(-1, named=True)
    intro = (f"De {years[0]} à {years[-1]}, les demandes sont passées de {fmt_int(first['demandes'])} à "
             f"{fmt_int(last['demandes'])} et les communes demandeuses de {fmt_int(first['communes_demandeuses'])} à "
             f"{fmt_int(last['communes_demandeuses'])}.")
    rows = [YearRow(int(r["annee"]), fmt_int(r["demandes"]), fmt_signed_pct(r.get("evolution_demandes_pct")),
                    fmt_int(r["missions"]), fmt_int(r["communes_demandeuses"]), fmt_int(r.get("epci_demandeurs")),
                    fmt_pct(r.get("part_cd26_pct")), fmt_pct(r.get("part_partenaires_pct")))
            for r in trends.iter_rows(named=True)]
    t = Tendances(ctx.year, years, intro, rows,
                  _shares(ctx.table("trends_domaine"), "domaine", years),
                  _shares(ctx.table("trends_prestation"), "prestation", years))
    cantons = ctx.table("trends_canton")
    if cantons is not None:
        for (code,), part in cantons.sort("code_canton", "annee").partition_by(
                "code_canton", as_dict=True, maintain_order=True).items():
            by_year = {int(r["annee"]): r for r in part.iter_rows(named=True)}
            cur = by_year.get(ctx.year)
            if cur is None:
                continue
            prev = by_year.get(ctx.year - 1)
            official = canton_name(ctx.ref.dir, str(code), cur["canton"]).nom   # "Saint-Vallier", not "St Vallier"
            t.cantons.append(CantonRow(str(code), official,
                                       [fmt_int(by_year[y]["demandes"]) if y in by_year else "–" for y in years],
                                       fmt_signed_pct(cur["evolution_demandes_pct"])))
            if prev is not None:
                t.canton_notes[str(code)] = (f"contre {fmt_int(prev['demandes'])} en {ctx.year - 1} "
                                             f"({fmt_signed_pct(cur['evolution_demandes_pct'])})")
            t.canton_lines[str(code)] = canton_line(ctx.year, int(cur["demandes"]),
                                                    int(prev["demandes"]) if prev else None,
                                                    cur["evolution_demandes_pct"])
    return t

