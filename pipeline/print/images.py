"""Plotly figures → SVG files for the PDF, through one kaleido server (Debian chromium).

Why one server: kaleido ≥ 1 starts a Chromium per call (4–8 s); a started sync server exports a figure
in ~0.3–0.7 s, so the ~30 figures of the report fit the 60 s budget. Maps need plotly.js's base-map
topology: `plotly.io.defaults.topojson` points to a local folder holding the empty stub, so kaleido
fetches nothing from a CDN. When Chromium or kaleido is unavailable the export returns no image and the
Typst template draws its own bars (maps are then left out, with a note).
"""

from __future__ import annotations

import logging
import re
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import plotly.io as pio

from pipeline.maps.geometry import write_stub_topojson

log = logging.getLogger(__name__)


class SvgExporter:
    """Export figures to SVG files with a single kaleido server; usable as a context manager."""

    def __init__(self, folder: Path, font_family: str | None = None):
        self.folder = Path(folder)
        self.font_family = font_family
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
            # A no-op when a server already runs in this process; stopped again on leaving.
            kaleido.start_sync_server(silence_warnings=True)
        except Exception as exc:
            self.ok, self.error = False, f"kaleido indisponible : {exc}"
        return self

    def __exit__(self, *exc) -> None:
        """Put plotly's defaults back (the stub folder is temporary) and stop the Chromium server now:
        left to kaleido's exit handler, its profile folder's removal can race Chromium and print an
        OSError ('Directory not empty: Default') after the report is written."""
        if hasattr(self, "_saved"):
            pio.defaults.topojson, pio.defaults.mathjax = self._saved
        try:
            import kaleido
            kaleido.stop_sync_server(silence_warnings=True)
        except Exception as err:   # nothing of the report depends on it
            log.debug("kaleido server stop: %s", err)

    def export(self, name: str, make: Callable, width: int, height: int | None = None,
               min_font: float = 0) -> tuple[str, int, int] | None:
        """Write name.svg; returns (path relative to the folder's parent, width, height in px), or None."""
        if not self.ok:
            return None
        t = time.perf_counter()
        try:
            fig = make()
            if self.font_family:
                fig.update_layout(font_family=self.font_family)
            if min_font:
                enforce_min_font(fig, min_font)
            legend_below(fig)
            superscripts(fig)
            height = int(height or fig.layout.height or 450)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                svg = pio.to_image(fig, format="svg", width=width, height=height)
        except Exception as exc:   # no Chromium, a crash: stop trying, the template has fallbacks
            self.ok, self.error = False, f"export SVG impossible : {exc}"
            log.warning("SVG export failed (%s); the PDF uses Typst-drawn charts", exc)
            return None
        finally:
            self.seconds += time.perf_counter() - t
        path = self.folder / f"{name}.svg"
        path.write_bytes(svg)
        return f"{self.folder.name}/{path.name}", width, height


def _bigger(size, floor: float):
    if size is None:
        return None
    if isinstance(size, int | float):
        return max(size, floor)
    return [max(s, floor) if isinstance(s, int | float) else s for s in size]


_SUP = re.compile(r"\^([^\^ ]+)\^")


def _sup(value):
    if isinstance(value, str):
        return _SUP.sub(r"<sup>\1</sup>", value)
    if isinstance(value, list | tuple):
        return [_sup(v) for v in value]
    return value


def superscripts(fig) -> None:
    """The pages' prose marks superscripts as 1^er^ (pipeline.fmt.ordinal): Plotly writes <sup>."""
    for trace in fig.data:
        for attr in ("name", "text", "x", "y"):
            value = getattr(trace, attr, None)
            if value is None:
                continue
            items = [value] if isinstance(value, str) else list(value)
            if any(isinstance(v, str) and "^" in v for v in items):
                setattr(trace, attr, _sup(value if isinstance(value, str) else items))


def legend_below(fig) -> None:
    """A horizontal legend under the plot is anchored by its top, below the axis labels (with the
    print fonts it would otherwise cover the year labels of the x axis)."""
    legend = fig.layout.legend
    if legend.orientation == "h" and legend.y is not None and legend.y < 0:
        fig.update_layout(legend={"y": min(legend.y, -0.12), "yanchor": "top"})


def enforce_min_font(fig, floor: float) -> None:
    """Raise every font of the figure (labels, ticks, legend, annotations, colour bars) to `floor` px.

    Why: the PDF places figures at a known scale, and a label must print at 7 pt at least; the site's
    figures are designed for a screen, where 9 px is readable with zoom.
    """
    base = fig.layout.font.size or 12
    if base < floor:
        fig.update_layout(font_size=floor)
    for trace in fig.data:
        textfont = getattr(trace, "textfont", None)
        if textfont is not None and textfont.size is not None:
            trace.textfont.size = _bigger(textfont.size, floor)
        for attr in ("insidetextfont", "outsidetextfont"):
            font = getattr(trace, attr, None)
            if font is not None and font.size is not None:
                setattr(trace, attr, {"size": _bigger(font.size, floor)})
        colorbar = getattr(getattr(trace, "marker", None), "colorbar", None) or getattr(trace, "colorbar", None)
        if colorbar is not None and colorbar.tickfont is not None and colorbar.tickfont.size is not None:
            colorbar.tickfont.size = max(colorbar.tickfont.size, floor)
    for annotation in fig.layout.annotations or ():
        if annotation.font is not None and annotation.font.size is not None and annotation.font.size < floor:
            annotation.font.size = floor
    if fig.layout.legend.font.size is not None and fig.layout.legend.font.size < floor:
        fig.layout.legend.font.size = floor
    for axis in ("xaxis", "yaxis"):
        ax = getattr(fig.layout, axis, None)
        if ax is not None and ax.tickfont.size is not None and ax.tickfont.size < floor:
            ax.tickfont.size = floor
