"""The figures a section may cite, by placeholder name, from the year's tables and the facts file.

Why names built from the tables: the prose of the report must say what the tables say. Every name maps
to one cell of one table (summary, by_taille, by_domaine, by_prestation, by_partenaire, by_canton,
by_epci), so a placeholder cannot drift from the published figures. Names are stable keys: the domaine's
code, the prestation's and partner's sigle, the canton's INSEE code, the EPCI's SIREN.

Sections attached to one canton / EPCI / partner also see `canton.*` / `epci.*` / `partenaire.*` for
their own row (`{{ canton.communes_concernees }}`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Literal

import polars as pl

from pipeline.fmt import fmt_dec, fmt_int, fmt_pct, fmt_signed_pct

Kind = Literal["int", "pct", "signed_pct", "dec", "text"]


@dataclass(frozen=True)
class Figure:
    """One value and how a reader sees it (`1 041`, `14 %`, `+14 %`, `12,5`)."""

    value: Any
    kind: Kind = "int"
    source: str = ""            # "summary.demandes", "faits.yaml" … (for the list of figures)

    def text(self) -> str:
        if self.value is None:
            return "–"
        if self.kind == "pct":
            return fmt_pct(self.value)
        if self.kind == "signed_pct":
            return fmt_signed_pct(self.value)
        if self.kind == "dec":
            return fmt_dec(self.value)
        if self.kind == "int":
            return fmt_int(self.value)
        return str(self.value)


def slug(text: str) -> str:
    """'Accompagnement 1er niveau' → 'accompagnement_1er_niveau' (placeholder-safe key)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")


def _rows(tables: dict[str, pl.DataFrame], name: str) -> list[dict[str, Any]]:
    frame = tables.get(name)
    return [] if frame is None else frame.to_dicts()


def _summary(tables: dict[str, pl.DataFrame]) -> dict[str, Figure]:
    out: dict[str, Figure] = {}
    for row in _rows(tables, "summary"):
        name, value = str(row["indicateur"]), row["valeur"]
        value = None if value is None else int(value)
        if name == "annee":
            out["annee"] = Figure(value, "text", "summary.annee")
        elif name == "evolution_demandes_pct":
            out["evolution_demandes"] = Figure(value, "signed_pct", f"summary.{name}")
            out["evolution_demandes_abs"] = Figure(None if value is None else abs(value), "pct",
                                                   f"summary.{name}")
        elif name.endswith("_pct"):
            out[name.removesuffix("_pct")] = Figure(value, "pct", f"summary.{name}")
        else:
            out[name] = Figure(value, "int", f"summary.{name}")
    if "annee" in out and out["annee"].value is not None:
        out["annee_suivante"] = Figure(out["annee"].value + 1, "text", "summary.annee + 1")
        out["annee_precedente"] = Figure(out["annee"].value - 1, "text", "summary.annee − 1")
    return out


def _category(tables: dict[str, pl.DataFrame], table: str, column: str, keys: dict[str, str],
              prefix: str) -> dict[str, Figure]:
    out: dict[str, Figure] = {}
    for row in _rows(tables, table):
        key = keys.get(str(row[column])) or slug(str(row[column]))
        out[f"{prefix}.{key}.missions"] = Figure(row["missions"], "int", f"{table}.missions")
        out[f"{prefix}.{key}.pct"] = Figure(row["pct"], "pct", f"{table}.pct")
        out[f"{prefix}.{key}.nom"] = Figure(row[column], "text", f"{table}.{column}")
    return out


# The names a section attached to one canton / EPCI / partner sees for its own row: (name, column, kind).
_SCOPED: dict[str, tuple[tuple[str, str, Kind], ...]] = {
    "by_canton": (("nom", "canton", "text"), ("code", "code_canton", "text"),
                  ("communes_concernees", "communes_concernees", "int"), ("demandes", "demandes", "int"),
                  ("missions", "missions", "int")),
    "by_epci": (("nom", "epci", "text"), ("communes_demandeuses", "communes_demandeuses", "int"),
                ("demandes", "demandes", "int"), ("demandes_epci", "demandes_epci", "int"),
                ("demandes_communes", "demandes_communes", "int")),
    "by_partenaire": (("nom", "partenaire", "text"), ("missions", "missions", "int"), ("pct", "pct", "pct")),
}


