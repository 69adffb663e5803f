"""Plotly charts of the report, one small function per chart (see departement.py, canton.py).

Every function takes typed page-model objects (pipeline.pages.models) and returns a go.Figure with French
number formatting and the stable colours of pipeline.pages.palette.
"""

from pipeline.charts.canton import canton_prestation_bars, canton_thematique_bars
from pipeline.charts.departement import (
    domaine_donut,
    domaine_prestation_stacked,
    epci_bars,
    partenaire_bars,
    partenaire_type_donut,
    prestation_bars,
    taille_communes_bars,
    taille_demandes_donut,
    thematique_bars,
    trends_domaine_bars,
    trends_lines,
)

__all__ = ["canton_prestation_bars", "canton_thematique_bars", "domaine_donut", "domaine_prestation_stacked",
           "epci_bars", "partenaire_bars", "partenaire_type_donut", "prestation_bars", "taille_communes_bars",
           "taille_demandes_donut", "thematique_bars", "trends_domaine_bars", "trends_lines"]
