"""What each *distinct* value of an export resolves to: dates, labels, communes, cantons, EPCI.

Why distinct values: a million-row export holds a few hundred dates, a few hundred commune codes and
a few dozen spellings of each label. Each is resolved once here, in Polars and Python (the alias table,
the label suggestions, the millésimes), into a small table keyed by the value as read; the row-level
work is then a handful of joins in DuckDB (clean.sql). Every function takes the distinct keys as a
data frame and returns them with their resolution, one row per key.
"""

from __future__ import annotations

import polars as pl

from pipeline.clean.geography import commune_lookup, epci_lookup, resolve_cantons
from pipeline.clean.values import commune_code, digits, parse_date, resolve_labels, resolve_labels_for_year
from pipeline.ref import Ref
from pipeline.text import EXCEL_ERROR_PATTERN

YEAR_MIN, YEAR_MAX = 2000, 2100


def _reason(cond: pl.Expr, text: pl.Expr | str) -> pl.Expr:
    return pl.when(cond).then(text if isinstance(text, pl.Expr) else pl.lit(text))


def _quote(col: str) -> pl.Expr:
    return pl.lit("« ") + pl.col(col).fill_null("") + pl.lit(" »")


def excel_error(column: str) -> pl.Expr:
    """`err_<column>`: the reason when the value is an Excel error value (#N/A, #VALEUR!, Err:502…),
    never data whatever the field (docs/workbooks.md); resolved with the other distinct values."""
    return (pl.when(pl.col(column).str.contains(EXCEL_ERROR_PATTERN).fill_null(False))
            .then(pl.lit("valeur d'erreur Excel ") + _quote(column) + pl.lit(f" ({column})")).alias(f"err_{column}"))


def _joined(parts: list[pl.Expr]) -> pl.Expr:
    """Reasons (or remarks) that apply, in order, joined by '; '; None when none applies."""
    return pl.concat_list(parts).list.drop_nulls().list.join("; ").replace("", None)


def dates(keys: pl.DataFrame) -> pl.DataFrame:
    """`date_demande` as read → `date` and its year `annee` (None when unreadable)."""
    return keys.with_columns(parse_date("date_demande").alias("date"), excel_error("date_demande")).with_columns(
        pl.col("date").dt.year().cast(pl.Int32).alias("annee"))


def labels(keys: pl.DataFrame, column: str, champ: str, ref: Ref, alias: str) -> pl.DataFrame:
    """A label resolved without regard to the year (domaine, type de demandeur): `alias`, or None."""
    return keys.with_columns(resolve_labels(keys, column, champ, ref).alias(alias), excel_error(column))


def _in_year(frame: pl.DataFrame, years: pl.DataFrame, canon: str, attr: str, alias: str) -> pl.DataFrame:
    # one row per (label, year): a label may carry other attributes in other years
    return (frame.join(years, how="cross").filter(
        (pl.col("valide_de").is_null() | (pl.col("valide_de") <= pl.col("annee")))
        & (pl.col("valide_a").is_null() | (pl.col("valide_a") >= pl.col("annee"))))
        .select(pl.col(canon).alias(canon + "_c"), "annee", pl.col(attr).alias(alias)))


def year_labels(keys: pl.DataFrame, champ: str, ref: Ref) -> pl.DataFrame:
    """(`champ` as read, annee) → `{champ}_c` (the label valid that year) and `{champ}_raison` (why not),
    plus the attribute the report needs: a thématique's domaine, a partner's type."""
    out = pl.concat([keys, resolve_labels_for_year(keys, champ, champ, ref)], how="horizontal").with_columns(
        excel_error(champ))
    years = keys.select(pl.col("annee").unique())
    if champ == "thematique":
        attrs = _in_year(ref.thematiques, years, "thematique", "domaine", "domaine")
    elif champ == "partenaire":
        attrs = _in_year(ref.partenaires, years, "partenaire", "type", "partenaire_type")
    else:
        return out
    return out.join(attrs, on=[f"{champ}_c", "annee"], how="left", maintain_order="left", nulls_equal=False)


