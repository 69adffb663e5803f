"""`bilan reprocess`: replay the quarantine against the current reference data, without the files.

Every quarantined row is stored as read (`quarantine.valeurs`, personal data already removed), so it
can be cleaned again by the very function a load uses (pipeline.clean.missions.clean_rows) once an
alias was added or the taxonomy changed. Rows that now resolve move to `missions` under the load-time
rules; the others stay, with their up-to-date reason. Per sheet, in load order:

- a moved row is merged as it would have been at load time: against the warehouse's version of the
  same id when that version came from an earlier load (or an earlier line of the same sheet) —
  duplicate or conflict, the replayed row wins — and *losing* to a version loaded after it (a later
  load or a later line of the same sheet): a duplicate when identical, else a conflict recorded with
  the later version as the winner;
- the sheet's `load_log` counts are updated, so rows read = accepted + quarantined + duplicates still
  holds per file, and `replay_log` records what each replay moved (`bilan validate` prints it).

Decision (issue 9): a build never replays by itself — building a report only reads the warehouse, and
a replay changes data, so it stays an explicit, logged act. `bilan build` instead says when the
quarantine is stale (rows that would now resolve) and that `bilan reprocess` would move them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from pipeline.clean.missions import clean_rows
from pipeline.ingest.headers import FIELDS, map_header
from pipeline.ref import Ref, load_ref
from pipeline.warehouse.store import _merge, connect, content_sql

STALE_CHECK_MAX = 100_000   # quarantined rows re-read by a build's staleness check, at most

REPLAY_LOG = """
CREATE TABLE IF NOT EXISTS replay_log (
    replay_id   INTEGER NOT NULL,
    rejoue_le   TIMESTAMP NOT NULL,
    load_id     INTEGER NOT NULL,      -- the sheet's load whose quarantine was replayed
    fichier     VARCHAR NOT NULL,
    feuille     VARCHAR,
    examinees   INTEGER NOT NULL,      -- quarantined rows looked at
    acceptees   INTEGER NOT NULL,      -- moved to missions (conflicts included)
    doublons    INTEGER NOT NULL,      -- moved, but identical to a version already there
    conflits    INTEGER NOT NULL,
    quarantaine INTEGER NOT NULL       -- still quarantined
)
"""


@dataclass
class ReplayCounts:
    load_id: int
    fichier: str
    feuille: str | None
    examinees: int = 0
    acceptees: int = 0
    doublons: int = 0
    conflits: int = 0
    quarantaine: int = 0


def quarantined_sheets(con: duckdb.DuckDBPyConnection, ref: Ref) -> Iterator[tuple[int, str, str | None, pl.DataFrame]]:
    """(load_id, fichier, feuille, table) for each sheet with quarantined rows: the rows as read under
    the canonical field names (the header mapped again with the current aliases), like a fresh load."""
    q = con.sql("SELECT load_id, fichier, feuille, ligne, valeurs FROM quarantine ORDER BY load_id, ligne").pl()
    for part in q.partition_by("load_id", maintain_order=True):
        records = [json.loads(v) for v in part["valeurs"]]
        headers = list(dict.fromkeys(h for r in records for h in r))
        mapping = {field: headers[i] for i, field in map_header(headers, ref).items()}

        frame = pl.DataFrame({"ligne": part["ligne"].cast(pl.Int64),
                              **{f: pl.Series(f, _column(records, mapping.get(f)), dtype=pl.Utf8) for f in FIELDS},
                              "valeurs": part["valeurs"].cast(pl.Utf8)})
        first = part.row(0, named=True)
        yield int(first["load_id"]), first["fichier"], first["feuille"], frame


def _column(records: list[dict], header: str | None) -> list[str | None]:
    """One field's values as text (a stored number or boolean is read as its text)."""
    return [None if header is None or r.get(header) is None else str(r[header]) for r in records]


def stale_rows(db: Path | str | None = None, ref: Ref | None = None, con: duckdb.DuckDBPyConnection | None = None) -> int:
    """How many quarantined rows would now resolve (nothing is written)."""
    ref = ref or load_ref()
    own = con is None
    con = con or duckdb.connect(str(db), read_only=True)
    try:
        if not _has_table(con, "quarantine"):
            return 0
        if con.execute("SELECT count(*) FROM quarantine").fetchall()[0][0] > STALE_CHECK_MAX:
            return 0   # a huge quarantine is not re-read at every build; `bilan labels` lists it
        return sum(clean_rows(frame, ref)[0].height for *_, frame in quarantined_sheets(con, ref))
    finally:
        if own:
            con.close()


def reprocess(db: Path | str | None = None, ref: Ref | None = None) -> list[ReplayCounts]:
    """Replay every quarantined row; one ReplayCounts per sheet that had quarantined rows."""
    ref = ref or load_ref()
    con = connect(db)
    try:
        con.execute(REPLAY_LOG)
        replay_id = con.execute("SELECT coalesce(max(replay_id), 0) + 1 FROM replay_log").fetchall()[0][0]
        now = dt.datetime.now().replace(microsecond=0)
        out = []
        for load_id, fichier, feuille, frame in list(quarantined_sheets(con, ref)):
            out.append(_replay_sheet(con, ref, replay_id, now, load_id, fichier, feuille, frame))
        return out
    finally:
        con.close()


