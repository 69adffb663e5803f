"""Writing a sheet's rows into the warehouse, with duplicates and conflicts counted.

Rules (docs/spec/export-format.md): the same mission loaded twice with the same content is counted once (a
duplicate); the same id with other content replaces the earlier version (the most recent load wins)
and is recorded as a conflict. Every sheet reconciles: rows read = accepted + quarantined + duplicates.
A sheet is written in one transaction, so a failure leaves nothing half-loaded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from pipeline import config
from pipeline.text import redact, sql_text

SCHEMA = Path(__file__).with_name("schema.sql")
MERGE = Path(__file__).with_name("merge.sql")

# The content that makes two versions of a mission "the same" (provenance columns excluded).
CONTENT_COLUMNS = ["id_demande", "date_demande", "demandeur", "demandeur_type", "code_insee", "code_canton",
                   "siren_epci", "thematique", "prestation", "partenaire", "objet", "statut"]


@dataclass
class LoadCounts:
    fichier: str
    feuille: str | None
    lignes_lues: int = 0
    acceptees: int = 0
    quarantaine: int = 0
    doublons: int = 0
    conflits: int = 0
    refuse: str | None = None
    deja_charge: bool = False
    ignore: str | None = None        # a workbook sheet not loaded by rule (hidden sheet…), and why


def connect(path: Path | str | None = None, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (and create if needed) the warehouse file with its schema.

    DuckDB gets a memory limit and a temporary folder ("<warehouse>.tmp"): past the limit it spills
    to disk instead of growing (config.DUCKDB_MEMORY_LIMIT)."""
    path = Path(path or config.WAREHOUSE)
    settings: dict[str, str | bool | int | float | list[str]] = {"memory_limit": config.DUCKDB_MEMORY_LIMIT, "temp_directory": f"{path}.tmp",
                "threads": config.DUCKDB_THREADS}
    if read_only:
        return duckdb.connect(str(path), read_only=True, config=settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path), config=settings)
    con.execute("SET enable_progress_bar = false")
    con.execute(SCHEMA.read_text(encoding="utf-8"))
    # a warehouse made before content_hash stopped being written has it NOT NULL
    if con.execute("SELECT is_nullable = 'NO' FROM information_schema.columns "
                   "WHERE table_name = 'missions' AND column_name = 'content_hash'").fetchall() == [(True,)]:
        con.execute("ALTER TABLE missions ALTER COLUMN content_hash DROP NOT NULL")
    from pipeline.ingest.stage import register_redact

    register_redact(con)
    return con


def seen_hash(con: duckdb.DuckDBPyConnection, sha256: str) -> tuple[str, str | None] | None:
    """(when, refusal) if a file with these exact bytes was looked at before: reloading it changes nothing."""
    rows = con.execute("SELECT charge_le, refuse FROM load_log WHERE sha256 = ? ORDER BY load_id", [sha256]).fetchall()
    if not rows:
        return None
    refusals = [r[1] for r in rows if r[1]]
    return rows[0][0].strftime("%d/%m/%Y %H:%M"), ("; ".join(refusals) if len(refusals) == len(rows) else None)