def geography(keys: pl.DataFrame, ref: Ref) -> pl.DataFrame:
    """Who asked and where, for each distinct (annee, code_insee, siren, canton, demandeur_type,
    syndicat) as read: the demandeur's type, the current commune, its canton, EPCI, population and
    size class, the reasons that quarantine a row (`geo_raison`) and the remarks kept on an accepted
    one (`geo_avert`). `syndicat`: the demandeur's name reads like a syndicat's (only used when the type
    is neither written nor given by a code)."""
    df = keys.with_columns(
        commune_code("code_insee").alias("code_lu"),
        digits("siren").alias("siren_lu"),
        resolve_labels(keys, "demandeur_type", "type_demandeur", ref).alias("type_lu"),
        resolve_cantons(ref, keys.get_column("canton")).alias("canton_lu"),
    )
    in_range = pl.col("annee").is_between(YEAR_MIN, YEAR_MAX)
    years = sorted(y for y in df.filter(in_range).get_column("annee").unique().to_list() if y is not None)
    if years:
        communes, epcis = commune_lookup(ref, years), epci_lookup(ref, years)
    else:  # no usable date at all: empty lookups with the right columns
        communes, epcis = commune_lookup(ref, [2021]).clear(), epci_lookup(ref, [2021]).clear()
    df = (df.join(communes.rename({"code_insee": "commune_code"}), on=["annee", "code_lu"], how="left")
            .join(epcis, left_on=["annee", "siren_lu"], right_on=["annee", "siren"], how="left"))

    # Demandeur type: as written when recognisable, otherwise derived from the codes.
    has_code = pl.col("code_lu").is_not_null() & (pl.col("code_lu") != "")
    has_siren = pl.col("siren_lu").is_not_null() & (pl.col("siren_lu") != "")
    derived = (pl.when(has_code).then(pl.lit("commune"))
               .when(pl.col("epci_nom").is_not_null()).then(pl.lit("epci"))
               .when(has_siren & pl.col("syndicat")).then(pl.lit("syndicat"))
               .when(has_siren).then(pl.lit("autre")))
    df = df.with_columns(pl.coalesce("type_lu", derived).alias("type_r"))

    is_commune = pl.col("type_r") == "commune"
    is_epci = pl.col("type_r") == "epci"
    n_cantons = pl.col("canton_codes").list.len()
    canton_ok = pl.col("canton_codes").list.contains(pl.col("canton_lu"))
    df = df.with_columns(
        pl.when(is_commune & (n_cantons == 1)).then(pl.col("canton_codes").list.first())
        .when(is_commune & canton_ok).then(pl.col("canton_lu")).alias("code_canton"))
    cantons = ref.cantons.select(pl.col("code").alias("code_canton"), pl.col("label_rapport").alias("canton_nom"))
    df = df.join(cantons, on="code_canton", how="left", maintain_order="left")

    reasons = [
        _reason(pl.col("type_r").is_null(), "type de demandeur indéterminable (ni code INSEE ni SIREN)"),
        _reason(is_commune & ~has_code, "code INSEE manquant pour une commune"),
        _reason(is_commune & has_code & pl.col("commune_code").is_null() & in_range,
                pl.lit("code commune inconnu : ") + pl.col("code_lu")),
        _reason(is_commune & pl.col("commune_code").is_not_null() & (n_cantons > 1) & pl.col("canton_lu").is_null(),
                pl.lit("canton absent ou inconnu pour une commune partagée entre cantons : ") + pl.col("commune")
                + pl.when(pl.col("canton").is_not_null()).then(pl.lit(" ") + _quote("canton")).otherwise(pl.lit(""))),
        _reason(is_commune & (n_cantons > 1) & pl.col("canton_lu").is_not_null() & ~canton_ok,
                pl.lit("canton incohérent avec la commune : ") + pl.col("commune") + pl.lit(" ") + _quote("canton")),
        _reason(is_epci & ~has_siren, "SIREN manquant pour un EPCI"),
        _reason(is_epci & has_siren & pl.col("epci_nom").is_null() & in_range,
                pl.lit("SIREN d'EPCI inconnu : ") + pl.col("siren_lu")),
    ]
    remarks = [
        _reason(is_commune & pl.col("canton_lu").is_not_null() & (pl.col("canton_lu") != pl.col("code_canton")),
                pl.lit("canton de l'export ignoré : ") + _quote("canton") + pl.lit(", la commune est dans le canton ")
                + pl.col("canton_nom")),
        _reason(is_commune & (pl.col("code_lu") != pl.col("commune_code")),
                pl.lit("ancien code commune rattaché : ") + pl.col("code_lu") + pl.lit(" → ") + pl.col("commune_code")
                + pl.lit(" (") + pl.col("commune") + pl.lit(")")),
    ]
    return df.select(
        *keys.columns,
        pl.col("type_r").alias("demandeur_type_r"),
        pl.when(is_commune).then(pl.col("commune_code")).alias("code_insee_r"),
        pl.when(is_commune & (pl.col("code_lu") != pl.col("commune_code"))).then(pl.col("code_lu")).alias("code_insee_lu"),
        pl.when(is_commune).then(pl.col("commune")).alias("commune"),
        "code_canton",
        pl.col("canton_nom").alias("canton_r"),
        pl.when(is_commune).then(pl.col("commune_epci_siren"))
          .when(is_epci).then(pl.col("siren_lu")).alias("siren_epci"),
        pl.when(is_commune).then(pl.col("commune_epci"))
          .when(is_epci).then(pl.col("epci_nom")).alias("epci"),
        pl.when(is_commune).then(pl.col("population")).cast(pl.Int64).alias("population"),
        pl.when(is_commune).then(pl.col("classe")).alias("classe"),
        _joined(reasons).alias("geo_raison"),
        _joined(remarks).alias("geo_avert"),
        *[excel_error(c) for c in ("demandeur_type", "code_insee", "siren", "canton")],
    )
