"""The housing warehouse (DuckDB): every version of every line as loaded, and the current state.

Why versions and not updates: an export is the state at its extraction date, and files may be loaded
in any order. Keeping every version and choosing, per key, the one of the latest extraction (then the
latest load) makes the result independent of the load order, and a reload of the same file a no-op.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import duckdb
import polars as pl

from pipeline import config
from pipeline.habitat import clean

DEFAULT_DB = config.DATA_DIR / "habitat.duckdb"   # the user's data: relative to the working directory
TEXT_FIELDS = ("id_dossier", "code_action", "volet", "statut", "dispositif", "code_insee", "siren_epci", "canton",
               "id_operation", "beneficiaire_type", "beneficiaire", "siren_beneficiaire", "financement", "nature",
               "gestion", "loyer", "categorie", "dpe_avant", "dpe_apres", "label_mda", "type_etude", "ref_anah",
               *clean.YES_NO, "fichier")
DATE_COLS = (*(f for f in clean.DATE_FIELDS if f != "date_paiement"), "date_extraction")
NUM_COLS = (*(f for f in clean.MONEY_FIELDS + clean.NUMBER_FIELDS if f != "montant"), "fiche", "ligne")
LINE_SCHEMA = {**dict.fromkeys(TEXT_FIELDS, pl.Utf8), **dict.fromkeys(DATE_COLS, pl.Date),
               **dict.fromkeys(NUM_COLS, pl.Float64)}
PAY_SCHEMA = {"id_dossier": pl.Utf8, "code_action": pl.Utf8, "date_paiement": pl.Date, "montant": pl.Float64,
              "nature_paiement": pl.Utf8, "n_mandat": pl.Utf8, "fichier": pl.Utf8, "ligne": pl.Float64,
              "date_extraction": pl.Date}

DDL = """
CREATE TABLE IF NOT EXISTS hab_fichiers (seq INTEGER, fichier VARCHAR, feuille VARCHAR, sha256 VARCHAR, type VARCHAR,
  date_extraction DATE, lignes_lues INTEGER, acceptees INTEGER, quarantaine INTEGER, doublons INTEGER,
  conflits INTEGER, refuse VARCHAR, euros_lus DOUBLE, euros_acceptes DOUBLE, euros_quarantaine DOUBLE,
  donnees_personnelles_retirees VARCHAR, charge_le TIMESTAMP);
CREATE TABLE IF NOT EXISTS hab_quarantine (seq INTEGER, fichier VARCHAR, feuille VARCHAR, ligne INTEGER,
  id_dossier VARCHAR, raison VARCHAR, montant_lu DOUBLE, valeurs VARCHAR);
