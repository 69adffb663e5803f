"""Words of the synthetic exports: spellings, project titles, partners' usual thématiques, fake people.

Why a module of its own: the calibrated and the scaled exports must speak the same language as real
ones (the spellings the alias table accepts, plausible project titles), and every spelling used here is
checked against `Ref.resolve` so that a synthetic file can never introduce a value the ingest rejects by
accident — bad values are added on purpose, elsewhere, and counted.
"""

from __future__ import annotations

from pipeline.ref import Ref

# Which thématiques a partner usually works on, best first. Used to pair partners with missions
# plausibly (calibrated) and as sampling weights (scaled); the 2021 partner chart cannot be matched
# thématique by thématique (Archives 14 % of partners vs 4 % of thématiques), so the rest is arbitrary.
PARTNER_THEMES: dict[str, tuple[str, ...]] = {
    "Syndicat mixte Numérian": ("Numérique - Démat",),
    "Moulin Digital": ("Numérique - Démat",),
    "CD26 - SIG": ("Numérique - SIG",),
    "SDED - Territoire d'énergie Drôme": ("Énergie",),
    "CD26 - Archives départementales": ("Archives", "Numérique - Démat", "Conservation et patrimoine"),
    "CD26 - Direction culture et patrimoine": ("Conservation et patrimoine", "Médiathèque"),
    "CD26 - Médiathèque départementale": ("Médiathèque",),
    "CD26 - Mission santé": ("Santé",),
    "CD26 - Direction des déplacements": ("Voirie",),
    "CD26 - Direction environnement": ("Eau et assainissement", "Espaces naturels sensibles"),
    "CAUE": ("Aménagement", "Logement habitat", "Conservation et patrimoine"),
    "EPORA": ("Aménagement", "Logement habitat"),
    "Drôme Aménagement Habitat": ("Logement habitat", "Aménagement"),
    "ADIL": ("Logement habitat",),
    "Chambre d'agriculture de la Drôme": ("Alimentation", "Espaces naturels sensibles", "Aménagement"),
    "SAFER": ("Aménagement", "Espaces naturels sensibles"),
    "CCI de la Drôme": ("Commerce",),
    "Agence de développement touristique": ("Tourisme",),
    "CD26 - Développement agricole": ("Alimentation",),
    "CD26 - Drôme laboratoire": ("Eau et assainissement", "Alimentation"),
}

# Thématiques a syndicat typically brings (water, energy networks, roads, shared IT).
SYNDICAT_THEMES = ("Eau et assainissement", "Énergie", "Voirie", "Numérique - SIG", "Numérique - Démat")

# Fake syndicats: SIREN-shaped codes absent from data/ref/epci.csv (checked in tests), with the
# thématiques each would bring (any syndicat may ask for digital help).
SYNDICATS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Syndicat des eaux de la Valloire-Galaure", "252690011", ("Eau et assainissement",)),
    ("SIVOM du Pays de Dieulefit", "252690029", ("Voirie", "Eau et assainissement", "Numérique - SIG")),
    ("Syndicat intercommunal d'assainissement de la Gervanne", "252690037", ("Eau et assainissement",)),
    ("Syndicat mixte des Baronnies numériques", "252690045", ("Numérique - SIG",)),
    ("SIVU de voirie du Haut-Diois", "252690052", ("Voirie", "Numérique - SIG")),
    ("Syndicat d'irrigation drômois de la Valdaine", "252690060", ("Eau et assainissement",)),
    ("Syndicat intercommunal d'électrification du Nyonsais", "252690078", ("Énergie",)),
    ("SIVU des écoles de la Raye", "252690086", ("Énergie",)),
)

# Project titles by thématique. Some carry what real exports carry: quotes, '&', '<', emoji, line
# breaks. Kept free of e-mail addresses and phone numbers (the ingest would redact them).
OBJETS: dict[str, tuple[str, ...]] = {
    "Numérique - Démat": (
        "Dématérialisation des actes et du registre des délibérations",
        "Mise en place du parapheur électronique",
        "Refonte du site internet de la commune 🌐",
        "Passage à la comptabilité M57 & dématérialisation des factures",
        "Archivage électronique des marchés publics",
        "Équipement informatique de la mairie (postes, « cloud »)",
        "Accompagnement RGPD : registre des traitements",
    ),
    "Numérique - SIG": (
        "Mise à disposition du cadastre et des données IGN",
        "Cartographie des réseaux d'eau pluviale",
        "Adressage : dénomination et numérotation des voies",
    ),
    "Énergie": (
        "Rénovation énergétique de l'école",
        "Audit énergétique de la salle des fêtes",
        "Projet photovoltaïque sur la toiture de l'atelier municipal ☀️",
        "Remplacement de l'éclairage public par des LED",
        "Chaufferie bois : étude d'opportunité",
    ),
    "Aménagement": (
        "Aménagement du centre-bourg",
        "Requalification de la place de la mairie & de ses abords",
        "Révision du PLU : cahier des charges ; consultation des bureaux d'études",
        "Projet de lotissement communal \"Les Vignes\"",
        "Reconversion de l'ancienne coopérative",
    ),
    "Voirie": (
        "Réfection de la voirie communale – chemin des Vignes",
        "Sécurisation de la traversée du village (RD)",
        "Réparation du pont du Moulin après crue",
    ),
    "Logement habitat": (
        "Réhabilitation de deux logements communaux",
        "Création de logements seniors dans l'ancienne cure",
    ),
    "Conservation et patrimoine": (
        "Restauration du clocher de l'église Saint-Pierre",
        "Étude sanitaire du pont \"roman\" et de la chapelle",
        "Protection d'un retable classé Monument historique",
        "Mise en valeur du lavoir & de la fontaine",
    ),
    "Archives": (
        "Classement et tri des archives communales",
        "Récolement des archives après élections",
        "Conditionnement des registres paroissiaux (< 1792)",
    ),
    "Médiathèque": (
        "Projet de médiathèque – tiers-lieu",
        "Informatisation de la bibliothèque municipale 📚",
    ),
    "Eau et assainissement": (
        "Schéma directeur d'assainissement",
        "Mise en conformité de la station d'épuration",
        "Protection des captages d'eau potable",
    ),
    "Espaces naturels sensibles": (
        "Plan de gestion de l'ENS des gorges",
        "Sentier de découverte de la zone humide",
    ),
    "Commerce": ("Reprise du dernier commerce du village (bar-épicerie)",),
    "Tourisme": (
        "Aménagement d'une aire de camping-cars 🚐",
        "Signalétique des sentiers de randonnée",
        "Création d'une voie verte : étude de faisabilité",
    ),
    "Alimentation": ("Approvisionnement local de la cantine scolaire",),
    "Santé": (
        "Projet de maison de santé pluriprofessionnelle",
        "Installation d'un médecin : local & logement",
    ),
}

