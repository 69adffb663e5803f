"""The report's words, written once: titles, captions, definitions, methodology, sentences with figures.

Why one module: the site (Jinja2) and the PDF (Typst, through Pages.to_dict) print these strings as
they are, so the two outputs cannot drift apart. Every string passes through `fmt.typo` (typographic
apostrophe, no-break spaces before ':' ';' '?' '!'), numbers through pipeline.fmt, and plurals
through `fmt.plural` / `fmt.word`. Superscripts are marked ^…^ (see fmt.ordinal); both renderers
turn them into real superscripts.
"""

from __future__ import annotations

import re
from typing import Any

from pipeline.fmt import (
    fmt_dec,
    fmt_int,
    fmt_pct,
    fmt_share,
    fmt_signed_pct,
    ordinal,
    plural,
    typo,
    word,
)
from pipeline.shares import pct_shares

DEPARTEMENT = "Département de la Drôme"
PLATEFORME = typo("plate-forme de l'ingénierie publique")
LICENCE = "Licence Ouverte / Open Licence version 2.0 (Etalab)"


def title(year: int) -> str:
    return typo(f"Ingénierie pour la Drôme – bilan {year} de l'ingénierie publique")


def short_title(year: int) -> str:
    return typo(f"Bilan {year} de l'ingénierie publique")


# Navigation of the site (href, label); "years" adds Tendances, the editorial stage its pages.
NAV: list[tuple[str, str]] = [
    ("index.html", "Bilan départemental"), ("cantons/index.html", "Cantons"), ("epci.html", "EPCI"),
    ("partenaires.html", "Partenaires"), ("tendances.html", "Tendances"), ("actions.html", "Actions"),
    ("methodologie.html", "Méthodologie"),
    ("qualite.html", "Qualité des données"), ("telechargements.html", "Téléchargements"),
]
ANNEX_NAV = ("annexe-technique.html", "Annexe technique")
ACTIONS_PAGE = "actions.html"   # the team's "Actions conduites" (pipeline/editorial): listed only when written


def _t(d: dict[str, Any]) -> dict[str, Any]:
    """typo() on every string of a nested dict."""
    return {k: (typo(v) if isinstance(v, str) else _t(v)) for k, v in d.items()}


# Section titles and their introductions (home page and PDF, in the report's order).
SECTIONS: dict[str, dict[str, str]] = _t({
    "chiffres": {"title": "Chiffres clés"},
    "evolution": {"title": "Évolution"},
    "communes": {"title": "Quelles communes demandeuses ?",
                 "lead": "Cette démarche répond aux besoins des petites collectivités qui ne disposent pas "
                         "de ressources propres."},
    "domaines": {"title": "Répartition par domaine d'intervention",
                 "lead": "Six domaines d'intervention sont identifiés dans le guide de l'ingénierie publique ; "
                         "chaque domaine est détaillé en thématiques. Les parts sont calculées sur les missions."},
    "prestations": {"title": "Types de prestations"},
    "partenaires": {"title": "Qui accompagne ?"},
    "cantons": {"title": "Répartition des demandes par canton"},
    "epci": {"title": "Demandes par EPCI",
             "lead": "Aux communes s'ajoutent les établissements publics de coopération intercommunale (EPCI) "
                     "et d'autres structures (syndicats d'eau et d'assainissement notamment)."},
    "definitions_prestations": {"title": "Définition des prestations proposées"},
})

