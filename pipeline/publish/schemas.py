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
    "trends_prestation": ("Évolution par type de prestation", "Missions par type de prestation pour chaque année "
                          "chargée ; pourcentage au sein de l'année."),
    "trends_canton": ("Évolution par canton", "Communes concernées et demandes des communes de chaque canton pour "
                      "chaque année chargée, et variation des demandes par rapport à l'année précédente."),
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
    "epci_demandeurs": ("EPCI demandeurs", "Nombre d'EPCI ayant eux-mêmes fait une demande."),
    "evolution_demandes_pct": ("Évolution des demandes (%)", "Variation des demandes par rapport à l'année "
                               "précédente, en pourcentage entier (vide pour la première année chargée)."),
    "part_cd26_pct": ("Services du Département (%)", "Part des missions réalisées par les services du "
                      "Département (somme des parts entières de ses services)."),
    "part_partenaires_pct": ("Partenaires extérieurs (%)", "Part des missions réalisées par les partenaires "
                             "extérieurs."),
}

FIELD_OVERRIDES: dict[tuple[str, str], tuple[str, str]] = {
    ("canton_thematique", "pct"): ("Part dans le canton (%)", "Part des missions du canton, en pourcentage entier "
                                   "(total 100 par canton)."),
    ("canton_prestation", "pct"): ("Part dans le canton (%)", "Part des missions du canton, en pourcentage entier "
                                   "(total 100 par canton)."),
    ("domaine_prestation", "pct"): ("Part dans le domaine (%)", "Part des missions du domaine, en pourcentage "
                                    "entier (total 100 par domaine)."),
    ("trends_domaine", "pct"): ("Part dans l'année (%)", "Part des missions de l'année, en pourcentage entier."),
    ("trends_prestation", "pct"): ("Part dans l'année (%)", "Part des missions de l'année, en pourcentage entier."),
    ("by_commune", "missions"): ("Missions", "Missions de la commune rattachées à ce canton."),
    ("by_epci", "demandes"): ("Demandes", "Total : demandes des communes membres et de l'EPCI."),
}

PRIMARY_KEYS: dict[str, list[str]] = {
    "summary": ["indicateur"], "by_domaine": ["domaine"], "by_thematique": ["thematique"],
    "by_prestation": ["prestation"], "by_partenaire": ["partenaire"], "by_taille": ["classe"],
    "by_canton": ["code_canton"], "canton_thematique": ["code_canton", "thematique"],
    "canton_prestation": ["code_canton", "prestation"], "by_epci": ["siren"],
    "domaine_prestation": ["domaine", "prestation"], "by_commune": ["code_insee", "code_canton"],
    "trends": ["annee"], "trends_domaine": ["annee", "domaine"], "trends_prestation": ["annee", "prestation"],
    "trends_canton": ["annee", "code_canton"],
}

PATTERNS: dict[str, str] = {
    "code_canton": r"^26[0-9]{2}$",
    "code_insee": r"^[0-9][0-9AB][0-9]{3}$",
    "siren": r"^[0-9]{9}$",
}

# table → (sheet name in the workbook (≤ 31 characters), Excel table name (letters, digits, _)).
SHEETS: dict[str, tuple[str, str]] = {
    "summary": ("Chiffres clés", "ChiffresCles"),
    "by_domaine": ("Par domaine", "ParDomaine"),
    "by_thematique": ("Par thématique", "ParThematique"),
    "by_prestation": ("Par prestation", "ParPrestation"),
    "by_partenaire": ("Par partenaire", "ParPartenaire"),
    "by_taille": ("Par taille de commune", "ParTailleDeCommune"),
    "by_canton": ("Par canton", "ParCanton"),
    "canton_thematique": ("Cantons et thématiques", "CantonsThematiques"),
    "canton_prestation": ("Cantons et prestations", "CantonsPrestations"),
    "by_epci": ("Par EPCI", "ParEPCI"),
    "domaine_prestation": ("Domaines et prestations", "DomainesPrestations"),
    "by_commune": ("Par commune", "ParCommune"),
    "trends": ("Évolution", "Evolution"),
    "trends_domaine": ("Évolution par domaine", "EvolutionParDomaine"),
    "trends_prestation": ("Évolution par prestation", "EvolutionParPrestation"),
    "trends_canton": ("Évolution par canton", "EvolutionParCanton"),
    "quarantine": ("Lignes en quarantaine", "LignesEnQuarantaine"),
}

# What the workbook, the data package and the "À lire" sheet say about the data set.
PUBLISHER = "Département de la Drôme"
DATASET_TITLE = "Bilan {year} de l'ingénierie publique"
LICENCE = {"name": "etalab-2.0", "title": "Licence Ouverte / Open Licence version 2.0",
           "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"}
SOURCES = [
    {"title": "Département de la Drôme, plate-forme de l'ingénierie publique « Ingénierie pour la Drôme » : "
              "exports des demandes et des missions de l'année"},
    {"title": "Insee, Code officiel géographique (communes et cantons) et populations légales",
     "path": "https://www.insee.fr/fr/information/2560452"},
    {"title": "Direction générale des collectivités locales, liste des EPCI à fiscalité propre"},
]
ROUNDING_NOTE = ("Les parts sont des pourcentages entiers : chaque part est arrondie à l'entier le plus proche "
                 "(une demie vers le haut), puis l'écart à 100 est réparti, un point chacun, sur les catégories "
                 "les plus nombreuses, pour que les parts d'un graphique totalisent 100 %.")
COUNTING_NOTE = ("Une ligne d'export est une mission (l'intervention d'un service ou d'un partenaire sur une "
                 "thématique) ; les missions d'une même demande comptent pour une demande. Les totaux et les "
                 "cantons comptent des demandes, les répartitions par domaine, thématique, prestation et "
                 "partenaire comptent des missions.")
