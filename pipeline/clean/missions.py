"""Validate rows: each one becomes a clean mission or a quarantined row with its reason(s).

Nothing is dropped silently and nothing is guessed: a value that cannot be resolved sends the row to
quarantine with a reason a person can act on ("code commune inconnu : 26999"). Non-blocking remarks
(a domaine that disagrees with the thématique, a canton that is not the commune's) are kept in
`avertissement` on the mission.
"""

from __future__ import annotations

import polars as pl

from pipeline.clean.geography import commune_lookup, epci_lookup, resolve_cantons
from pipeline.clean.values import commune_code, digits, parse_date, resolve_labels, resolve_labels_for_year
from pipeline.ref import Ref
from pipeline.text import EXCEL_ERROR_PATTERN, redact_expr

YEAR_MIN, YEAR_MAX = 2000, 2100
_SYNDICAT_WORDS = ("syndicat", " sivu ", " sivom ", " sm ", " si ", " sie ", " sia ")

_RAW_RENAMED = ("code_insee", "siren", "canton", "thematique", "domaine", "prestation", "partenaire",
                "demandeur_type")


def _reason(cond: pl.Expr, text: pl.Expr | str) -> pl.Expr:
    return pl.when(cond).then(text if isinstance(text, pl.Expr) else pl.lit(text))


def _quote(col: str) -> pl.Expr:
    return pl.lit("« ") + pl.col(col).fill_null("") + pl.lit(" »")