# A title split over several lines, as typed in the platform's text area.
MULTILINE_SUFFIX = "\nPhase 1 : diagnostic\nPhase 2 : programme"
SCRIPT_OBJET = "Test de saisie <script>alert(1)</script> à supprimer"

STATUTS = ("Terminée", "En cours", "Abandonnée")

CONTACTS = ("M. Martin", "Mme Dupont", "M. Bernard", "Mme Petit", "M. Roux", "Mme Girard",
            "M. Fabre", "Mme Chabert", "M. Faure", "Mme Reynaud", "M. Blanc", "Mme Arnaud")
EMAILS = ("contact@mairie-exemple.fr", "secretariat@mairie-exemple.fr", "accueil@commune-exemple.fr",
          "dgs@cc-exemple.fr", "technique@syndicat-exemple.fr", "mairie@exemple.fr")
# 04 65 71 xx xx is a range ARCEP keeps for fiction: realistic, and nobody's number.
PHONE_PREFIX = "04 65 71"


def cp1252_safe(text: str) -> str:
    """The text without what Windows-1252 cannot encode (emoji): for missions written to such files."""
    return text.encode("cp1252", "ignore").decode("cp1252").replace("  ", " ").strip()


_SPELLINGS: dict[int, dict[str, dict[str, tuple[str, ...]]]] = {}


def spellings(ref: Ref) -> dict[str, dict[str, tuple[str, ...]]]:
    """champ → canonical → accepted spellings (the canonical one first), each checked with ref.resolve."""
    if id(ref) not in _SPELLINGS:
        _SPELLINGS.clear()
        _SPELLINGS[id(ref)] = _build_spellings(ref)
    return _SPELLINGS[id(ref)]


def _build_spellings(ref: Ref) -> dict[str, dict[str, tuple[str, ...]]]:
    out: dict[str, dict[str, list[str]]] = {}
    frames = {"thematique": (ref.thematiques, "thematique"), "prestation": (ref.prestations, "prestation"),
              "partenaire": (ref.partenaires, "partenaire")}
    for champ, (frame, col) in frames.items():
        out[champ] = {v: [v] for v in frame[col]}
    for champ, alias, canon in ref.aliases.select("champ", "alias", "canonique").iter_rows():
        if champ in out and canon in out[champ] and alias not in out[champ][canon]:
            out[champ][canon].append(alias)
    for sigle, canon in ref.prestations.select("sigle", "prestation").iter_rows():
        if sigle not in out["prestation"][canon]:
            out["prestation"][canon].append(sigle)
    for canon in out["thematique"]:
        out["thematique"][canon].append(canon.upper())
    cantons: dict[str, list[str]] = {}
    for row in ref.cantons.iter_rows(named=True):
        forms = [row["label_rapport"], row["code"], row["nom"], row["nom"].upper()]
        cantons[row["code"]] = forms
    for champ, alias, canon in ref.aliases.select("champ", "alias", "canonique").iter_rows():
        if champ == "canton":
            cantons[canon].append(alias)
    out["canton"] = cantons
    checked: dict[str, dict[str, tuple[str, ...]]] = {}
    for champ, table in out.items():
        checked[champ] = {}
        for canon, forms in table.items():
            ok = [f for f in dict.fromkeys(forms) if ref.resolve(champ, f) == canon]
            assert ok, (champ, canon)
            checked[champ][canon] = tuple(ok)
    return checked


TYPE_SPELLINGS = {"commune": ("Commune", "Mairie"), "syndicat": ("Syndicat", "Syndicat mixte"),
                  "CC": ("Communauté de communes", "EPCI", "CC"), "CA": ("Communauté d'agglomération", "EPCI", "CA")}


def demandeur_name(nom: str, variant: int) -> str:
    """'Mairie de Crest', 'Commune de Saillans', 'Mairie du Poët-Laval', 'Commune d'Aouste-sur-Sye'."""
    prefix = ("Mairie", "Commune")[variant % 2]
    for article, contracted in (("Le ", "du "), ("Les ", "des ")):
        if nom.startswith(article):
            return f"{prefix} {contracted}{nom[len(article):]}"
    if nom[:1].upper() in "AEIOUYÉÈÊÂÎÔ":
        return f"{prefix} d'{nom}"
    return f"{prefix} de {nom}"