# Chart titles and captions, by figure name (pipeline.site.figures / pipeline.print use the same names).
CHARTS: dict[str, dict[str, str]] = _t({
    "trends": {"title": "Demandes, missions et communes demandeuses par année"},
    "trends_domaine": {"title": "Part des missions par domaine, par année"},
    "taille_communes": {"title": "Communes ayant fait une demande, par taille",
                        "note": "En couleur, les communes qui ont fait une demande ; en gris, toutes les "
                                "communes de la même taille."},
    "taille_demandes": {"title": "Demandes des communes selon leur taille"},
    "map_communes": {"title": "Carte des communes ayant fait une demande, par taille",
                     "note": "Les communes sans demande sont en blanc. Le détail par commune figure "
                             "sur la page de chaque canton."},
    "domaines": {"title": "Missions par domaine"},
    "thematiques": {"title": "Missions par thématique"},
    "prestations": {"title": "Prestations demandées par les collectivités"},
    "domaine_prestation": {"title": "Prestations au sein de chaque domaine",
                           "note": "Part de chaque type de prestation dans les missions du domaine."},
    "partenaire_types": {"title": "Services du Département et partenaires extérieurs"},
    "partenaires": {"title": "Missions par partenaire",
                    "note": "En bleu, les services du Département ; en orange, les partenaires extérieurs."},
    "map_cantons": {"title": "Demandes par canton",
                    "note": "Chaque canton porte un numéro renvoyant à la liste ; un clic ouvre sa page."},
    "map_epci": {"title": "Demandes par EPCI"},
    "epci": {"title": "Demandes des communes et des EPCI"},
    "canton_thematiques": {"title": "Interventions par thématique",
                           "note": "Missions par thématique, en pourcentage des missions du canton."},
    "canton_prestations": {"title": "Types de prestations"},
    "canton_map": {"title": "Communes du canton ayant fait une demande",
                   "note": "Les communes sans demande sont en blanc ; les cantons voisins en gris clair."},
})

TABLE_CAPTIONS: dict[str, str] = _t({
    "cantons": "Communes concernées, demandes et missions par canton",
    "epci": "Demandes des communes et des EPCI, par EPCI",
    "communes": "Communes du canton ayant fait une demande",
})

ROUNDING_NOTE = typo("Deux effectifs égaux peuvent afficher des parts différentes d'un point : les parts "
                     "arrondies doivent faire 100 % (voir la méthodologie).")


def texts() -> dict[str, Any]:
    """Every fixed text, for Pages.texts (the PDF reads them from data.json)."""
    return {"sections": SECTIONS, "charts": CHARTS, "tables": TABLE_CAPTIONS, "departement": DEPARTEMENT,
            "plateforme": PLATEFORME, "licence": LICENCE, "rounding_note": ROUNDING_NOTE}


# ---------------------------------------------------------------------------- sentences with figures

def intro(year: int, demandes: int, evolution: int | None) -> str:
    text = (f"En {year}, {plural(demandes, 'demande')} de collectivités ont été recensées au sein de la "
            f"{PLATEFORME}")
    if evolution is not None:
        if evolution:
            sens = "augmenté" if evolution > 0 else "diminué"
            text += f" ; leur volume a {sens} de {fmt_pct(abs(evolution))} par rapport à {year - 1}"
        else:
            text += f" ; leur volume est resté stable par rapport à {year - 1}"
    return typo(text + ".")


