-- Clean a sheet's rows in DuckDB: each row becomes a mission, or gets the reasons that quarantine it.
--
-- Input: the view `fields` (ligne, the canonical fields as text, debordement), and the small tables
-- resolve.py made from the distinct values: r_date, r_geo, r_thematique, r_prestation, r_partenaire,
-- r_domaine, joined on the value as read (the cells of these fields are staged untrimmed): each gives the
-- trimmed value as `<field>_texte` — a field is missing when nothing joins (no value, or only spaces).
-- Output: one row per input row: `raison` NULL for a mission (then the warehouse's mission columns are
-- filled), else every reason, in the order a person fixes them. The rows come from {rows} (`fields`, or
-- a part of it): missions.py inserts the result straight into the warehouse or keeps it in a table.
-- The Excel-error reasons are one CASE per field (an Excel error value is never data), written by missions.py.

WITH dated AS (
    SELECT f.*, d.date_demande_texte, d.date, d.annee, d.err_date_demande, {syndicat} AS syndicat
    FROM {rows} f
    LEFT JOIN r_date d ON d.date_demande = f.date_demande
), joined AS (
    SELECT f.*,
           f.annee BETWEEN 2000 AND 2100 AS in_range,
           g.demandeur_type_r, g.code_insee_r, g.code_insee_lu, g.commune, g.code_canton, g.canton_r,
           g.siren_epci, g.epci, g.population, g.classe, g.geo_raison, g.geo_avert,
           g.err_demandeur_type, g.err_code_insee, g.err_siren, g.err_canton,
           t.thematique_texte, t.thematique_c, t.thematique_raison, t.domaine AS domaine_r, t.err_thematique,
           p.prestation_texte, p.prestation_c, p.prestation_raison, p.err_prestation,
           pa.partenaire_texte, pa.partenaire_c, pa.partenaire_raison, pa.partenaire_type, pa.err_partenaire,
           dom.domaine_texte, dom.domaine_lu, dom.err_domaine
    FROM dated f
    LEFT JOIN r_geo g         ON g.annee IS NOT DISTINCT FROM f.annee
                             AND g.code_insee IS NOT DISTINCT FROM f.code_insee
                             AND g.siren IS NOT DISTINCT FROM f.siren
                             AND g.canton IS NOT DISTINCT FROM f.canton
                             AND g.demandeur_type IS NOT DISTINCT FROM f.demandeur_type
                             AND g.syndicat = f.syndicat
    LEFT JOIN r_thematique t  ON t.thematique = f.thematique AND t.annee IS NOT DISTINCT FROM f.annee
    LEFT JOIN r_prestation p  ON p.prestation = f.prestation AND p.annee IS NOT DISTINCT FROM f.annee
    LEFT JOIN r_partenaire pa ON pa.partenaire = f.partenaire AND pa.annee IS NOT DISTINCT FROM f.annee
    LEFT JOIN r_domaine dom   ON dom.domaine = f.domaine
), judged AS (
    SELECT *,
           nullif(concat_ws('; ',
               CASE WHEN debordement IS NOT NULL
                    THEN 'ligne plus large que l''en-tête, cellules en trop : « ' || debordement || ' »' END,
               {excel_errors},
               CASE WHEN id_mission IS NULL THEN 'identifiant de mission manquant' END,
               CASE WHEN date_demande_texte IS NULL THEN 'date de la demande manquante' END,
               CASE WHEN date_demande_texte IS NOT NULL AND date IS NULL
                    THEN 'date illisible : « ' || date_demande_texte || ' »' END,
               CASE WHEN date IS NOT NULL AND NOT in_range THEN 'date hors plage : « ' || date_demande_texte || ' »' END,
               CASE WHEN demandeur IS NULL THEN 'demandeur manquant' END,
               geo_raison,
               CASE WHEN thematique_texte IS NULL THEN 'thématique manquante' END,
               thematique_raison,
               CASE WHEN prestation_texte IS NULL THEN 'prestation manquante' END,
               prestation_raison,
               CASE WHEN partenaire_texte IS NULL THEN 'partenaire manquant' END,
               partenaire_raison
           ), '') AS raison
    FROM joined
)
SELECT ligne, raison,
       CASE WHEN in_range THEN annee END AS annee_lue,
       id_mission,
       coalesce(id_demande, 'M-' || id_mission)  AS id_demande,
       date                                      AS date_demande,
       annee,
       demandeur,
       demandeur_type_r                          AS demandeur_type,
       code_insee_r                              AS code_insee,
       code_insee_lu, commune, code_canton,
       canton_r                                  AS canton,
       siren_epci, epci, population, classe,
       thematique_c                              AS thematique,
       domaine_r                                 AS domaine,
       prestation_c                              AS prestation,
       partenaire_c                              AS partenaire,
       partenaire_type, objet, statut,
       nullif(concat_ws('; ',
           CASE WHEN domaine_lu IS NOT NULL AND domaine_lu <> domaine_r
                THEN 'domaine de l''export ignoré : « ' || coalesce(domaine_texte, '') || ' », la thématique relève de '
                     || domaine_r END,
           geo_avert
       ), '')                                    AS avertissement
FROM judged
