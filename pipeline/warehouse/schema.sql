-- The warehouse: one DuckDB file. Layers, as in dbt's jaffle-shop:
--   load_log      one row per file (or sheet) a load looked at, refused or not
--   raw_rows      (no longer written: kept so older warehouses open; accepted rows' provenance is
--                 missions.fichier/feuille/ligne, quarantined rows keep the row as read)
--   quarantine    rows that could not be resolved, with the reason
--   missions      the clean missions: one row per id_mission, the latest load wins
--   conflicts     an id_mission that came back with different content (the newer one replaced the older)
--   ref_*         reference tables copied from data/ref at each load (see pipeline/ref)

CREATE SEQUENCE IF NOT EXISTS load_seq START 1;

CREATE TABLE IF NOT EXISTS load_log (
    load_id        INTEGER PRIMARY KEY,
    fichier        VARCHAR NOT NULL,   -- file name as given (basename)
    chemin         VARCHAR,            -- path as given on the command line
    feuille        VARCHAR,            -- XLSX sheet name; NULL for CSV
    sha256         VARCHAR NOT NULL,   -- hash of the whole file
    charge_le      TIMESTAMP NOT NULL,
    format         VARCHAR,            -- 'csv utf-8 ;' / 'xlsx' ...
    lignes_lues    INTEGER NOT NULL DEFAULT 0,
    acceptees      INTEGER NOT NULL DEFAULT 0,
    quarantaine    INTEGER NOT NULL DEFAULT 0,
    doublons       INTEGER NOT NULL DEFAULT 0,
    conflits       INTEGER NOT NULL DEFAULT 0,
    refuse         VARCHAR,            -- NULL, or why the whole file was refused
    deja_charge    BOOLEAN NOT NULL DEFAULT FALSE  -- same hash loaded before: nothing changed
);

CREATE TABLE IF NOT EXISTS raw_rows (
    load_id   INTEGER NOT NULL,
    fichier   VARCHAR NOT NULL,
    feuille   VARCHAR,
    ligne     INTEGER NOT NULL,        -- 1-based line (CSV: physical line of the record's start; XLSX: row number)
    valeurs   JSON NOT NULL            -- {header as read: value as read}, personal columns removed
);

CREATE TABLE IF NOT EXISTS quarantine (
    load_id    INTEGER NOT NULL,
    fichier    VARCHAR NOT NULL,
    feuille    VARCHAR,
    ligne      INTEGER NOT NULL,
    id_mission VARCHAR,
    annee      INTEGER,                -- year of date_demande when it could be read
    raison     VARCHAR NOT NULL,
    valeurs    JSON NOT NULL
);

CREATE TABLE IF NOT EXISTS missions (
    id_mission      VARCHAR NOT NULL,  -- unique: the merge keeps one version per id (no index: loads stay fast)
    id_demande      VARCHAR NOT NULL,  -- the export's id_demande, or 'M-' || id_mission when absent
    date_demande    DATE NOT NULL,
    annee           INTEGER NOT NULL,
    demandeur       VARCHAR NOT NULL,
    demandeur_type  VARCHAR NOT NULL,  -- commune | epci | syndicat | autre
    code_insee      VARCHAR,           -- current commune (millésime of the year); NULL when not a commune
    code_insee_lu   VARCHAR,           -- the code as read, when it differed (pre-merger code...)
    commune         VARCHAR,
    code_canton     VARCHAR,           -- '2601'..'2619'; NULL when not a commune
    canton          VARCHAR,           -- report label of the canton
    siren_epci      VARCHAR,           -- the commune's EPCI, or the EPCI demandeur itself
    epci            VARCHAR,
    population      INTEGER,
    classe          VARCHAR,           -- size class of the commune
    thematique      VARCHAR NOT NULL,
    domaine         VARCHAR NOT NULL,
    prestation      VARCHAR NOT NULL,
    partenaire      VARCHAR NOT NULL,
    partenaire_type VARCHAR NOT NULL,  -- cd26 | externe
    objet           VARCHAR,
    statut          VARCHAR,
    avertissement   VARCHAR,           -- non-blocking remark (domaine that disagrees with the thématique...)
    content_hash    VARCHAR,           -- no longer written (NULL): two versions of an id are compared on a hash of
                                       -- their content columns when they meet (store.content_sql); kept so older
                                       -- warehouses open
    load_id         INTEGER NOT NULL,
    fichier         VARCHAR NOT NULL,
    feuille         VARCHAR,
    ligne           INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS conflicts (
    id_mission       VARCHAR NOT NULL,
    ancien_fichier   VARCHAR, ancien_ligne INTEGER, ancien_hash VARCHAR,
    nouveau_fichier  VARCHAR, nouveau_ligne INTEGER, nouveau_hash VARCHAR,
    load_id          INTEGER NOT NULL,
    annee            INTEGER
);