def _new_load(con, fichier, chemin, feuille, sha256, fmt, refuse=None) -> int:
    # a file or sheet may be named after a person ("export jean.dupont@mairie.fr.csv"): the names
    # reach the data-quality page, so they are redacted like any free text
    fichier, chemin, feuille = redact(fichier), redact(chemin), redact(feuille)
    load_id = con.execute("SELECT nextval('load_seq')").fetchall()[0][0]
    con.execute(
        "INSERT INTO load_log (load_id, fichier, chemin, feuille, sha256, charge_le, format, refuse) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [load_id, fichier, chemin, feuille, sha256, dt.datetime.now().replace(microsecond=0), fmt, refuse])
    return load_id


def log_refused(con, fichier: str, chemin: str, feuille: str | None, sha256: str, fmt: str | None,
                reason: str) -> LoadCounts:
    _new_load(con, fichier, chemin, feuille, sha256, fmt, refuse=reason)
    return LoadCounts(fichier, feuille, refuse=reason)


MISSION_COLUMNS = ["id_mission", "id_demande", "date_demande", "annee", "demandeur", "demandeur_type", "code_insee",
                   "code_insee_lu", "commune", "code_canton", "canton", "siren_epci", "epci", "population", "classe",
                   "thematique", "domaine", "prestation", "partenaire", "partenaire_type", "objet", "statut",
                   "avertissement", "load_id", "fichier", "feuille", "ligne"]


class SheetLoad:
    """One sheet loaded inside the caller's transaction (one per file: a failure leaves nothing
    half-loaded). From the staging of pipeline/ingest (the ingest):

        load = SheetLoad(con, ...); load.insert_new(query, columns)   # the bulk, straight into missions
        load.rest_view(...); load.add_quarantine(...) ...; load.add_cleaned(columns)   # the few others
        counts = load.finish(lignes_lues)

    or from Polars frames already in memory: `load.add(missions, quarantine)` (store_sheet).

    Nothing of an accepted row is kept but the mission itself (its provenance is missions.fichier,
    feuille, ligne); the row as read is kept for quarantined rows only.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, *, fichier: str, chemin: str, feuille: str | None,
                 sha256: str, fmt: str):
        self.con, self.fichier, self.feuille = con, redact(fichier) or fichier, redact(feuille)
        self.load_id = _new_load(con, fichier, chemin, feuille, sha256, fmt)
        self.rows = self.quarantaine = self.doublons = self.conflits = 0

    def add(self, missions: pl.DataFrame, quarantine: pl.DataFrame) -> None:
        """Clean missions and quarantined rows held as Polars frames (a sheet already in memory)."""
        self.add_quarantine(quarantine)
        if missions.height:
            m = missions.with_columns(pl.lit(self.load_id).alias("load_id"), pl.lit(self.fichier).alias("fichier"),
                                      pl.lit(self.feuille, dtype=pl.Utf8).alias("feuille"))
            self.con.register("incoming", m)
            self._merge()
            self.con.unregister("incoming")
        self.rows += missions.height

    def add_quarantine(self, quarantine: pl.DataFrame) -> None:
        """Quarantined rows (ligne, id_mission, annee, raison, valeurs as JSON, already redacted)."""
        if not quarantine.height:
            return
        lit = pl.lit
        q = quarantine.select(lit(self.load_id).alias("load_id"), lit(self.fichier).alias("fichier"),
                              lit(self.feuille, dtype=pl.Utf8).alias("feuille"), "ligne", "id_mission",
                              pl.col("annee").cast(pl.Int32), "raison", "valeurs")
        self.con.register("quarantine_in", q)
        self.con.execute("INSERT INTO quarantine SELECT * FROM quarantine_in")
        self.con.unregister("quarantine_in")
        self.rows += quarantine.height
        self.quarantaine += quarantine.height

    def insert_new(self, query: str, columns: list[str]) -> None:
        """The bulk of a sheet, straight from the cleaning query into `missions`: its accepted rows
        whose id is neither repeated in the sheet nor already in the warehouse (so no verdict is
        needed). Whatever else the sheet holds is left for `add_cleaned` and the quarantine."""
        con = self.con
        con.execute(TOUCHED)
        # every name here is ours (a column list, our SQL); fichier and feuille are quoted literals
        n = con.execute(f"INSERT INTO missions BY NAME SELECT {', '.join(columns)}, "  # noqa: S608
                        f"{self._provenance()} FROM ({query}) c WHERE c.raison IS NULL AND c.id_mission NOT IN (SELECT id_mission FROM touched_ids)"
                        ).fetchall()
        self.rows += int(n[0][0]) if n else 0
        con.execute("DROP TABLE touched_ids")

    def rest_view(self, source: str, name: str) -> None:
        """View `name`: the rows of `source` that `insert_new` did not take."""
        con = self.con
        con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS SELECT * FROM {source} "  # noqa: S608
                    f"ANTI JOIN (SELECT ligne FROM missions WHERE load_id = {int(self.load_id)}) USING (ligne)")

    def add_cleaned(self, columns: list[str]) -> None:
        """The accepted rows of the temporary table `cleaned` (pipeline.clean), merged in one go."""
        self.con.execute(f"CREATE OR REPLACE TEMP VIEW incoming AS SELECT {', '.join(columns)}, {self._provenance()} "  # noqa: S608
                         "FROM cleaned WHERE raison IS NULL")
        self.rows += self.con.execute("SELECT count(*) FROM incoming").fetchall()[0][0]
        self._merge()
        self.con.execute("DROP VIEW incoming")

    def _provenance(self) -> str:
        """This sheet's load_id, fichier and feuille as SQL columns (the names quoted as literals)."""
        feuille = "NULL::VARCHAR" if self.feuille is None else sql_text(self.feuille)
        return f"{int(self.load_id)} AS load_id, {sql_text(self.fichier)} AS fichier, {feuille} AS feuille"

    def _merge(self) -> None:
        _merge(self.con)
        dup, conf = self.con.execute(
            "SELECT count(*) FILTER (WHERE verdict = 'duplicate'), count(*) FILTER (WHERE verdict = 'conflict') "
            "FROM merge_touched").fetchall()[0]
        self.con.execute("DROP TABLE merge_touched")
        self.doublons += dup
        self.conflits += conf

    def finish(self, lignes_lues: int | None = None) -> LoadCounts:
        """Record the counts. `lignes_lues`: the records of the sheet by the file's own count; when it
        differs from the rows cleaned, the load fails (nothing may vanish)."""
        if lignes_lues is not None and lignes_lues != self.rows:
            raise RuntimeError(f"{lignes_lues} lignes dans le fichier, {self.rows} lues")
        c = LoadCounts(self.fichier, self.feuille, lignes_lues=self.rows, quarantaine=self.quarantaine,
                       doublons=self.doublons, conflits=self.conflits)
        c.acceptees = c.lignes_lues - c.quarantaine - c.doublons
        self.con.execute(
            "UPDATE load_log SET lignes_lues = ?, acceptees = ?, quarantaine = ?, doublons = ?, conflits = ? "
            "WHERE load_id = ?", [c.lignes_lues, c.acceptees, c.quarantaine, c.doublons, c.conflits, self.load_id])
        return c


def store_sheet(con: duckdb.DuckDBPyConnection, *, fichier: str, chemin: str, feuille: str | None,
                sha256: str, fmt: str, rows: pl.DataFrame, missions: pl.DataFrame,
                quarantine: pl.DataFrame) -> LoadCounts:
    """Write one sheet already in memory (missions and quarantine of all its rows), in one transaction."""
    con.execute("BEGIN TRANSACTION")
    try:
        load = SheetLoad(con, fichier=fichier, chemin=chemin, feuille=feuille, sha256=sha256, fmt=fmt)
        load.add(missions, quarantine)
        counts = load.finish(rows.height)
    except Exception:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")
    return counts


# The ids of a sheet that need a verdict (duplicate, conflict): repeated in the sheet, or already in the
# warehouse. In a first load, none; an id-less row is quarantined anyway.
TOUCHED = """
CREATE OR REPLACE TEMP TABLE touched_ids AS
SELECT id_mission FROM fields WHERE id_mission IS NOT NULL GROUP BY id_mission HAVING count(*) > 1
UNION
SELECT DISTINCT id_mission FROM fields SEMI JOIN missions USING (id_mission)
"""


def content_sql(alias: str = "") -> str:
    """The content hash of a mission, from its CONTENT_COLUMNS (of table `alias` when given). It is
    computed where two versions of an id meet — a few rows — and not stored with every mission:
    hashing every row of a million-row load cost half a second of its insert."""
    p = f"{alias}." if alias else ""
    return "md5(concat_ws(chr(31), " + ", ".join(f"coalesce(CAST({p}{c} AS VARCHAR), '')" for c in CONTENT_COLUMNS) + "))"


def _merge(con: duckdb.DuckDBPyConnection) -> None:
    """Run merge.sql: verdicts for the touched ids, conflicts recorded, winners and new rows inserted."""
    sql = (MERGE.read_text(encoding="utf-8").replace("{content_hash}", content_sql())
           .replace("{stored_hash}", content_sql("m"))
           .replace("{mission_columns}", ", ".join(MISSION_COLUMNS)))
    # statements end with ';' at the end of a line (comments never hold one)
    touched, *on_touched, insert_new = [s for s in sql.split(";\n") if s.strip()]
    con.execute(touched)
    # In a first load no id was met before: the conflict and replacement statements (each a scan of
    # the whole missions table) are skipped.
    if con.execute("SELECT count(*) FROM merge_touched").fetchall()[0][0]:
        for statement in on_touched:
            con.execute(statement)
    con.execute(insert_new)
