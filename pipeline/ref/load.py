"""data/ref → Polars frames, and the reference in force for a given year.

Why a RefYear: a year's figures use the commune geography and populations in force that year
(data/ref/millesimes.csv says which file and which population column), so that 2021 is counted on
COG 2021 and 2026 on COG 2026, and the rule lives in a table an analyst can read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

import polars as pl

from pipeline import config
from pipeline.text import key


def _read(ref_dir: Path, name: str, ints: tuple[str, ...] = ()) -> pl.DataFrame:
    """Every column as text, then the named ones as integers: codes keep their leading zeros."""
    df = pl.read_csv(ref_dir / name, infer_schema_length=0)
    return df.with_columns([pl.col(c).cast(pl.Int64) for c in ints if c in df.columns])


# The taxonomy tables carry the years each row is valid for (empty = no bound), so that adding a
# partner for 2024 is one row and changes nothing in 2021.
TAXONOMY = {"domaine": "domaines", "thematique": "thematiques", "prestation": "prestations",
            "partenaire": "partenaires"}
VALIDITY = ("valide_de", "valide_a")


def _read_taxonomy(ref_dir: Path, name: str) -> pl.DataFrame:
    df = _read(ref_dir, name, ("ordre", *VALIDITY))
    return df.with_columns(pl.lit(None, dtype=pl.Int64).alias(c) for c in VALIDITY if c not in df.columns)


def valid_in(year: int) -> pl.Expr:
    """Rows of a taxonomy table valid in `year`."""
    return ((pl.col("valide_de").is_null() | (pl.col("valide_de") <= year))
            & (pl.col("valide_a").is_null() | (pl.col("valide_a") >= year)))


@dataclass(frozen=True)
class RefYear:
    """The reference in force for one year: communes with population, EPCI, cantons, size class."""

    year: int
    millesime: int
    population_column: str
    communes: pl.DataFrame   # code_insee, nom, population, epci_siren, epci_nom, canton_codes(list), multi_canton, classe
    cantons: pl.DataFrame    # code, nom, label_rapport, ...
    epci: pl.DataFrame       # siren, nom, type, n_communes_drome
    classes: pl.DataFrame    # ordre, classe, population_min, population_max


@dataclass
class Ref:
    """All of data/ref, loaded once. Frames are read-only by convention."""

    dir: Path
    cantons: pl.DataFrame
    epci: pl.DataFrame
    codes_anciens: pl.DataFrame
    domaines: pl.DataFrame
    thematiques: pl.DataFrame
    prestations: pl.DataFrame
    partenaires: pl.DataFrame
    classes: pl.DataFrame
    millesimes: pl.DataFrame
    aliases: pl.DataFrame
    _communes: dict[int, pl.DataFrame] = field(default_factory=dict)

    def communes(self, millesime: int) -> pl.DataFrame:
        if millesime not in self._communes:
            df = _read(self.dir, f"communes_{millesime}.csv", ("population", "population_dgcl"))
            self._communes[millesime] = df.with_columns(
                pl.col("canton_codes").str.split(";"), (pl.col("multi_canton") == "true")
            )
        return self._communes[millesime]

    def taxonomy_for(self, year: int) -> Ref:
        """The same reference with only the domaines, thématiques, prestations and partners valid in
        `year`: a year's report lists its own taxonomy."""
        return replace(self, **{t: getattr(self, t).filter(valid_in(year)) for t in TAXONOMY.values()},
                       _communes=self._communes)

    def validity(self, champ: str) -> dict[str, list[tuple[int | None, int | None]]]:
        """canonical label → its periods of validity [(valide_de, valide_a)] (None = no bound)."""
        if champ not in TAXONOMY:
            return {}
        out: dict[str, list[tuple[int | None, int | None]]] = {}
        for label, de, a in getattr(self, TAXONOMY[champ]).select(champ, *VALIDITY).iter_rows():
            out.setdefault(label, []).append((de, a))
        return out

    def millesime_row(self, year: int) -> dict:
        rows = self.millesimes.filter((pl.col("annee_min") <= year) & (pl.col("annee_max") >= year))
        if rows.height != 1:
            raise ValueError(f"no commune millésime configured for {year} (data/ref/millesimes.csv)")
        return rows.row(0, named=True)

    def for_year(self, year: int) -> RefYear:
        m = self.millesime_row(year)
        communes = self.communes(int(m["millesime"])).with_columns(
            pl.col(m["colonne_population"]).alias("population")
        )
        communes = communes.with_columns(size_class_expr(self.classes, "population").alias("classe"))
        epci = self.epci.filter(pl.col("millesime") == int(m["millesime"]))
        return RefYear(year, int(m["millesime"]), m["colonne_population"], communes,
                       self.cantons, epci, self.classes)

    @cached_property
    def alias_map(self) -> dict[str, dict[str, str]]:
        """champ → {key(spelling): canonical}. Canonical labels of the taxonomy match themselves."""
        out: dict[str, dict[str, str]] = {}
        for champ, canon_col, frame in [("thematique", "thematique", self.thematiques),
                                        ("prestation", "prestation", self.prestations),
                                        ("partenaire", "partenaire", self.partenaires),
                                        ("domaine", "domaine", self.domaines)]:
            out[champ] = {key(v): v for v in frame[canon_col].unique(maintain_order=True)}
        out["prestation"].update({key(s): p for s, p in self.prestations.select("sigle", "prestation").iter_rows()})
        canton = out.setdefault("canton", {})
        for row in self.cantons.iter_rows(named=True):
            for col in ("code", "nom", "nom_sans_article", "label_rapport", "label_alias"):
                if row.get(col):
                    canton[key(row[col])] = row["code"]
        for champ, alias, canon in self.aliases.select("champ", "alias", "canonique").iter_rows():
            out.setdefault(champ, {})[key(alias)] = canon or ""
        return out

    def resolve(self, champ: str, value: object) -> str | None:
        """Canonical label (or code) of a value as spelled in an export; None when unknown."""
        k = key(value)
        found = self.alias_map.get(champ, {}).get(k)
        if found is None and champ == "canton":   # "Canton de Valence-2", "canton du Diois"
            found = self.alias_map["canton"].get(_CANTON_PREFIX.sub("", k))
        return found


_CANTON_PREFIX = re.compile(r"^canton (?:de la |de l |de |du |des |d )?")


def size_class_expr(classes: pl.DataFrame, population_col: str) -> pl.Expr:
    """Polars expression giving the size-class label of a population column."""
    expr = pl.lit(None, dtype=pl.Utf8)
    for row in classes.sort("ordre").iter_rows(named=True):
        expr = pl.when(pl.col(population_col) >= int(row["population_min"])).then(pl.lit(row["classe"])).otherwise(expr)
    return expr


def load_ref(ref_dir: Path | None = None) -> Ref:
    d = Path(ref_dir or config.REF_DIR)
    return Ref(
        dir=d,
        cantons=_read(d, "cantons.csv"),
        epci=_read(d, "epci.csv", ("millesime", "n_communes_drome", "n_membres_total")),
        codes_anciens=_read(d, "codes_anciens.csv"),
        domaines=_read_taxonomy(d, "domaines.csv"),
        thematiques=_read_taxonomy(d, "thematiques.csv"),
        prestations=_read_taxonomy(d, "prestations.csv"),
        partenaires=_read_taxonomy(d, "partenaires.csv"),
        classes=_read(d, "classes_taille.csv", ("ordre", "population_min", "population_max")),
        millesimes=_read(d, "millesimes.csv", ("annee_min", "annee_max", "millesime")),
        aliases=_read(d, "aliases.csv"),
    )
