"""Which figure goes on which page: the Plotly figures of the site, built from the page models.

Why a registry: the site embeds them as HTML and the PDF exports some of them as SVG; listing them in
one place (name → function) keeps both in step and lets the PDF pick the ones it prints.
"""

from __future__ import annotations

from collections.abc import Callable

import plotly.graph_objects as go

from pipeline import charts, maps
from pipeline.maps.geometry import Geometry
from pipeline.pages.models import CantonPage, Pages
from pipeline.ref import RefYear


def departement_figures(pages: Pages, ref_year: RefYear, geo: Geometry) -> dict[str, Callable[[], go.Figure]]:
    """Figures of the département pages, built lazily (the PDF does not need all of them)."""
    dep = pages.departement
    figs: dict[str, Callable[[], go.Figure]] = {
        "domaines": lambda: charts.domaine_donut(dep),
        "thematiques": lambda: charts.thematique_bars(dep),
        "prestations": lambda: charts.prestation_bars(dep),
        "domaine_prestation": lambda: charts.domaine_prestation_stacked(dep),
        "partenaires": lambda: charts.partenaire_bars(dep),
        "partenaire_types": lambda: charts.partenaire_type_donut(dep),
        "taille_communes": lambda: charts.taille_communes_bars(dep),
        "taille_demandes": lambda: charts.taille_demandes_donut(dep),
        "epci": lambda: charts.epci_bars(dep),
        "map_cantons": lambda: maps.canton_demandes_map(dep, geo),
        "map_communes": lambda: maps.communes_classe_map(dep, ref_year, geo),
        "map_epci": lambda: maps.epci_demandes_map(dep, geo),
    }
    if len(dep.trends) > 1:
        figs["trends"] = lambda: charts.trends_lines(dep)
    if len({r["annee"] for r in dep.trends_domaine}) > 1:
        figs["trends_domaine"] = lambda: charts.trends_domaine_bars(dep)
    return figs


def canton_figures(page: CantonPage, ref_year: RefYear, geo: Geometry) -> dict[str, Callable[[], go.Figure]]:
    """The three figures of a canton page."""
    return {
        "thematiques": lambda: charts.canton_thematique_bars(page),
        "prestations": lambda: charts.canton_prestation_bars(page),
        "map": lambda: maps.canton_communes_map(page, ref_year, geo),
    }
