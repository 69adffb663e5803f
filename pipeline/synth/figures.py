"""The figures printed in the 2021 report that the calibrated exports must reproduce.

A transcription of tests/fixtures/bilan_2021_figures.yaml with every name mapped to the canonical labels
of data/ref (thématique, prestation, partenaire, domaine) and every canton page to its INSEE code, so
that the synthetic data do not depend on a file outside the project at run time. Percentages are the
printed whole percents; `*_count` are the yaml's reconstructed counts (found under rule R1), used only as
a preference when they also fit rule R2. tests/test_synth.py checks the output against the yaml itself.
"""
from typing import Any

DEPARTMENT: dict[str, Any] = {
    'demandes': 1041,
    'growth_pct': 14,
    'communes': 251,
    'communes_pct': 69,
    'communes_by_class': [155, 77, 15, 4],
    'demandes_pct_by_class': [62, 31],
    'epci': 11,
    'domaine': {'Numérique': 38, 'Aménagement, logement, habitat, voirie et énergie': 31, 'Culture et patrimoine': 18, 'Environnement, eau et assainissement': 7, 'Commerce, tourisme et alimentation': 4, 'Santé': 2},
    'thematique': {'Santé': 2, 'Tourisme': 4, 'Archives': 4, 'Conservation et patrimoine': 13, 'Médiathèque': 1, 'Énergie': 14, 'Logement habitat': 1, 'Aménagement': 13, 'Voirie': 3, 'Eau et assainissement': 5, 'Numérique - Démat': 35, 'Espaces naturels sensibles': 2, 'Numérique - SIG': 3},
    'prestation': {"Maîtrise d'œuvre": 4, "Accompagnement à la maîtrise d'ouvrage de 1er niveau": 63, "Maîtrise d'ouvrage déléguée": 3, "Assistance à maîtrise d'ouvrage": 7, 'Conseil': 23},
    'partenaire': {"Chambre d'agriculture de la Drôme": 1, "SDED - Territoire d'énergie Drôme": 13, 'Moulin Digital': 4, 'Syndicat mixte Numérian': 28, 'Drôme Aménagement Habitat': 1, 'EPORA': 4, 'CAUE': 8, 'CD26 - Direction environnement': 4, 'CD26 - Direction culture et patrimoine': 12, 'CD26 - Archives départementales': 14, 'CD26 - Médiathèque départementale': 1, 'CD26 - Mission santé': 2, 'CD26 - Direction des déplacements': 2, 'CD26 - SIG': 3, 'Agence de développement touristique': 3},
    'cd26_pct': 38, 'externe_pct': 62,
}