def clean_rows(rows: pl.DataFrame, ref: Ref) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(missions, quarantine) from a table of text columns (see pipeline.ingest.headers.FIELDS)."""
    # Raw text keeps a '_brut' suffix so that resolved values never collide with what was read.
    rows = rows.rename({c: c + "_brut" for c in _RAW_RENAMED})
    df = rows.with_columns(
        pl.col("id_mission").str.strip_chars(),
        pl.col("id_demande").str.strip_chars(),
        parse_date("date_demande").alias("date"),
        commune_code("code_insee_brut").alias("code_lu"),
        digits("siren_brut").alias("siren_lu"),
        resolve_labels(rows, "domaine_brut", "domaine", ref).alias("domaine_lu"),
        resolve_labels(rows, "demandeur_type_brut", "type_demandeur", ref).alias("type_lu"),
        resolve_cantons(ref, rows.get_column("canton_brut")).alias("canton_lu"),
    ).with_columns(pl.col("date").dt.year().cast(pl.Int32).alias("annee"))
    # Labels of the taxonomy: valid in the row's year, or a reason naming the closest labels.
    df = pl.concat([df, *[resolve_labels_for_year(df, f"{champ}_brut", champ, ref)
                          for champ in ("thematique", "prestation", "partenaire")]], how="horizontal")

    in_range = pl.col("annee").is_between(YEAR_MIN, YEAR_MAX)
    years = sorted(y for y in df.filter(in_range).get_column("annee").unique().to_list() if y is not None)
    if years:
        communes = commune_lookup(ref, years)
        epcis = epci_lookup(ref, years)
    else:  # no usable date at all: empty lookups with the right columns
        communes = commune_lookup(ref, [2021]).clear()
        epcis = epci_lookup(ref, [2021]).clear()
    df = (df.join(communes, on=["annee", "code_lu"], how="left")
            .join(epcis, left_on=["annee", "siren_lu"], right_on=["annee", "siren"], how="left"))

    # Demandeur type: as written when recognisable, otherwise derived from the codes.
    name_key = pl.lit(" ") + pl.col("demandeur").str.to_lowercase() + pl.lit(" ")
    looks_syndicat = pl.any_horizontal([name_key.str.contains(w, literal=True) for w in _SYNDICAT_WORDS])
    has_code = pl.col("code_lu").is_not_null() & (pl.col("code_lu") != "")
    has_siren = pl.col("siren_lu").is_not_null() & (pl.col("siren_lu") != "")
    derived = (pl.when(has_code).then(pl.lit("commune"))
               .when(pl.col("epci_nom").is_not_null()).then(pl.lit("epci"))
               .when(has_siren & looks_syndicat).then(pl.lit("syndicat"))
               .when(has_siren).then(pl.lit("autre")))
    df = df.with_columns(pl.coalesce("type_lu", derived).alias("demandeur_type"))

    is_commune = pl.col("demandeur_type") == "commune"
    is_epci = pl.col("demandeur_type") == "epci"
    n_cantons = pl.col("canton_codes").list.len()
    single = n_cantons == 1
    canton_ok = pl.col("canton_codes").list.contains(pl.col("canton_lu"))
    df = df.with_columns(
        pl.when(is_commune & single).then(pl.col("canton_codes").list.first())
        .when(is_commune & canton_ok).then(pl.col("canton_lu")).alias("code_canton")
    )

    # An Excel error value (#N/A, #VALEUR!…) is never data: the row is quarantined whatever the field
    # (docs/workbooks.md). Three missions whose id is #N/A stay three quarantined rows.
    fields = [c for c in rows.columns if c not in ("ligne", "valeurs")]
    errors = [_reason(pl.col(c).str.contains(EXCEL_ERROR_PATTERN).fill_null(False),
                      pl.lit("valeur d'erreur Excel ") + _quote(c) + pl.lit(f" ({c.removesuffix('_brut')})"))
              for c in fields]
    reasons = [
        *errors,
        _reason(pl.col("id_mission").is_null(), "identifiant de mission manquant"),
        _reason(pl.col("date_demande").is_null(), "date de la demande manquante"),
        _reason(pl.col("date_demande").is_not_null() & pl.col("date").is_null(),
                pl.lit("date illisible : ") + _quote("date_demande")),
        _reason(pl.col("date").is_not_null() & ~in_range, pl.lit("date hors plage : ") + _quote("date_demande")),
        _reason(pl.col("demandeur").is_null(), "demandeur manquant"),
        _reason(pl.col("demandeur_type").is_null(), "type de demandeur indéterminable (ni code INSEE ni SIREN)"),
        _reason(is_commune & ~has_code, "code INSEE manquant pour une commune"),
        _reason(is_commune & has_code & pl.col("code_insee").is_null() & in_range,
                pl.lit("code commune inconnu : ") + pl.col("code_lu")),
        _reason(is_commune & pl.col("code_insee").is_not_null() & (n_cantons > 1) & pl.col("canton_lu").is_null(),
                pl.lit("canton absent ou inconnu pour une commune partagée entre cantons : ") + pl.col("commune")
                + pl.when(pl.col("canton_brut").is_not_null()).then(pl.lit(" ") + _quote("canton_brut")).otherwise(pl.lit(""))),
        _reason(is_commune & (n_cantons > 1) & pl.col("canton_lu").is_not_null() & ~canton_ok,
                pl.lit("canton incohérent avec la commune : ") + pl.col("commune") + pl.lit(" ") + _quote("canton_brut")),
        _reason(is_epci & ~has_siren, "SIREN manquant pour un EPCI"),
        _reason(is_epci & has_siren & pl.col("epci_nom").is_null() & in_range,
                pl.lit("SIREN d'EPCI inconnu : ") + pl.col("siren_lu")),
        _reason(pl.col("thematique_brut").is_null(), "thématique manquante"),
        _reason(pl.col("thematique_raison").is_not_null(), pl.col("thematique_raison")),
        _reason(pl.col("prestation_brut").is_null(), "prestation manquante"),
        _reason(pl.col("prestation_raison").is_not_null(), pl.col("prestation_raison")),
        _reason(pl.col("partenaire_brut").is_null(), "partenaire manquant"),
        _reason(pl.col("partenaire_raison").is_not_null(), pl.col("partenaire_raison")),
    ]
    if "debordement" in df.columns:   # a CSV row wider than its header: its cells may be shifted
        reasons.insert(0, _reason(pl.col("debordement").is_not_null(),
                                  pl.lit("ligne plus large que l'en-tête, cellules en trop : ") + _quote("debordement")))
    df = df.with_columns(pl.concat_list(reasons).list.drop_nulls().list.join("; ").alias("raison"))
    bad = pl.col("raison") != ""

    quarantine = df.filter(bad).select(
        "ligne", "id_mission", pl.when(in_range).then(pl.col("annee")).alias("annee"), "raison", "valeurs",
    )
    if isinstance(quarantine.schema["valeurs"], pl.Struct):   # the row as read, as JSON for quarantined rows only
        quarantine = quarantine.with_columns(pl.col("valeurs").struct.json_encode())
    # a reason quotes the value it could not resolve; the row as read may hold an address in a coded column
    quarantine = quarantine.with_columns(redact_expr("raison"), redact_expr("valeurs"))
    return _missions(df.filter(~bad), ref), quarantine


def _missions(df: pl.DataFrame, ref: Ref) -> pl.DataFrame:
    """Accepted rows in the warehouse's shape, with derived domaine, partner type and territory."""
    def in_year(frame: pl.DataFrame, canon: str, attr: str, alias: str) -> pl.DataFrame:
        # one row per (label, year): a label may carry other attributes in other years
        years = df.select(pl.col("annee").unique())
        return (frame.join(years, how="cross").filter(
            (pl.col("valide_de").is_null() | (pl.col("valide_de") <= pl.col("annee")))
            & (pl.col("valide_a").is_null() | (pl.col("valide_a") >= pl.col("annee"))))
            .select(pl.col(canon).alias(canon + "_c"), "annee", pl.col(attr).alias(alias)))

    themes = in_year(ref.thematiques, "thematique", "domaine", "domaine")
    partners = in_year(ref.partenaires, "partenaire", "type", "partenaire_type")
    cantons = ref.cantons.select(pl.col("code").alias("code_canton"), pl.col("label_rapport").alias("canton"))
    is_commune = pl.col("demandeur_type") == "commune"
    df = df.join(themes, on=["thematique_c", "annee"], how="left", maintain_order="left") \
           .join(partners, on=["partenaire_c", "annee"], how="left", maintain_order="left") \
           .join(cantons, on="code_canton", how="left", maintain_order="left")
    warnings = [
        _reason(pl.col("domaine_lu").is_not_null() & (pl.col("domaine_lu") != pl.col("domaine")),
                pl.lit("domaine de l'export ignoré : ") + _quote("domaine_brut") + pl.lit(", la thématique relève de ")
                + pl.col("domaine")),
        _reason(is_commune & pl.col("canton_lu").is_not_null() & (pl.col("canton_lu") != pl.col("code_canton")),
                pl.lit("canton de l'export ignoré : ") + _quote("canton_brut") + pl.lit(", la commune est dans le canton ")
                + pl.col("canton")),
        _reason(is_commune & (pl.col("code_lu") != pl.col("code_insee")),
                pl.lit("ancien code commune rattaché : ") + pl.col("code_lu") + pl.lit(" → ") + pl.col("code_insee")
                + pl.lit(" (") + pl.col("commune") + pl.lit(")")),
    ]
    return df.select(
        "id_mission",
        pl.coalesce(pl.col("id_demande"), pl.lit("M-") + pl.col("id_mission")).alias("id_demande"),
        pl.col("date").alias("date_demande"),
        "annee",
        pl.col("demandeur").str.strip_chars(),
        "demandeur_type",
        pl.when(is_commune).then(pl.col("code_insee")).alias("code_insee"),
        pl.when(is_commune & (pl.col("code_lu") != pl.col("code_insee"))).then(pl.col("code_lu")).alias("code_insee_lu"),
        pl.when(is_commune).then(pl.col("commune")).alias("commune"),
        "code_canton",
        "canton",
        pl.when(is_commune).then(pl.col("commune_epci_siren"))
          .when(pl.col("demandeur_type") == "epci").then(pl.col("siren_lu")).alias("siren_epci"),
        pl.when(is_commune).then(pl.col("commune_epci"))
          .when(pl.col("demandeur_type") == "epci").then(pl.col("epci_nom")).alias("epci"),
        pl.when(is_commune).then(pl.col("population")).cast(pl.Int64).alias("population"),
        pl.when(is_commune).then(pl.col("classe")).alias("classe"),
        pl.col("thematique_c").alias("thematique"),
        "domaine",
        pl.col("prestation_c").alias("prestation"),
        pl.col("partenaire_c").alias("partenaire"),
        "partenaire_type",
        "objet",
        "statut",
        pl.concat_list(warnings).list.drop_nulls().list.join("; ").replace("", None).alias("avertissement"),
        "ligne",
    )