"""


def connect(db: Path | None = None) -> duckdb.DuckDBPyConnection:
    path = Path(db or DEFAULT_DB)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    con.execute(DDL)
    cols = ", ".join(f"{c} {_sql(t)}" for c, t in LINE_SCHEMA.items())
    con.execute(f"CREATE TABLE IF NOT EXISTS hab_versions (seq INTEGER, contenu VARCHAR, {cols})")
    pcols = ", ".join(f"{c} {_sql(t)}" for c, t in PAY_SCHEMA.items())
    con.execute(f"CREATE TABLE IF NOT EXISTS hab_paiement_versions (seq INTEGER, cle VARCHAR, {pcols})")
    con.execute("""CREATE OR REPLACE VIEW hab_lignes AS SELECT * EXCLUDE (rn) FROM (
        SELECT *, row_number() OVER (PARTITION BY id_dossier, code_action ORDER BY date_extraction DESC, seq DESC) rn
        FROM hab_versions) WHERE rn = 1""")
    con.execute("""CREATE OR REPLACE VIEW hab_paiements AS SELECT * EXCLUDE (rn) FROM (
        SELECT *, row_number() OVER (PARTITION BY cle ORDER BY date_extraction DESC, seq DESC) rn
        FROM hab_paiement_versions) WHERE rn = 1""")
    return con


def _sql(t) -> str:
    return {pl.Utf8: "VARCHAR", pl.Date: "DATE", pl.Float64: "DOUBLE"}[t]


def _content(line: dict) -> str:
    body = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in sorted(line.items())
            if k not in ("fichier", "ligne", "date_extraction") and v is not None}
    return hashlib.sha256(json.dumps(body, ensure_ascii=False, default=str).encode()).hexdigest()[:16]


def _pay_key(p: dict) -> str:
    return "|".join(str(p.get(k) or "") for k in ("id_dossier", "code_action", "n_mandat")) + (
        "" if p.get("n_mandat") else f"|{p['date_paiement']}|{p['montant']}")


def store(con: duckdb.DuckDBPyConnection, res) -> int:
    """Append one sheet's result; returns its conflicts (keys whose content differs from another extraction)."""
    seq = con.execute("SELECT coalesce(max(seq), 0) + 1 FROM hab_fichiers").fetchall()[0][0]
    conflits = 0
    if res.kind == "dossiers" and res.lines:
        rows = [{c: line.get(c) for c in LINE_SCHEMA} for line in res.lines]
        df = pl.DataFrame(rows, schema=LINE_SCHEMA).with_columns(
            pl.Series("contenu", [_content(line) for line in res.lines]), pl.lit(seq).alias("seq"))
        con.register("new_lines", df)
        conflits = con.execute("""SELECT count(*) FROM new_lines n JOIN hab_lignes c USING (id_dossier, code_action)
            WHERE c.contenu <> n.contenu AND c.date_extraction <> n.date_extraction""").fetchall()[0][0]
        con.execute("INSERT INTO hab_versions BY NAME SELECT * FROM new_lines")
        con.unregister("new_lines")
    elif res.kind == "paiements" and res.lines:
        df = pl.DataFrame([{c: p.get(c) for c in PAY_SCHEMA} for p in res.lines], schema=PAY_SCHEMA).with_columns(
            pl.Series("cle", [_pay_key(p) for p in res.lines]), pl.lit(seq).alias("seq"))
        con.register("new_pay", df)
        con.execute("INSERT INTO hab_paiement_versions BY NAME SELECT * FROM new_pay")
        con.unregister("new_pay")
    if res.quarantine:
        q = pl.DataFrame(res.quarantine, schema={"fichier": pl.Utf8, "feuille": pl.Utf8, "ligne": pl.Int64,
                                                 "id_dossier": pl.Utf8, "raison": pl.Utf8, "montant_lu": pl.Float64,
                                                 "valeurs": pl.Utf8}).with_columns(pl.lit(seq).alias("seq"))
        con.register("new_q", q)
        con.execute("INSERT INTO hab_quarantine BY NAME SELECT * FROM new_q")
        con.unregister("new_q")
    con.execute("INSERT INTO hab_fichiers VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now())",
                [seq, res.fichier, res.feuille, res.sha256, res.kind, res.date_extraction, res.lignes_lues,
                 res.acceptees, len(res.quarantine), res.doublons, conflits, res.refuse, round(res.euros_lus, 2),
                 round(res.euros_acceptes, 2), round(res.euros_quarantaine, 2), "; ".join(res.personal_dropped)])
    return conflits


def already_loaded(con: duckdb.DuckDBPyConnection, sha: str) -> bool:
    return bool(sha) and con.execute("SELECT count(*) FROM hab_fichiers WHERE sha256 = ? AND refuse IS NULL",
                                     [sha]).fetchall()[0][0] > 0


def lines(con: duckdb.DuckDBPyConnection) -> list[dict]:
    return con.sql("SELECT * EXCLUDE (seq, contenu) FROM hab_lignes ORDER BY id_dossier, code_action").pl().to_dicts()


def payments(con: duckdb.DuckDBPyConnection) -> list[dict]:
    return con.sql("SELECT * EXCLUDE (seq, cle) FROM hab_paiements ORDER BY id_dossier, date_paiement").pl().to_dicts()


def files(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return con.sql("SELECT * EXCLUDE (seq) FROM hab_fichiers ORDER BY seq").pl()


def quarantine(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return con.sql("SELECT * EXCLUDE (seq) FROM hab_quarantine ORDER BY seq, ligne").pl()
