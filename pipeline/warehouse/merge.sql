-- Merge one batch of a sheet's clean missions (view `incoming`, batches in line order) into `missions`.
-- Each incoming row gets a verdict:
--   new        the id is unknown so far                         → inserted
--   duplicate  same id, same content as the version before it   → counted, nothing written
--   conflict   same id, other content                           → replaces the version before it
-- "The version before it" is the previous row of the same id in this batch, or else the warehouse's
-- (which holds the earlier batches of the sheet: batch by batch is the same as the whole sheet at once).
-- Only the rows whose id is repeated in the batch or already in the warehouse need a verdict (few, in
-- a first load: none); every other row is inserted by one anti-join, without a copy of the batch.
-- (store._merge runs the first statement, the middle ones only when it found rows, then the last.)
-- Two versions are compared by a hash of their content columns ({content_hash} for the incoming rows,
-- {stored_hash} for the warehouse's version), computed here for the touched ids only: missions.content_hash
-- is no longer written.

CREATE OR REPLACE TEMP TABLE merge_touched AS
WITH touched_ids AS (
    SELECT id_mission FROM incoming GROUP BY id_mission HAVING count(*) > 1
    UNION
    SELECT DISTINCT id_mission FROM incoming SEMI JOIN missions USING (id_mission)
), ordered AS (
    SELECT i.*, {content_hash} AS content_hash,
           lag({content_hash}) OVER w AS prev_in_sheet,
           lag(i.fichier)      OVER w AS prev_fichier,
           lag(i.ligne)        OVER w AS prev_ligne
    FROM incoming i SEMI JOIN touched_ids t USING (id_mission)
    WINDOW w AS (PARTITION BY i.id_mission ORDER BY i.ligne)
), stored AS (
    SELECT m.id_mission, m.fichier, m.ligne, {stored_hash} AS content_hash
    FROM missions m SEMI JOIN touched_ids t USING (id_mission)
)
SELECT o.*,
       coalesce(o.prev_in_sheet, m.content_hash) AS prev_hash,
       coalesce(o.prev_fichier, m.fichier)       AS ancien_fichier,
       coalesce(o.prev_ligne, m.ligne)           AS ancien_ligne,
       CASE WHEN coalesce(o.prev_in_sheet, m.content_hash) IS NULL THEN 'new'
            WHEN coalesce(o.prev_in_sheet, m.content_hash) = o.content_hash THEN 'duplicate'
            ELSE 'conflict' END AS verdict
FROM ordered o
LEFT JOIN stored m USING (id_mission);

INSERT INTO conflicts
SELECT id_mission, ancien_fichier, ancien_ligne, prev_hash, fichier, ligne, content_hash, load_id, annee
FROM merge_touched WHERE verdict = 'conflict';

-- The winner of a touched id is its last row in the batch that is not a duplicate of what precedes it.
DELETE FROM missions WHERE id_mission IN (SELECT id_mission FROM merge_touched WHERE verdict <> 'duplicate');

INSERT INTO missions BY NAME
SELECT {mission_columns}
FROM merge_touched
WHERE verdict <> 'duplicate'
QUALIFY row_number() OVER (PARTITION BY id_mission ORDER BY ligne DESC) = 1;

INSERT INTO missions BY NAME
SELECT {mission_columns}
FROM incoming i ANTI JOIN merge_touched t USING (id_mission);
