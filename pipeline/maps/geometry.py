"""Reference geometry (data/ref/*.geojson) made ready for Plotly geo maps, prepared once per process.

Why this preparation:
- plotly.js geo draws a polygon whose outer ring is counter-clockwise as "the whole globe minus the
  polygon"; the reference files follow RFC 7946 (counter-clockwise outer rings), so every polygon is
  reoriented clockwise (`shapely.geometry.polygon.orient(g, sign=-1.0)`).
- pages embed their geometry inline (a file:// page cannot fetch a separate JSON file), so it is
  simplified as a *coverage* (shared borders stay shared: no slivers between communes) and coordinates
  are rounded to 4 decimals (~10 m), which divides the size by about three at no visible cost.
- the three communes split between cantons (Valence, Montélimar, Romans-sur-Isère) are cut by the
  canton polygon on canton maps, so a canton page shows only its part of the city.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import shapely
from shapely.geometry import mapping
from shapely.geometry.polygon import orient

SIMPLIFY_DEG = 0.0006   # ~50 m: invisible at département scale, keeps canton maps crisp
ROUND_DIGITS = 4

# The topology plotly.js requests for its base map ("world_110m.json"). Every layer is empty: the map
# shows only our GeoJSON, and nothing is fetched from a CDN (see stack-notes: browser and kaleido).
STUB_TOPOLOGY = {
    "type": "Topology",
    "arcs": [],
    "objects": {name: {"type": "GeometryCollection", "geometries": []}
                for name in ("coastlines", "land", "ocean", "lakes", "rivers", "countries", "subunits")},
}


def _clockwise(geom):
    """Outer rings clockwise, holes counter-clockwise: what plotly.js geo expects."""
    if geom.geom_type == "Polygon":
        return orient(geom, sign=-1.0)
    if geom.geom_type == "MultiPolygon":
        return shapely.MultiPolygon([orient(p, sign=-1.0) for p in geom.geoms])
    return geom


def _prepare(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Coverage-simplify, round, keep polygons only, reorient clockwise."""
    geoms = shapely.coverage_simplify(gdf.geometry.values, SIMPLIFY_DEG)
    geoms = shapely.set_precision(geoms, 10 ** -ROUND_DIGITS)
    gdf = gdf.copy()
    gdf["geometry"] = [_clockwise(shapely.make_valid(g) if not g.is_valid else g) for g in geoms]
    return gdf


def feature_collection(gdf: gpd.GeoDataFrame, id_col: str) -> dict:
    """A plain GeoJSON dict with `id` = id_col (Plotly matches `locations` against feature ids)."""
    feats = []
    for key, geom in zip(gdf[id_col], gdf.geometry, strict=True):
        feats.append({"type": "Feature", "id": str(key), "properties": {}, "geometry": _rounded(mapping(geom))})
    return {"type": "FeatureCollection", "features": feats}


def _rounded(geo: dict) -> dict:
    """Round coordinates again after mapping() (floats like 5.123400000001 cost bytes)."""
    def r(c):
        if isinstance(c[0], (int, float)):
            return [round(c[0], ROUND_DIGITS), round(c[1], ROUND_DIGITS)]
        return [r(x) for x in c]
    return {"type": geo["type"], "coordinates": r(geo["coordinates"])}


@dataclass(frozen=True)
class Geometry:
    """Prepared layers of one reference folder and commune millésime."""

    communes: gpd.GeoDataFrame   # code_insee, nom, geometry (millésime of the year)
    cantons: gpd.GeoDataFrame    # code, nom, label_rapport, geometry
    epci: gpd.GeoDataFrame       # siren, nom, geometry

    def canton_communes(self, code_canton: str, codes_insee: list[str], split: set[str]) -> gpd.GeoDataFrame:
        """The canton's communes; a commune split between cantons (codes in `split`) is cut to this
        canton's part, so Valence 1 does not show the whole of Valence."""
        canton = self.cantons.loc[self.cantons["code"] == code_canton].geometry.iloc[0]
        sub = self.communes[self.communes["code_insee"].isin(codes_insee)].copy()
        sub["geometry"] = [_clockwise(_polygonal(shapely.intersection(g, canton))) if c in split else g
                           for c, g in zip(sub["code_insee"], sub.geometry, strict=True)]
        return sub

    def centroids(self, layer: str, id_col: str) -> dict[str, tuple[float, float]]:
        """A point inside each feature (for map labels): id → (lon, lat)."""
        gdf = getattr(self, layer)
        return {str(k): (p.x, p.y) for k, p in zip(gdf[id_col], gdf.geometry.representative_point(), strict=True)}


def _polygonal(geom):
    """Keep the polygon parts of an intersection (it may carry stray lines or points on borders)."""
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    polys = [g for g in getattr(geom, "geoms", []) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(polys) if polys else geom


@lru_cache(maxsize=4)
def load_geometry(ref_dir: str, millesime: int) -> Geometry:
    """Read and prepare the three layers (cached: every page of a build shares them)."""
    d = Path(ref_dir)
    communes_file = d / ("communes.geojson" if millesime <= 2021 else f"communes_{millesime}.geojson")
    if not communes_file.exists():
        communes_file = d / "communes.geojson"
    communes = _prepare(gpd.read_file(communes_file)[["code_insee", "nom", "geometry"]])
    cantons = _prepare(gpd.read_file(d / "cantons.geojson")[["code", "nom", "label_rapport", "geometry"]])
    epci = _prepare(gpd.read_file(d / "epci.geojson")[["siren", "nom", "geometry"]])
    return Geometry(communes, cantons, epci)


def write_stub_topojson(folder: Path) -> Path:
    """Write world_110m.json (the empty base map) into folder; returns the file."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "world_110m.json"
    path.write_text(json.dumps(STUB_TOPOLOGY), encoding="utf-8")
    return path
