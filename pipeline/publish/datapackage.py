"""`datapackage.json`: the descriptor a data portal reads (Frictionless Data Package, v1).

Why: data.gouv.fr and the Frictionless tools take one file that lists every table with its schema,
licence and sources; with it the downloads folder is a data set, not a pile of CSVs. Each resource
points to its CSV and to the TableSchema beside it, so the columns are documented once.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from pipeline.publish.schemas import DATASET_TITLE, LICENCE, PUBLISHER, SOURCES, TABLES

PROFILE = "tabular-data-package"


def datapackage(year: int, names: list[str], edited: dt.date | None = None) -> dict:
    """The descriptor of the year's tables (NAME.csv + NAME.schema.json for each name)."""
    edited = edited or dt.date.today()
    resources = []
    for name in names:
        title, description = TABLES.get(name, (name, ""))
        resources.append({
            "name": name, "path": f"{name}.csv", "profile": "tabular-data-resource", "title": title,
            "description": description, "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "dialect": {"delimiter": ",", "header": True},
            "schema": f"{name}.schema.json", "licenses": [LICENCE],
        })
    return {
        "profile": PROFILE,
        "name": f"bilan-ingenierie-publique-drome-{year}",
        "title": DATASET_TITLE.format(year=year),
        "description": (f"Tables du bilan {year} de l'ingénierie publique de la Drôme : demandes et missions "
                        "par domaine, thématique, prestation, partenaire, taille de commune, canton, EPCI et "
                        "commune, et lignes des exports mises en quarantaine."),
        "version": f"{year}.{edited:%Y%m%d}",
        "created": f"{edited.isoformat()}T00:00:00Z",
        "keywords": ["ingénierie publique", "Drôme", "collectivités", "bilan annuel", str(year)],
        "licenses": [LICENCE],
        "sources": SOURCES,
        "contributors": [{"title": PUBLISHER, "role": "publisher"}],
        "temporal": {"start": f"{year}-01-01", "end": f"{year}-12-31"},
        "spatial": "Département de la Drôme (26)",
        "resources": resources,
    }


def write_datapackage(folder: Path, year: int, names: list[str], edited: dt.date | None = None) -> Path:
    path = Path(folder) / "datapackage.json"
    path.write_text(json.dumps(datapackage(year, names, edited), ensure_ascii=False, indent=2) + "\n",
                    encoding="utf-8")
    return path