def _replay_sheet(con, ref: Ref, replay_id: int, now: dt.datetime, load_id: int, fichier: str,
                  feuille: str | None, frame: pl.DataFrame) -> ReplayCounts:
    missions, quarantine = clean_rows(frame, ref)
    c = ReplayCounts(load_id, fichier, feuille, examinees=frame.height, quarantaine=quarantine.height)
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM quarantine WHERE load_id = ?", [load_id])
        q = quarantine.select(pl.lit(load_id).alias("load_id"), pl.lit(fichier).alias("fichier"),
                              pl.lit(feuille, dtype=pl.Utf8).alias("feuille"), "ligne", "id_mission",
                              pl.col("annee").cast(pl.Int32), "raison", "valeurs")
        con.register("replay_q", q)
        con.execute("INSERT INTO quarantine SELECT * FROM replay_q")
        con.unregister("replay_q")
        if missions.height:
            _merge_moved(con, c, missions.with_columns(pl.lit(load_id).alias("load_id"), pl.lit(fichier).alias("fichier"),
                                                       pl.lit(feuille, dtype=pl.Utf8).alias("feuille")))
        moved = c.examinees - c.quarantaine
        c.acceptees = moved - c.doublons
        con.execute("UPDATE load_log SET acceptees = acceptees + ?, quarantaine = quarantaine - ?, "
                    "doublons = doublons + ?, conflits = conflits + ? WHERE load_id = ?",
                    [c.acceptees, moved, c.doublons, c.conflits, load_id])
        con.execute("INSERT INTO replay_log VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [replay_id, now, load_id, fichier, feuille, c.examinees, c.acceptees, c.doublons,
                     c.conflits, c.quarantaine])
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return c


def _merge_moved(con, c: ReplayCounts, moved: pl.DataFrame) -> None:
    """Merge the rows that now resolve, as a load would have (see the module's docstring)."""
    con.register("replay_in", moved)
    # content_sql() is built from the fixed column list of pipeline.warehouse.store, never from data
    con.execute(f"CREATE OR REPLACE TEMP TABLE replay_hashed AS SELECT *, {content_sql()} AS h FROM replay_in")  # noqa: S608
    con.unregister("replay_in")
    # A version loaded after the replayed row wins over it.
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE replay_later AS
        SELECT r.id_mission, r.fichier, r.ligne, r.h, r.annee, m.fichier AS m_fichier, m.ligne AS m_ligne,
               {content_sql("m")} AS m_hash, m.load_id AS m_load
        FROM replay_hashed r JOIN missions m USING (id_mission)
        WHERE m.load_id > r.load_id OR (m.load_id = r.load_id AND m.ligne > r.ligne)""")  # noqa: S608 (our columns)
    dup, conf = con.execute("SELECT count(*) FILTER (WHERE h = m_hash), count(*) FILTER (WHERE h <> m_hash) "
                            "FROM replay_later").fetchall()[0]
    con.execute("INSERT INTO conflicts SELECT id_mission, fichier, ligne, h, m_fichier, m_ligne, m_hash, m_load, annee "
                "FROM replay_later WHERE h <> m_hash")
    con.execute("CREATE OR REPLACE TEMP VIEW incoming AS SELECT * EXCLUDE (h) FROM replay_hashed "
                "WHERE id_mission NOT IN (SELECT id_mission FROM replay_later)")
    _merge(con)
    # merge.sql gives a verdict to the rows whose id it met before (merge_touched); the others are new
    d2, c2 = con.execute("SELECT count(*) FILTER (WHERE verdict = 'duplicate'), "
                         "count(*) FILTER (WHERE verdict = 'conflict') FROM merge_touched").fetchall()[0]
    con.execute("DROP TABLE merge_touched")
    c.doublons += dup + d2
    c.conflits += conf + c2
    con.execute("DROP VIEW incoming")


def _has_table(con, name: str) -> bool:
    return bool(con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]).fetchall()[0][0])


def replays(con) -> pl.DataFrame:
    """The replay log (empty when no replay was run)."""
    if not _has_table(con, "replay_log"):
        return pl.DataFrame(schema={"replay_id": pl.Int32, "rejoue_le": pl.Datetime, "fichier": pl.Utf8,
                                    "feuille": pl.Utf8, "examinees": pl.Int32, "acceptees": pl.Int32,
                                    "doublons": pl.Int32, "conflits": pl.Int32, "quarantaine": pl.Int32})
    return con.sql("SELECT replay_id, rejoue_le, fichier, feuille, examinees, acceptees, doublons, conflits, "
                       "quarantaine FROM replay_log ORDER BY replay_id, load_id").pl()
