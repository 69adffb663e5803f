"""Maps from data/ref geometry (geopandas + Plotly geo): see geometry.py (preparation) and figures.py."""

from pipeline.maps.figures import (
           canton_communes_map,
           canton_demandes_map,
           communes_classe_map,
           epci_demandes_map,
)
from pipeline.maps.geometry import (
           STUB_TOPOLOGY,
           Geometry,
           load_geometry,
           write_stub_topojson,
)

__all__ = ["STUB_TOPOLOGY", "Geometry", "canton_communes_map", "canton_demandes_map", "communes_classe_map",
           "epci_demandes_map", "load_geometry", "write_stub_topojson"]
