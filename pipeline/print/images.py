"""Plotly figures → SVG files for the PDF, through one kaleido server (Debian chromium).

Why one server: kaleido ≥ 1 starts a Chromium per call (4–8 s); a started sync server exports a figure
in ~0.3–0.7 s, so the ~30 figures of the report fit the 60 s budget. Maps need plotly.js's base-map
topology: `plotly.io.defaults.topojson` points to a local folder holding the empty stub, so kaleido
fetches nothing from a CDN. When Chromium or kaleido is unavailable the export returns no image and the
Typst template draws its own bars (maps are then left out, with a note).
"""

from __future__ import annotations

import logging
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import plotly.io as pio

from pipeline.maps.geometry import write_stub_topojson

log = logging.getLogger(__name__)


class SvgExporter:
    """Export figures to SVG files with a single kaleido server; usable as a context manager."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.ok = True
        self.seconds = 0.0
        self.error = ""

    def __enter__(self) -> SvgExporter:
        try:
            import kaleido
            topo = write_stub_topojson(self.folder / "topojson")
            self._saved = (pio.defaults.topojson, pio.defaults.mathjax)
            pio.defaults.topojson = topo.parent.as_uri() + "/"
            pio.defaults.mathjax = None
            # A no-op when a server already runs in this process (the bench builds twice). It is left
            # running for the next build; kaleido closes it at interpreter exit.
            kaleido.start_sync_server(silence_warnings=True)
        except Exception as exc:
            self.ok, self.error = False, f"kaleido indisponible : {exc}"
        return self

    def __exit__(self, *exc) -> None:
        """Put plotly's defaults back (the stub folder is temporary)."""
        if hasattr(self, "_saved"):
            pio.defaults.topojson, pio.defaults.mathjax = self._saved

    def export(self, name: str, make: Callable, width: int, height: int | None = None) -> str | None:
        """Write name.svg; returns its path relative to the folder's parent, or None on failure."""
        if not self.ok:
            return None
        t = time.perf_counter()
        try:
            fig = make()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                svg = pio.to_image(fig, format="svg", width=width, height=height or fig.layout.height)
        except Exception as exc:   # no Chromium, a crash: stop trying, the template has fallbacks
            self.ok, self.error = False, f"export SVG impossible : {exc}"
            log.warning("SVG export failed (%s); the PDF uses Typst-drawn charts", exc)
            return None
        finally:
            self.seconds += time.perf_counter() - t
        path = self.folder / f"{name}.svg"
        path.write_bytes(svg)
        return f"{self.folder.name}/{path.name}"
