"""Validate rows: each one becomes a clean mission or a quarantined row with its reason(s).

Nothing is dropped silently and nothing is guessed: a value that cannot be resolved sends the row to
quarantine with a reason a person can act on ("code commune inconnu : 26999"). Non-blocking remarks
(a domaine that disagrees with the thématique, a canton that is not the commune's) are kept in
`avertissement` on the mission.

How: the rows are a DuckDB view `fields`; the distinct values of each coded field are resolved once
(resolve.py), and one query joins them back and writes the reasons (clean.sql). So a ten-million-row
load costs a few joins, not ten million Python calls. `clean_rows` runs the same on a Polars frame (the
quarantine replay, `bilan reprocess`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

import duckdb
import polars as pl

from pipeline.clean import resolve
from pipeline.ingest.headers import FIELDS
from pipeline.ref import Ref
from pipeline.text import EXCEL_ERROR_PATTERN, redact_expr, sql_text

CLEAN = Path(__file__).with_name("clean.sql")

_SYNDICAT_WORDS = ("syndicat", " sivu ", " sivom ", " sm ", " si ", " sie ", " sia ")

# The columns of a clean mission, as `cleaned` holds them (the warehouse adds content_hash and provenance).
MISSION_FIELDS = ["id_mission", "id_demande", "date_demande", "annee", "demandeur", "demandeur_type", "code_insee",
                  "code_insee_lu", "commune", "code_canton", "canton", "siren_epci", "epci", "population", "classe",
                  "thematique", "domaine", "prestation", "partenaire", "partenaire_type", "objet", "statut",
                  "avertissement", "ligne"]


def _syndicat_sql() -> str:
    """Whether the demandeur's name reads like a syndicat's ('Syndicat…', or SIVU, SIVOM, SM, SI, SIE,
    SIA as a word). Only a row with a SIREN may be a syndicat: the others are not looked at."""
    words = "|".join(w.strip() for w in _SYNDICAT_WORDS if w.strip() != w)
    loose = "|".join(w for w in _SYNDICAT_WORDS if w.strip() == w)
    pattern = sql_text(f"(?i){loose}|(^| )({words})( |$)")
    return f"CASE WHEN f.siren IS NOT NULL THEN coalesce(regexp_matches(f.demandeur, {pattern}), false) ELSE false END"


# Fields whose Excel error values are found among the distinct values (resolve.excel_error), and the
# resolution table that holds each reason; the others are tested row by row.
_ERRORS_RESOLVED = {"date_demande": "d", "demandeur_type": "g", "code_insee": "g", "siren": "g", "canton": "g",
                    "thematique": "t", "domaine": "dom", "prestation": "p", "partenaire": "pa"}


def _excel_errors_sql() -> str:
    """One reason per field holding an Excel error value (#N/A, #VALEUR!, Err:502…), in the order of
    the fields. Row by row for ids and free text (the cheap test first: only a value with '#' or ':'
    goes through the regular expression); from the resolution tables for the others."""
    parts = []
    for c in (*FIELDS, "debordement"):
        if c in _ERRORS_RESOLVED:
            parts.append(f"err_{c}")
            continue
        parts.append(f"CASE WHEN (contains({c}, '#') OR contains({c}, ':')) AND regexp_matches({c}, "
                     f"{sql_text(EXCEL_ERROR_PATTERN)}) THEN 'valeur d''erreur Excel « ' || {c} || ' » ({c})' END")
    return ",\n               ".join(parts)


def _put(con: duckdb.DuckDBPyConnection, name: str, frame: pl.DataFrame) -> None:
    """A small resolution table, copied into the connection's temporary schema."""
    con.register("_resolved", frame)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM _resolved")  # noqa: S608 (names of ours)
    con.unregister("_resolved")


RESOLVED = ("r_date", "r_geo", "r_thematique", "r_prestation", "r_partenaire", "r_domaine")


def _as_read(keys: pl.DataFrame, columns: list[str], resolver: Callable[[pl.DataFrame], pl.DataFrame],
             required: bool = True, text: bool = True) -> pl.DataFrame:
    """Resolve distinct values staged as read (headers.RESOLVED_FIELDS): each is trimmed first, as
    every other cell was when staged, and `resolver` sees the trimmed value under the field's name.
    The result is keyed by the value as read (what clean.sql joins on) and keeps the trimmed one as
    `<field>_texte` (unless `text` is False). `required`: a value that trims to nothing is left out — no
    row joins it, so the field is missing (clean.sql)."""
    raw = {c: f"{c}__lu" for c in columns}
    frame = keys.with_columns(pl.col(c).alias(r) for c, r in raw.items()).with_columns(
        pl.col(c).str.strip_chars().replace("", None) for c in columns)
    if required:
        frame = frame.filter(pl.all_horizontal(pl.col(c).is_not_null() for c in columns))
    out = resolver(frame)
    if text:
        out = out.with_columns(pl.col(c).alias(f"{c}_texte") for c in columns)
    return out.with_columns(pl.col(r).alias(c) for c, r in raw.items()).drop(list(raw.values()))


def resolve_fields(con: duckdb.DuckDBPyConnection, ref: Ref) -> None:
    """The resolution tables (RESOLVED) of the distinct values of view `fields` (see resolve.py)."""
    q = con.sql
    _put(con, "r_date", _as_read(q("SELECT DISTINCT date_demande FROM fields WHERE date_demande IS NOT NULL").pl(),
                                 ["date_demande"], resolve.dates))
    # Every other key in one scan: the geography's, and each label's with the year.
    geo = "annee, code_insee, siren, canton, demandeur_type, syndicat"
    keys = q(f"""SELECT grouping({geo}) AS g, grouping(thematique) AS t, grouping(prestation) AS p,
                        grouping(partenaire) AS pa, grouping(domaine) AS dom, {geo},
                        thematique, prestation, partenaire, domaine
                 FROM (SELECT f.*, d.annee, {_syndicat_sql()} AS syndicat
                       FROM fields f LEFT JOIN r_date d ON d.date_demande = f.date_demande)
                 GROUP BY GROUPING SETS (({geo}), (thematique, annee), (prestation, annee),
                                         (partenaire, annee), (domaine))""").pl()  # noqa: S608 (names of ours)
    geo_keys = ["code_insee", "siren", "canton", "demandeur_type"]
    _put(con, "r_geo", _as_read(keys.filter(pl.col("g") == 0).select(*geo.split(", ")), geo_keys,
                                lambda k: resolve.geography(k, ref), required=False, text=False))
    for champ, flag in (("thematique", "t"), ("prestation", "p"), ("partenaire", "pa")):
        these = keys.filter((pl.col(flag) == 0) & (pl.col("g") != 0) & pl.col(champ).is_not_null())
        _put(con, f"r_{champ}", _as_read(these.select(champ, "annee"), [champ],
                                         partial(resolve.year_labels, champ=champ, ref=ref)))
    these = keys.filter((pl.col("dom") == 0) & (pl.col("g") != 0) & pl.col("domaine").is_not_null())
    _put(con, "r_domaine", _as_read(these.select("domaine"), ["domaine"],
                                    lambda k: resolve.labels(k, "domaine", "domaine", ref, "domaine_lu")))


def clean_query(rows: str) -> str:
    """The query that cleans the rows of view `rows` (a name of ours) against the resolution tables."""
    return (CLEAN.read_text(encoding="utf-8").replace("{rows}", rows).replace("{syndicat}", _syndicat_sql())
            .replace("{excel_errors}", _excel_errors_sql()))


def drop_resolved(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the resolution tables (at the end of a sheet's load)."""
    for name in RESOLVED:
        con.execute(f"DROP TABLE IF EXISTS {name}")


def clean_fields(con: duckdb.DuckDBPyConnection, ref: Ref) -> tuple[int, int]:
    """Clean the rows of view `fields` into temp table `cleaned`; (missions, quarantined) counts."""
    resolve_fields(con, ref)
    con.execute(f"CREATE OR REPLACE TEMP TABLE cleaned AS {clean_query('fields')}")
    drop_resolved(con)
    ok, bad = con.execute("SELECT count(*) FILTER (WHERE raison IS NULL), count(*) FILTER (WHERE raison IS NOT NULL) "
                          "FROM cleaned").fetchall()[0]
    return int(ok), int(bad)


def finish_quarantine(rows: pl.DataFrame) -> pl.DataFrame:
    """Quarantined rows (ligne, id_mission, annee, raison, valeurs) ready to store: the row as read as
    JSON, and no personal data — a reason quotes the value it could not resolve, and the row as read
    may hold an address in a coded column."""
    if isinstance(rows.schema["valeurs"], pl.Struct):
        rows = rows.with_columns(pl.col("valeurs").struct.json_encode())
    return rows.with_columns(redact_expr("raison"), redact_expr("valeurs"))


def clean_rows(rows: pl.DataFrame, ref: Ref) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(missions, quarantine) from a table of text columns (see pipeline.ingest.headers.FIELDS), with
    `ligne` and `valeurs` (the row as read); the same rules as a load, in a connection of its own."""
    rows = rows.with_row_index("_i")
    extra = ["debordement"] if "debordement" in rows.columns else []
    con = duckdb.connect(config={"threads": 1})
    try:
        con.register("rows_in", rows.select("_i", *FIELDS, *extra))
        con.execute("CREATE TEMP VIEW fields AS SELECT _i::BIGINT AS ligne, " + ", ".join(FIELDS) + ", "  # noqa: S608 (names of ours)
                    + (extra[0] if extra else "NULL::VARCHAR AS debordement") + " FROM rows_in")
        clean_fields(con, ref)
        missions = con.sql("SELECT " + ", ".join(MISSION_FIELDS) + " FROM cleaned WHERE raison IS NULL "  # noqa: S608 (names of ours)
                           "ORDER BY ligne").pl()
        bad = con.sql("SELECT ligne, id_mission, annee_lue AS annee, raison FROM cleaned WHERE raison IS NOT NULL "
                      "ORDER BY ligne").pl()
    finally:
        con.close()
    lines = rows.select(pl.col("_i").cast(pl.Int64), pl.col("ligne").alias("ligne_lue"), "valeurs")
    missions = (missions.join(lines.select("_i", "ligne_lue"), left_on="ligne", right_on="_i", how="left")
                .with_columns(pl.col("ligne_lue").alias("ligne")).drop("ligne_lue"))
    quarantine = (bad.join(lines, left_on="ligne", right_on="_i", how="left")
                  .select(pl.col("ligne_lue").alias("ligne"), "id_mission", "annee", "raison", "valeurs"))
    return missions, finish_quarantine(quarantine)
