-- Merge one sheet's clean missions (view `incoming`) into `missions`.
-- Each incoming row gets a verdict, in line order within the sheet:
--   new        the id is unknown so far                         → inserted
--   duplicate  same id, same content as the version before it   → counted, nothing written
--   conflict   same id, other content                           → replaces the version before it
-- "The version before it" is the previous row of the same id in this sheet, or else the warehouse's.

CREATE OR REPLACE TEMP TABLE merge_in AS
SELECT *, {content_hash} AS content_hash
FROM incoming;

-- Only ids that occur more than once in the sheet need ordering: the others skip the window.
CREATE OR REPLACE TEMP TABLE merge_verdicts AS
WITH repeated AS (
    SELECT id_mission FROM merge_in GROUP BY id_mission HAVING count(*) > 1
), ordered AS (
    SELECT i.*, NULL::VARCHAR AS prev_in_sheet, NULL::VARCHAR AS prev_fichier, NULL::INTEGER AS prev_ligne
    FROM merge_in i ANTI JOIN repeated r USING (id_mission)
    UNION ALL BY NAME
    SELECT i.*,
           lag(i.content_hash) OVER w AS prev_in_sheet,
           lag(i.fichier)      OVER w AS prev_fichier,
           lag(i.ligne)        OVER w AS prev_ligne
    FROM merge_in i SEMI JOIN repeated r USING (id_mission)
    WINDOW w AS (PARTITION BY i.id_mission ORDER BY i.ligne)
)
SELECT o.*,
       coalesce(o.prev_in_sheet, m.content_hash) AS prev_hash,
       coalesce(o.prev_fichier, m.fichier)       AS ancien_fichier,
       coalesce(o.prev_ligne, m.ligne)           AS ancien_ligne,
       CASE WHEN coalesce(o.prev_in_sheet, m.content_hash) IS NULL THEN 'new'
            WHEN coalesce(o.prev_in_sheet, m.content_hash) = o.content_hash THEN 'duplicate'
            ELSE 'conflict' END AS verdict
FROM ordered o
LEFT JOIN missions m USING (id_mission);

INSERT INTO conflicts
SELECT id_mission, ancien_fichier, ancien_ligne, prev_hash, fichier, ligne, content_hash, load_id, annee
FROM merge_verdicts WHERE verdict = 'conflict';

-- The winner of each id is its last row in the sheet that is not a duplicate of what precedes it.
CREATE OR REPLACE TEMP TABLE merge_winners AS
SELECT * FROM merge_verdicts
WHERE verdict <> 'duplicate'
QUALIFY row_number() OVER (PARTITION BY id_mission ORDER BY ligne DESC) = 1;

DELETE FROM missions WHERE id_mission IN (SELECT id_mission FROM merge_winners);

INSERT INTO missions BY NAME
SELECT id_mission, id_demande, date_demande, annee, demandeur, demandeur_type, code_insee, code_insee_lu,
       commune, code_canton, canton, siren_epci, epci, population, classe, thematique, domaine, prestation,
       partenaire, partenaire_type, objet, statut, avertissement, content_hash, load_id, fichier, feuille, ligne
FROM merge_winners;