def _scoped(table: str, row: dict[str, Any]) -> dict[str, Figure]:
    return {name: Figure(row.get(column), kind, f"{table}.{column}") for name, column, kind in _SCOPED[table]}


@dataclass
class YearFigures:
    """Every placeholder of the year: `common` for any section, the attached ones by canton/EPCI/partner."""

    common: dict[str, Figure]
    cantons: dict[str, dict[str, Figure]]
    epcis: dict[str, dict[str, Figure]]
    partenaires: dict[str, dict[str, Figure]]

    def for_section(self, place: str, key: str | None) -> dict[str, Figure] | None:
        """The names a section at `place` sees; None when its canton/EPCI/partner is not in the tables."""
        if key is None:
            return self.common
        scoped = {"canton": self.cantons, "epci": self.epcis, "partenaire": self.partenaires}[place]
        own = scoped.get(key)
        if own is None:
            return None
        return {**self.common, **{f"{place}.{name}": fig for name, fig in own.items()}}


def figures_for_year(tables: dict[str, pl.DataFrame], faits: dict[str, Any] | None = None,
                     sigles: dict[str, dict[str, str]] | None = None) -> YearFigures:
    """Placeholders from the breakdown tables (and `faits.*` from the facts file).

    sigles: per table, label → short key (domaines' codes, prestations' and partners' sigles); labels
    without one are slugged. Raises nothing: unknown names are caught when a section is rendered.
    """
    sigles = sigles or {}
    common = _summary(tables)
    for row in _rows(tables, "by_taille"):
        key = f"taille.{slug(str(row['classe']))}"
        common[f"{key}.communes_demandeuses"] = Figure(row["communes_demandeuses"], "int", "by_taille")
        common[f"{key}.communes_total"] = Figure(row["communes_total"], "int", "by_taille")
        common[f"{key}.demandes"] = Figure(row["demandes"], "int", "by_taille")
        common[f"{key}.pct_demandes"] = Figure(row["pct_demandes"], "pct", "by_taille")
    common.update(_category(tables, "by_domaine", "domaine", sigles.get("domaine", {}), "domaine"))
    common.update(_category(tables, "by_prestation", "prestation", sigles.get("prestation", {}), "prestation"))
    common.update(_category(tables, "by_partenaire", "partenaire", sigles.get("partenaire", {}), "partenaire"))
    common.update(_category(tables, "by_thematique", "thematique", {}, "thematique"))
    common["cantons"] = Figure(len(_rows(tables, "by_canton")), "int", "by_canton (lignes)")
    externes = [r for r in _rows(tables, "by_partenaire") if r.get("type") == "externe" and r.get("missions")]
    common["partenaires_externes"] = Figure(len(externes), "int", "by_partenaire (type externe, missions > 0)")
    for name, value in (faits or {}).items():
        kind: Kind = "int" if isinstance(value, int) else "dec" if isinstance(value, float) else "text"
        common[f"faits.{name}"] = Figure(value, kind, "faits.yaml")
    cantons = {str(r["code_canton"]): _scoped("by_canton", r) for r in _rows(tables, "by_canton")}
    epcis = {str(r["siren"]): _scoped("by_epci", r) for r in _rows(tables, "by_epci")}
    partenaires: dict[str, dict[str, Figure]] = {}
    for row in _rows(tables, "by_partenaire"):
        own = _scoped("by_partenaire", row)
        partenaires[str(row["partenaire"])] = own
        sigle = sigles.get("partenaire", {}).get(str(row["partenaire"]))
        if sigle:
            partenaires.setdefault(sigle, own)
    return YearFigures(common, cantons, epcis, partenaires)


def sigles_from_ref(ref: Any) -> dict[str, dict[str, str]]:
    """Short keys from the taxonomy: domaines' codes, prestations' and partners' sigles (slugged)."""
    out: dict[str, dict[str, str]] = {}
    for attr, label, short in (("domaines", "domaine", "code"), ("prestations", "prestation", "sigle"),
                               ("partenaires", "partenaire", "sigle")):
        frame = getattr(ref, attr, None)
        if isinstance(frame, pl.DataFrame) and {label, short} <= set(frame.columns):
            out[label] = {str(r[label]): slug(str(r[short])) for r in frame.iter_rows(named=True) if r[short]}
    return out