def key_figure_notes(year: int, s: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(value, label, note) of the home page's key figures, from summary.csv."""
    evo = s.get("evolution_demandes_pct")
    prev = (f"{fmt_signed_pct(evo)} par rapport à {year - 1}" if evo is not None
            else f"les données {year - 1} ne sont pas chargées : pas d'évolution")
    return [(v, typo(lab), typo(n)) for v, lab, n in [
        (fmt_int(s["demandes"]), f"{word(s['demandes'], 'demande')} de collectivités", prev),
        (fmt_int(s["communes_demandeuses"]), word(s["communes_demandeuses"], "commune demandeuse",
                                                  "communes demandeuses"),
         f"soit {fmt_pct(s['part_communes_demandeuses_pct'])} des {fmt_int(s['communes_departement'])} "
         "communes du département"),
        (fmt_int(s["missions"]), word(s["missions"], "mission"),
         "une demande peut mobiliser plusieurs services ou partenaires"),
        (fmt_int(s["epci_demandeurs"]), word(s["epci_demandeurs"], "EPCI demandeur", "EPCI demandeurs"),
         "intercommunalités ayant elles-mêmes fait une demande"),
        (fmt_pct(s["part_cd26_pct"]), "des missions par les services du Département",
         f"et {fmt_pct(s['part_partenaires_pct'])} par les partenaires extérieurs"),
    ]]


def taille_phrase(first: tuple[str, int, int], second: tuple[str, int, int]) -> str:
    """'62 % des demandes des communes sont faites par des communes de moins de 1 000 hab. et 31 % …'."""
    (c1, p1, n1), (c2, p2, n2) = first, second
    return typo(f"{fmt_share(p1, n1)} des demandes des communes sont faites par des communes de {c1} et "
                f"{fmt_share(p2, n2)} par des communes de {c2}").rstrip(".") + "."


def partenaires_phrase(cd26_pct: int, externe_pct: int) -> str:
    return typo(f"{fmt_pct(cd26_pct)} de l'accompagnement est apporté par les services du Conseil "
                f"départemental et {fmt_pct(externe_pct)} par les partenaires de la démarche "
                "d'ingénierie publique.")


def canton_kicker(de_label: str) -> str:
    return typo(f"Bilan de l'assistance technique sur le canton {de_label}")


def canton_phrases(communes: int, demandes: int, missions: int) -> tuple[str, str, str]:
    return (plural(communes, "commune concernée", "communes concernées"), plural(demandes, "demande"),
            plural(missions, "mission"))


def canton_communes_note(total: int) -> str:
    return f"sur {plural(total, 'commune')} du canton"


def quality_lead(t: dict[str, int]) -> str:
    """'2 616 lignes lues dans 8 fichiers : 2 590 acceptées, …' with every plural right."""
    text = (f"{plural(t['lignes_lues'], 'ligne lue', 'lignes lues')} dans {plural(t['fichiers'], 'fichier')} : "
            f"{fmt_int(t['acceptees'])} {word(t['acceptees'], 'acceptée')}, "
            f"{fmt_int(t['quarantaine'])} en quarantaine, {plural(t['doublons'], 'doublon')}, "
            f"{plural(t['conflits'], 'conflit')}")
    if t["refuses"]:
        text += f", {plural(t['refuses'], 'fichier refusé', 'fichiers refusés')}"
    return typo(text + ".")


# -------------------------------------------------------------------------------------- methodology

METHOD_INTRO = typo(
    "Les chiffres de ce bilan sont calculés à partir des exports de la plate-forme de l'ingénierie "
    "publique, où les services du Département et les partenaires enregistrent les demandes des "
    "collectivités et les missions qui y répondent. Cette page explique ce qui est compté et comment.")

DEFINITIONS: list[tuple[str, str]] = [(typo(a), typo(b)) for a, b in [
    ("Demande", "une sollicitation d'une collectivité (commune, EPCI, syndicat…) enregistrée sur la "
                "plate-forme de l'ingénierie publique ; elle est comptée une fois, même si plusieurs "
                "services ou partenaires y répondent."),
    ("Mission", "la réponse d'un service du Département ou d'un partenaire à une demande, pour une "
                "thématique et un type de prestation ; une demande peut donner lieu à plusieurs "
                "missions. Les répartitions par domaine, thématique, prestation et partenaire "
                "comptent des missions."),
    ("Commune demandeuse", "une commune ayant fait au moins une demande dans l'année, identifiée par "
                           "son code officiel géographique en vigueur cette année-là."),
    ("EPCI demandeur", "un établissement public de coopération intercommunale ayant lui-même fait une "
                       "demande (les demandes de ses communes sont comptées à part)."),
    ("Canton d'une demande", "celui de la commune demandeuse. Valence, Montélimar et Romans-sur-Isère "
                             "sont partagées entre plusieurs cantons : une demande y est "
                             "rattachée au canton indiqué dans l'export, et la commune compte dans chacun "
                             "de ses cantons concernés."),
    ("Taille de commune", f"selon la population municipale légale en vigueur au {ordinal(1)} janvier de "
                          "l'année, en quatre classes."),
]]

COUNTING_RULES: list[str] = [typo(r) for r in [
    "les demandes sont comptées une fois chacune, les missions une fois chacune ;",
    "une mission présente dans plusieurs fichiers n'est comptée qu'une fois : la version la plus "
    "récente remplace la précédente ;",
    "une ligne illisible ou impossible à rattacher (date, commune ou thématique inconnue…) n'est pas "
    "comptée : elle est écartée avec sa raison, et la page « Qualité des données » la présente.",
]]

ROUNDING: list[str] = [typo(p) for p in [
    "Les parts sont exprimées en pourcentages entiers, comme dans le bilan publié. Chaque part est "
    "arrondie à l'entier le plus proche ; une part exactement à mi-chemin est arrondie à l'entier "
    "supérieur (12,5 % devient 13 %).",
    "La somme des parts arrondies peut alors s'écarter de 100 % d'un point ou deux. L'écart est "
    "corrigé sur les catégories les plus importantes, un point chacune, en commençant par la plus "
    "grande ; à effectif égal, par la première dans l'ordre du tableau. Le total affiché fait ainsi "
    "toujours 100 %.",
    "Une part non nulle qui s'arrondit à 0 % est affichée « < 1 % ».",
]]


def rounding_example() -> list[str]:
    """The worked example, computed with the rule itself (pipeline.shares) so it cannot go stale."""
    counts = [5, 5, 2]
    names = ["voirie", "aménagement", "eau et assainissement"]
    total = sum(counts)
    exact = [fmt_dec(100 * c / total, 2) + "\u202f%" for c in counts]
    rounded = [(200 * c + total) // (2 * total) for c in counts]
    final = pct_shares(counts)
    return [typo(s) for s in [
        f"Un canton compte {total} missions : {counts[0]} en {names[0]}, {counts[1]} en {names[1]} et "
        f"{counts[2]} en {names[2]}.",
        f"Parts exactes : {', '.join(exact[:-1])} et {exact[-1]} ; arrondies : "
        f"{', '.join(fmt_pct(r) for r in rounded[:-1])} et {fmt_pct(rounded[-1])}, "
        f"soit {fmt_pct(sum(rounded))}.",
        f"Le point en trop est retiré à la plus grande catégorie — la première des deux à égalité dans "
        f"l'ordre du tableau : {', '.join(fmt_pct(r) for r in final[:-1])} et {fmt_pct(final[-1])}, "
        f"soit {fmt_pct(sum(final))}.",
        "C'est pourquoi deux effectifs égaux peuvent afficher des parts différentes d'un point.",
    ]]


def _years(note: str) -> tuple[str | None, str | None]:
    """Population millésime and the year it is in force, read from data/ref/millesimes.csv's note."""
    m = re.search(r"mill[ée]sime (\d{4})", note or "")
    f = re.search(r"1 (?:January|janvier) (\d{4})", note or "")
    return (m.group(1) if m else None, f.group(1) if f else None)


def geography(year: int, millesime: int, note: str) -> str:
    pop, in_force = _years(note)
    pop_txt = (f"populations légales millésime {pop}, en vigueur au {ordinal(1)} janvier {in_force}"
               if pop and in_force else "populations légales de l'Insee")
    return typo(f"Pour {year}, les communes, leur canton, leur EPCI et leur taille sont ceux de la géographie "
                f"communale au {ordinal(1)} janvier {millesime} ; la taille des communes suit les {pop_txt}.")


def sources(year: int, millesime: int, note: str) -> list[str]:
    """Sources cited as an administration cites them: producer, title, date."""
    pop, in_force = _years(note)
    pop_line = (f"Insee, populations légales millésime {pop} en vigueur au {ordinal(1)} janvier {in_force}."
                if pop and in_force else "Insee, populations légales.")
    return [typo(s) for s in [
        f"Département de la Drôme, {PLATEFORME} : exports des demandes et des missions {year}.",
        f"Insee, Code officiel géographique au {ordinal(1)} janvier {millesime} (communes et cantons).",
        pop_line,
        f"Direction générale des collectivités locales (DGCL), liste des établissements publics de "
        f"coopération intercommunale à fiscalité propre au {ordinal(1)} janvier {millesime}.",
        "IGN, Admin Express COG, édition 2018 : contours des communes et des cantons, généralisés.",
    ]]


def licence_text() -> str:
    return typo(f"Données de référence publiées sous {LICENCE}. Les tableaux de ce bilan sont diffusés sous "
                "la même licence (page « Téléchargements »).")
