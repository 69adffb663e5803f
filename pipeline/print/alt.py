"""Alternative text of every figure of the PDF, written from the page models (values included).

Why here: a screen reader reading the tagged PDF gets, for each chart or map, what a sighted reader
gets from it — the categories with their shares and counts — not "graphique". The strings use the
same French formatting as the page (`*_txt` fields of Pages.to_dict()).
"""

from __future__ import annotations

from typing import Any

MAX_ITEMS = 40   # beyond this an alternative text points to the table beside the figure


def _list(items: list[str]) -> str:
    if len(items) > MAX_ITEMS:
        return " ; ".join(items[:MAX_ITEMS]) + f" ; et {len(items) - MAX_ITEMS} autres (voir le tableau)"
    return " ; ".join(items)


def _share_txt(r: dict[str, Any]) -> str:
    pct = "moins de 1 %" if r.get("pct") == 0 and r.get("count", 0) > 0 else r.get("pct_txt", "")
    return f"{r.get('label', '')} : {pct} ({r.get('count_txt', '')})"


def figure_alt(name: str, title: str, d: dict[str, Any]) -> str:
    """The alternative text of a département figure `name` (a key of pipeline.site.figures)."""
    dep = d["departement"]
    head = f"{title}. " if title else ""
    if name in ("domaines", "thematiques", "prestations", "partenaires", "partenaire_types"):
        return head + "Part des missions et nombre de missions : " + _list([_share_txt(r) for r in dep[name]]) + "."
    if name == "taille_demandes":
        return head + "Demandes des communes par taille : " + _list(
            [f"{r['classe']} : {r['pct_demandes_txt']} ({r['demandes_txt']})" for r in dep["taille"]]) + "."
    if name == "domaine_prestation":
        return head + "Part de chaque type de prestation dans les missions du domaine : " + _list(
            [f"{r['domaine']}, {r['short'] or r['prestation']} : {r['pct_txt']}" for r in dep["domaine_prestation"]]) + "."
    if name == "epci":
        return head + "Demandes des communes et de l'EPCI lui-même, par EPCI : " + _list(
            [f"{r['nom']} : {r['demandes_communes_txt']} + {r['demandes_epci_txt']}" for r in dep["epci"]]) + "."
    if name == "trends":
        return head + "Par année, demandes, missions et communes demandeuses : " + _list(
            [f"{t['annee']} : {t['demandes_txt']}, {t['missions_txt']}, {t['communes_demandeuses_txt']}"
             for t in dep["trends"]]) + "."
    if name == "trends_domaine":
        return head + "Part des missions par domaine, chaque année : " + _list(
            [f"{t['annee']}, {t['domaine']} : {t['pct_txt']}" for t in dep["trends_domaine"]]) + "."
    if name == "map_cantons":
        return head + "Carte des 19 cantons de la Drôme, colorés selon le nombre de demandes : " + _list(
            [f"{c['label']} : {c['demandes_txt']}" for c in dep["cantons"]]) + "."
    if name == "map_communes":
        return head + ("Carte des communes de la Drôme ; les communes ayant fait une demande sont colorées selon "
                       "leur taille, les autres en gris clair. Le détail par commune figure sur la page de chaque "
                       "canton.")
    if name == "map_epci":
        return head + "Carte des EPCI de la Drôme, colorés selon le nombre de demandes : " + _list(
            [f"{r['nom']} : {r['demandes_txt']}" for r in dep["epci"]]) + "."
    return head.strip()


def canton_map_alt(c: dict[str, Any]) -> str:
    """The canton map: which communes made how many demandes (the table beside it lists them too)."""
    communes = [f"{m['nom']} : {m['demandes_txt']}" for m in c["communes"]]
    if not communes:
        return f"Carte des communes du canton {c['de_label']} : aucune commune n'a fait de demande."
    return (f"Carte des communes du canton {c['de_label']}, colorées selon le nombre de demandes ; les autres "
            f"communes en gris clair. Communes ayant fait une demande : {_list(communes)}.")