# code_canton → page (yaml counts are the transcription's R1 reconstruction: a preference, not a target)
CANTONS: dict[str, dict[str, Any]] = {
    '2601': dict(
        page='Bourg de Péage', communes=2, demandes=12,
        thematique={'Numérique - Démat': 68, 'Énergie': 8, 'Archives': 8, 'Logement habitat': 8, 'Santé': 8},
        thematique_count={'Numérique - Démat': 8, 'Énergie': 1, 'Archives': 1, 'Logement habitat': 1, 'Santé': 1},
        prestation={'Conseil': 59, "Accompagnement à la maîtrise d'ouvrage de 1er niveau": 33, "Assistance à maîtrise d'ouvrage": 8},
        prestation_count={'Conseil': 7, "Accompagnement à la maîtrise d'ouvrage de 1er niveau": 4, "Assistance à maîtrise d'ouvrage": 1}),
    '2602': dict(
        page='Crest', communes=16, demandes=33,
        thematique={'Énergie': 28, 'Conservation et patrimoine': 22, 'Aménagement': 15, 'Archives': 12, 'Numérique - Démat': 7, 'Eau et assainissement': 5, 'Voirie': 5, 'Numérique - SIG': 2, 'Logement habitat': 2, 'Espaces naturels sensibles': 2},
        thematique_count={'Énergie': 11, 'Conservation et patrimoine': 9, 'Aménagement': 6, 'Archives': 5, 'Numérique - Démat': 3, 'Eau et assainissement': 2, 'Voirie': 2, 'Numérique - SIG': 1, 'Logement habitat': 1, 'Espaces naturels sensibles': 1},
        prestation={"Accompagnement à la maîtrise d'ouvrage de 1er niveau": 74, 'Conseil': 17, "Assistance à maîtrise d'ouvrage": 5, "Maîtrise d'œuvre": 2, "Maîtrise d'ouvrage déléguée": 2},
        prestation_count={"Accompagnement à la maîtrise d'ouvrage de 1er niveau": 30, 'Conseil': 7, "Assistance à maîtrise d'ouvrage": 2, "Maîtrise d'œuvre": 1, "Maîtrise d'ouvrage déléguée": 1}),
    '2603': dict(
        page='Dieulefit', communes=27, demandes=58,
        thematique={'Énergie': 25, 'Aménagement': 24, 'Conservation et patrimoine': 21, 'Eau et assainissement': 9, 'Archives': 9, 'Voirie': 5, 'Tourisme': 3, 'Santé': 2, 'Numérique - Démat': 2},
        thematique_count={'Énergie': 15, 'Aménagement': 14, 'Conservation et patrimoine': 12, 'Eau et assainissement': 5, 'Archives': 5, 'Voirie': 3, 'Tourisme': 2, 'Santé': 1, 'Numérique - Démat': 1},
        prestation={"Accompagnement à la maîtrise d'ouvrage de 1er niveau": 79, 'Conseil': 19, "Assistance à maîtrise d'ouvrage": 2},
        prestation_count={"Accompagnement à la maîtrise d'ouvrage de 1er niveau": 46, 'Conseil': 11, "Assistance à maîtrise d'ouvrage": 1}),
    '2604': dict(
        page='Diois', communes=33, demandes=89,
        thematique={'Énergie': 23, 'Eau et assainissement': 14, 'Conservation et patrimoine': 13, 'Aménagement': 11, 'Numérique - Démat': 11, 'Voirie': 10, 'Archives': 8, 'Santé': 3, 'Tourisme': 3, 'Médiathèque': 3, 'Logement habitat': 1},
        thematique_count={'Énergie': 19, 'Eau et assainissement': 13, 'Conservation et patrimoine': 12, 'Aménagement': 10, 'Numérique - Démat': 10, 'Voirie': 9, 'Archives': 7, 'Santé': 3, 'Tourisme': 3, 'Médiathèque': 3, 'Logement habitat': 1},
        prestation={"Accompagnement à la maîtrise d'ouvrage de 1er niveau": 58, 'Conseil': 18, "Maîtrise d'ouvrage déléguée": 10, "Maîtrise d'œuvre": 9, "Assistance à maîtrise d'ouvrage": 5},
        prestation_count={"Accompagnement à la maîtrise d'ouvrage de 1er niveau": 53, 'Conseil': 16, "Maîtrise d'ouvrage déléguée": 9, "Maîtrise d'œuvre": 8, "Assistance à maîtrise d'ouvrage": 5}),
    '2605': dict(
        page='Drôme des collines', communes=30, demandes=110,
        thematique={'Numérique - Démat': 54, 'Énergie': 18, 'Aménagement': 10, 'Conservation et patrimoine': 9, 'Santé': 3, 'Médiathèque': 3, 'Voirie': 1, 'Archives': 1, 'Espaces naturels sensibles': 1},
        thematique_count={'Numérique - Démat': 60, 'Énergie': 20, 'Aménagement': 11, 'Conservation et patrimoine': 10, 'Santé': 3, 'Médiathèque': 3, 'Voirie': 1, 'Archives': 1, 'Espaces naturels sensibles': 1},
        prestation={"Accompagnement à la maîtrise d'ouvrage de 1er niveau": 68, 'Conseil': 31, "Assistance à maîtrise d'ouvrage": 1},
        prestation_count={"Accompagnement à la maîtrise d'ouvrage de 1er niveau": 75, 'Conseil': 34, "Assistance à maîtrise d'ouvrage": 1}),
    '2606': dict(
        page='Grignan', communes=19, demandes=52,
        thematique={'Conservation et patrimoine': 30, 'Énergie': 12, 'Numérique - SIG': 12, 'Aménagement': 12, 'Eau et assainissement': 10, 'Archives': 6, 'Voirie': 6, 'Médiathèque': 4, 'Santé': 2, 'Alimentation': 2, 'Espaces naturels sensibles': 2, 'Logement habitat': 2},
        thematique_count={'Conservation et patrimoine': 17, 'Énergie': 6, 'Numérique - SIG': 6, 'Aménagement': 6, 'Eau et assainissement': 5, 'Archives': 3, 'Voirie': 3, 'Médiathèque': 2, 'Santé': 1, 'Alimentation': 1, 'Espaces naturels sensibles': 1, 'Logement habitat': 1},
        prestation={"Accompagnement à la maîtrise d'ouvrage de 1er niveau": 53, 'Conseil': 33, "Assistance à maîtrise d'ouvrage": 8, "Maîtrise d'ouvrage déléguée": 6},
        prestation_count={"Accompagnement à la maîtrise d'ouvrage de 1er niveau": 28, 'Conseil': 17, "Assistance à maîtrise d'ouvrage": 4, "Maîtrise d'ouvrage déléguée": 3}),
    '2607': dict(
        page='Loriol', communes=6, demandes=24,
        thematique={'Numérique - Démat': 46, 'Aménagement': 13, 'Énergie': 13, 'Conservation et patrimoine': 8, 'Eau et assainissement': 8, 'Logement habitat': 4, 'Santé': 4, 'Archives': 4},
        thematique_count={'Numérique - Démat': 11, 'Aménagement': 3, 'Énergie': 3, 'Conservation et patrimoine': 2, 'Eau et assainissement': 2, 'Logement habitat': 1, 'Santé': 1, 'Archives': 1},
        prestation={"Accompagnement à la maîtrise d'ouvrage de 1er niveau": 75, 'Conseil': 17, "Assistance à maîtrise d'ouvrage": 4, "Maîtrise d'ouvrage déléguée": 4},
        prestation_count={"Accompagnement à la maîtrise d'ouvrage de 1er niveau": 18, 'Conseil': 4, "Assistance à maîtrise d'ouvrage": 1, "Maîtrise d'ouvrage déléguée": 1}),
    '2608': dict(
        page='Montélimar 1', communes=4, demandes=9,
        thematique={'Énergie': 45, 'Logement habitat': 22, 'Conservation et patrimoine': 22, 'Santé': 11},
        thematique_count={'Énergie': 4, 'Logement habitat': 2, 'Conservation et patrimoine': 2, 'Santé': 1},
        prestation={"Accompagnement à la maîtrise d'ouvrage de 1er niveau": 67, "Maîtrise d'ouvrage déléguée": 22, 'Conseil': 11},
        prestation_count={"Accompagnement à la maîtrise d'ouvrage de 1er niveau": 6, "Maîtrise d'ouvrage déléguée": 2, 'Conseil': 1}),
    '2609': dict(
        page='Montélimar 2', communes=4, demandes=9,
        thematique={'Énergie': 37, 'Conservation et patrimoine': 21, 'Aménagement': 21, 'Santé': 7, 'Tourisme': 7, 'Logement habitat': 7},
        thematique_count={'Énergie': 5, 'Conservation et patrimoine': 3, 'Aménagement': 3, 'Santé': 1, 'Tourisme': 1, 'Logement habitat': 1},
        prestation={"Accompagnement à la maîtrise d'ouvrage de 1er niveau": 72, 'Conseil': 21, "Maîtrise d'ouvrage déléguée": 7},
        prestation_count={"Accompagnement à la maîtrise d'ouvrage de 1er niveau": 10, 'Conseil': 3, "Maîtrise d'ouvrage déléguée": 1}),
    '2610': dict(
        page='Nyons et Buis les baronnies', communes=46, demandes=89,
        thematique={'Conservation et patrimoine': 39, 'Aménagement': 17, 'Eau et assainissement': 11, 'Énergie': 10, 'Archives': 10, 'Santé': 3, 'Numérique - SIG': 3, 'Commerce': 2, 'Médiathèque': 1, 'Tourisme': 1, 'Espaces naturels sensibles': 1, 'Numérique - Démat': 1, 'Logement habitat': 1},
        thematique_count={'Conservation et patrimoine': 33, 'Aménagement': 15, 'Eau et assainissement': 10, 'Énergie': 9, 'Archives': 9, 'Santé': 3, 'Numérique - SIG': 3, 'Commerce': 2, 'Médiathèque': 1, 'Tourisme': 1, 'Espaces naturels sensibles': 1, 'Numérique - Démat': 1, 'Logement habitat': 1},
        prestation={"Accompagnement à la maîtrise d'ouvrage de 1er niveau": 48, 'Conseil': 36, "Assistance à maîtrise d'ouvrage": 10, "Maîtrise d'ouvrage déléguée": 6},
        prestation_count={"Accompagnement à la maîtrise d'ouvrage de 1er niveau": 43, 'Conseil': 32, "Assistance à maîtrise d'ouvrage": 9, "Maîtrise d'ouvrage déléguée": 5}),
    '2611': dict(
        page='Romans', communes=8, demandes=28,
        thematique={'Numérique - Démat': 31, 'Énergie': 24, 'Conservation et patrimoine': 14, 'Aménagement': 7, 'Archives': 4, 'Santé': 4, 'Numérique - SIG': 4, 'Tourisme': 4, 'Voirie': 4, 'Logement habitat': 4},
        thematique_count={'Numérique - Démat': 20, 'Énergie': 17, 'Conservation et patrimoine': 10, 'Aménagement': 5, 'Archives': 3, 'Santé': 3, 'Numérique - SIG': 3, 'Tourisme': 3, 'Voirie': 3, 'Logement habitat': 3},
        prestation={"Accompagnement à la maîtrise d'ouvrage de 1er niveau": 78, 'Conseil': 18, "Maîtrise d'ouvrage déléguée": 4},
        prestation_count={"Accompagnement à la maîtrise d'ouvrage de 1er niveau": 22, 'Conseil': 5, "Maîtrise d'ouvrage déléguée": 1}),
    '2612': dict(
        page='St Vallier', communes=14, demandes=112,
        thematique={'Numérique - Démat': 81, 'Énergie': 12, 'Conservation et patrimoine': 3, 'Voirie': 2, 'Aménagement': 1, 'Espaces naturels sensibles': 1},
        thematique_count={'Numérique - Démat': 92, 'Énergie': 13, 'Conservation et patrimoine': 3, 'Voirie': 2, 'Aménagement': 1, 'Espaces naturels sensibles': 1},
        prestation={"Accompagnement à la maîtrise d'ouvrage de 1er niveau": 82, 'Conseil': 17, "Assistance à maîtrise d'ouvrage": 1},
        prestation_count={"Accompagnement à la maîtrise d'ouvrage de 1er niveau": 92, 'Conseil': 19, "Assistance à maîtrise d'ouvrage": 1}),
    '2613': dict(
        page='Tain l’hermitage', communes=12, demandes=49,
        thematique={'Numérique - Démat': 60, 'Énergie': 16, 'Conservation et patrimoine': 8, 'Aménagement': 6, 'Santé': 4, 'Voirie': 4, 'Archives': 2},
        thematique_count={'Numérique - Démat': 29, 'Énergie': 8, 'Conservation et patrimoine': 4, 'Aménagement': 3, 'Santé': 2, 'Voirie': 2, 'Archives': 1},
        prestation={"Accompagnement à la maîtrise d'ouvrage de 1er niveau": 80, 'Conseil': 16, "Assistance à maîtrise d'ouvrage": 4},
        prestation_count={"Accompagnement à la maîtrise d'ouvrage de 1er niveau": 39, 'Conseil': 8, "Assistance à maîtrise d'ouvrage": 2}),
    '2614': dict(
        page='Tricastin', communes=6, demandes=21,
        thematique={'Conservation et patrimoine': 51, 'Archives': 14, 'Voirie': 10, 'Énergie': 5, 'Numérique - Démat': 5, 'Espaces naturels sensibles': 5, 'Médiathèque': 5, 'Aménagement': 5},
        thematique_count={'Conservation et patrimoine': 11, 'Archives': 3, 'Voirie': 2, 'Énergie': 1, 'Numérique - Démat': 1, 'Espaces naturels sensibles': 1, 'Médiathèque': 1, 'Aménagement': 1},
        prestation={"Accompagnement à la maîtrise d'ouvrage de 1er niveau": 52, 'Conseil': 43, "Assistance à maîtrise d'ouvrage": 5},
        prestation_count={"Accompagnement à la maîtrise d'ouvrage de 1er niveau": 11, 'Conseil': 9, "Assistance à maîtrise d'ouvrage": 1}),
    '2615': dict(
        page='Valence 1', communes=2, demandes=12,
        thematique={'Numérique - Démat': 25, 'Aménagement': 17, 'Numérique - SIG': 17, 'Conservation et patrimoine': 17, 'Énergie': 8, 'Santé': 8, 'Logement habitat': 8},
        thematique_count={'Numérique - Démat': 3, 'Aménagement': 2, 'Numérique - SIG': 2, 'Conservation et patrimoine': 2, 'Énergie': 1, 'Santé': 1, 'Logement habitat': 1},
        prestation={"Assistance à maîtrise d'ouvrage": 42, "Accompagnement à la maîtrise d'ouvrage de 1er niveau": 41, 'Conseil': 17},
        prestation_count={"Assistance à maîtrise d'ouvrage": 5, "Accompagnement à la maîtrise d'ouvrage de 1er niveau": 5, 'Conseil': 2}),
    '2616': dict(
        page='Valence 2', communes=3, demandes=12,
        thematique={'Numérique - Démat': 33, 'Énergie': 25, 'Numérique - SIG': 17, 'Conservation et patrimoine': 17, 'Archives': 8},
        thematique_count={'Numérique - Démat': 4, 'Énergie': 3, 'Numérique - SIG': 2, 'Conservation et patrimoine': 2, 'Archives': 1},
        prestation={"Accompagnement à la maîtrise d'ouvrage de 1er niveau": 59, 'Conseil': 33, "Assistance à maîtrise d'ouvrage": 8},
        prestation_count={"Accompagnement à la maîtrise d'ouvrage de 1er niveau": 7, 'Conseil': 4, "Assistance à maîtrise d'ouvrage": 1}),
    '2617': dict(
        page='Valence 3', communes=3, demandes=11,
        thematique={'Archives': 28, 'Logement habitat': 18, 'Énergie': 18, 'Aménagement': 9, 'Numérique - SIG': 9, 'Conservation et patrimoine': 9, 'Voirie': 9},
        thematique_count={'Archives': 3, 'Logement habitat': 2, 'Énergie': 2, 'Aménagement': 1, 'Numérique - SIG': 1, 'Conservation et patrimoine': 1, 'Voirie': 1},
        prestation={"Accompagnement à la maîtrise d'ouvrage de 1er niveau": 82, "Maîtrise d'ouvrage déléguée": 18},
        prestation_count={"Accompagnement à la maîtrise d'ouvrage de 1er niveau": 9, "Maîtrise d'ouvrage déléguée": 2}),
    '2618': dict(
        page='Valence 4', communes=1, demandes=3,
        thematique={'Conservation et patrimoine': 67, 'Tourisme': 33},
        thematique_count={'Conservation et patrimoine': 2, 'Tourisme': 1},
        prestation={'Conseil': 67, "Accompagnement à la maîtrise d'ouvrage de 1er niveau": 33},
        prestation_count={'Conseil': 2, "Accompagnement à la maîtrise d'ouvrage de 1er niveau": 1}),
    '2619': dict(
        page='Vercors Monts du matin', communes=23, demandes=79,
        thematique={'Numérique - Démat': 48, 'Énergie': 18, 'Aménagement': 9, 'Conservation et patrimoine': 6, 'Eau et assainissement': 6, 'Numérique - SIG': 4, 'Espaces naturels sensibles': 3, 'Archives': 3, 'Voirie': 3},
        thematique_count={'Numérique - Démat': 39, 'Énergie': 14, 'Aménagement': 7, 'Conservation et patrimoine': 5, 'Eau et assainissement': 5, 'Numérique - SIG': 3, 'Espaces naturels sensibles': 2, 'Archives': 2, 'Voirie': 2},
        prestation={"Accompagnement à la maîtrise d'ouvrage de 1er niveau": 69, 'Conseil': 19, "Assistance à maîtrise d'ouvrage": 12},
        prestation_count={"Accompagnement à la maîtrise d'ouvrage de 1er niveau": 56, 'Conseil': 15, "Assistance à maîtrise d'ouvrage": 10}),
}
