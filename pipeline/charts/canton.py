"""Charts of a canton page, as in the report: interventions by thématique and by type of prestation.

Why bars rather than the report's donuts: a canton has up to a dozen thématiques, many of 1–3 %;
labelled bars stay readable on a phone and in print, and keep the thématique colours of the home page.
"""

from __future__ import annotations

import plotly.graph_objects as go

from pipeline.charts.bars import empty, hbar
from pipeline.pages.models import CantonPage


def canton_thematique_bars(page: CantonPage) -> go.Figure:
    """Missions of the canton by thématique, largest first."""
    return hbar(page.thematiques, label_width=26) if page.thematiques else empty()


def canton_prestation_bars(page: CantonPage) -> go.Figure:
    """Missions of the canton by type of prestation (data/ref order)."""
    return hbar(page.prestations, label_width=26) if page.prestations else empty()
