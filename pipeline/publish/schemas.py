"""French titles and descriptions of the published tables and their columns (TableSchema metadata).

Kept apart from the writing code so that the wording can be reviewed by the people who answer
questions about the downloads, without reading Python.
"""

from __future__ import annotations

TABLES: dict[str, tuple[str, str]] = {
    "summary": ("Chiffres clés", "Les chiffres clés de l'année : demandes, missions, communes et EPCI demandeurs, "
                "évolution par rapport à l'année précédente, part des services du Département et des partenaires."),
    "by_domaine": ("Missions par domaine", "Nombre de missions par grand domaine d'intervention et part en "
                   "pourcentage."),
    "by_thematique": ("Missions par thématique", "Nombre de missions par thématique (sous-domaine) et part en "
                      "pourcentage de l'ensemble des missions."),
    "by_prestation": ("Missions par type de prestation", "Nombre de missions par type de prestation "
                      "(conseil, accompagnement, AMO, maîtrise d'œuvre, maîtrise d'ouvrage déléguée)."),
    "by_partenaire": ("Missions par partenaire", "Nombre de missions par service du Département (cd26) ou "
                      "partenaire extérieur (externe) et part en pourcentage."),
    "by_taille": ("Demandes par taille de commune", "Communes demandeuses, communes du département et demandes "
                  "des communes par classe de population ; part des demandes faites par des communes."),
    "by_canton": ("Demandes par canton", "Communes concernées, demandes et missions des communes de chaque canton ; "
                  "une commune partagée entre plusieurs cantons compte dans chaque canton que nomment ses demandes."),
    "canton_thematique": ("Missions par canton et thématique", "Missions des communes de chaque canton par "
                          "thématique ; pourcentage au sein du canton."),
    "canton_prestation": ("Missions par canton et type de prestation", "Missions des communes de chaque canton "
                          "par type de prestation ; pourcentage au sein du canton."),
    "by_epci": ("Demandes par EPCI", "Pour chaque EPCI : communes membres demandeuses, demandes de ses communes, "
                "demandes de l'EPCI lui-même et total."),
    "domaine_prestation": ("Types de prestation par domaine", "Missions par domaine et type de prestation ; "
                           "pourcentage au sein du domaine."),
    "by_commune": ("Demandes par commune", "Demandes et missions de chaque commune demandeuse, par canton "
                   "(une ligne par canton pour une commune partagée entre cantons)."),
    "trends": ("Évolution annuelle", "Demandes, missions et communes demandeuses de chaque année chargée."),
    "trends_domaine": ("Évolution par domaine", "Missions par domaine pour chaque année chargée ; pourcentage "
                       "au sein de l'année."),
    "quarantine": ("Lignes en quarantaine", "Lignes des exports qui n'ont pas pu être résolues (commune, "
                   "thématique, date… inconnue) : fichier, ligne, raison et valeurs telles que lues. "
                   "Elles ne sont comptées nulle part."),
}

# column → (title, description); (table, column) overrides the generic wording.
FIELDS: dict[str, tuple[str, str]] = {
    "indicateur": ("Indicateur", "Nom de l'indicateur."),
    "valeur": ("Valeur", "Valeur de l'indicateur (nombre entier ; pourcentages en points entiers ; vide si non "
               "calculable)."),
    "annee": ("Année", "Année de la demande."),
    "domaine": ("Domaine", "Grand domaine d'intervention."),
    "thematique": ("Thématique", "Thématique (sous-domaine) d'intervention."),
    "prestation": ("Type de prestation", "Nature de l'accompagnement."),
    "partenaire": ("Partenaire", "Service du Département ou partenaire extérieur qui a réalisé la mission."),
    "type": ("Type de partenaire", "cd26 (service du Département) ou externe (partenaire extérieur)."),
    "missions": ("Missions", "Nombre de missions (interventions d'un partenaire sur une thématique)."),
    "demandes": ("Demandes", "Nombre de demandes distinctes (une demande peut donner plusieurs missions)."),
    "pct": ("Part (%)", "Part en pourcentage entier ; les parts arrondies totalisent 100 (règle R2 du bilan)."),
    "classe": ("Taille de commune", "Classe de population légale de la commune."),
    "communes_demandeuses": ("Communes demandeuses", "Nombre de communes ayant fait au moins une demande."),
    "communes_total": ("Communes du département", "Nombre de communes de la Drôme dans la classe."),
    "pct_demandes": ("Part des demandes (%)", "Part des demandes faites par des communes, en pourcentage entier."),
    "code_canton": ("Code du canton", "Code INSEE du canton (2601 à 2619)."),
    "canton": ("Canton", "Nom du canton tel qu'imprimé dans le bilan."),
    "communes_concernees": ("Communes concernées", "Nombre de communes du canton ayant fait une demande."),
    "siren": ("SIREN de l'EPCI", "Numéro SIREN de l'EPCI."),
    "epci": ("EPCI", "Nom de l'établissement public de coopération intercommunale."),
    "demandes_communes": ("Demandes des communes", "Demandes faites par les communes membres de l'EPCI."),
    "demandes_epci": ("Demandes de l'EPCI", "Demandes faites par l'EPCI lui-même."),
    "code_insee": ("Code INSEE", "Code officiel géographique de la commune."),
    "commune": ("Commune", "Nom de la commune."),
    "population": ("Population", "Population légale en vigueur au 1er janvier de l'année."),
    "fichier": ("Fichier", "Nom du fichier d'export."),
    "ligne": ("Ligne", "Numéro de ligne dans le fichier (ou la feuille)."),
    "raison": ("Raison", "Pourquoi la ligne n'a pas pu être chargée."),
    "feuille": ("Feuille", "Feuille du classeur XLSX (vide pour un CSV)."),
}

FIELD_OVERRIDES: dict[tuple[str, str], tuple[str, str]] = {
    ("canton_thematique", "pct"): ("Part dans le canton (%)", "Part des missions du canton, en pourcentage entier "
                                   "(total 100 par canton)."),
    ("canton_prestation", "pct"): ("Part dans le canton (%)", "Part des missions du canton, en pourcentage entier "
                                   "(total 100 par canton)."),
    ("domaine_prestation", "pct"): ("Part dans le domaine (%)", "Part des missions du domaine, en pourcentage "
                                    "entier (total 100 par domaine)."),
    ("trends_domaine", "pct"): ("Part dans l'année (%)", "Part des missions de l'année, en pourcentage entier."),
    ("by_commune", "missions"): ("Missions", "Missions de la commune rattachées à ce canton."),
    ("by_epci", "demandes"): ("Demandes", "Total : demandes des communes membres et de l'EPCI."),
}

PRIMARY_KEYS: dict[str, list[str]] = {
    "summary": ["indicateur"], "by_domaine": ["domaine"], "by_thematique": ["thematique"],
    "by_prestation": ["prestation"], "by_partenaire": ["partenaire"], "by_taille": ["classe"],
    "by_canton": ["code_canton"], "canton_thematique": ["code_canton", "thematique"],
    "canton_prestation": ["code_canton", "prestation"], "by_epci": ["siren"],
    "domaine_prestation": ["domaine", "prestation"], "by_commune": ["code_insee", "code_canton"],
    "trends": ["annee"], "trends_domaine": ["annee", "domaine"],
}

PATTERNS: dict[str, str] = {
    "code_canton": r"^26[0-9]{2}$",
    "code_insee": r"^[0-9][0-9AB][0-9]{3}$",
    "siren": r"^[0-9]{9}$",
}
