"""Small static SVG charts and maps for the housing pages: the same file in the site and in the PDF.

Why hand-written SVG: these are a handful of bar, gauge, line and choropleth figures; as SVG text they
need no JavaScript, print crisply in Typst, weigh a few kB and cannot fetch anything. Numbers on them go
through pipeline/fmt.py like every other number a reader sees; text is XML-escaped.
"""

from __future__ import annotations

from html import escape

from pipeline.fmt import fmt_int, fmt_pct

BLUE, ORANGE, GREY, RED, GREEN, INK = "#1F4E79", "#E07B00", "#B8C2CC", "#B3261E", "#2E7D32", "#1B1B1B"
VOLET_COLOURS = {"socle": "#1F4E79", "territorialise": "#4F9D69", "dah": "#C77C02"}
FONT = "font-family:'Liberation Sans',Arial,sans-serif"


def _svg(w: int, h: int, body: list[str], title: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
            f'style="{FONT};max-width:100%;height:auto"><title>{escape(title)}</title>' + "".join(body) + "</svg>")


def _t(x, y, text, size=12, anchor="start", colour=INK, weight="normal") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{colour}" '
            f'font-weight="{weight}">{escape(str(text))}</text>')


def keur(x: float | None) -> str:
    """Euros in the chart style: '1,2 M€', '350 k€'."""
    if x is None:
        return "–"
    if abs(x) >= 1_000_000:
        return f"{x / 1e6:.1f}".replace(".", ",") + "\u202fM€"
    return fmt_int(x / 1000) + "\u202fk€"


def gauges(items: list[tuple[str, float, float, str]], title: str, width: int = 640) -> str:
    """One horizontal gauge per item (label, value, budget, note): bar = value, line = budget."""
    label_w, row_h = 290, 40
    h = 20 + row_h * len(items)
    scale_max = max([max(v, b) for _, v, b, _ in items] + [1]) * 1.08
    plot_w = width - label_w - 110
    body = []
    for i, (label, value, budget, note) in enumerate(items):
        y = 14 + i * row_h
        over = budget and value > budget
        bw = plot_w * value / scale_max
        body.append(_t(label_w - 8, y + 16, label if len(label) <= 44 else label[:43] + "…", 12, "end"))
        body.append(f'<rect x="{label_w}" y="{y + 4}" width="{plot_w * budget / scale_max:.1f}" height="18" fill="#E8EDF2"/>')
        body.append(f'<rect x="{label_w}" y="{y + 4}" width="{bw:.1f}" height="18" fill="{RED if over else BLUE}"/>')
        bx = label_w + plot_w * budget / scale_max
        body.append(f'<line x1="{bx:.1f}" x2="{bx:.1f}" y1="{y}" y2="{y + 26}" stroke="{INK}" stroke-width="2"/>')
        body.append(_t(label_w + bw + 6, y + 18, note, 12, "start", RED if over else INK, "bold" if over else "normal"))
    return _svg(width, h + 10, body, title)


def grouped_bars(categories: list[str], series: list[tuple[str, list[float], str]], title: str,
                 line: list[float] | None = None, line_label: str = "", width: int = 720, height: int = 300) -> str:
    """Bars per category and series; `line` = a budget per category drawn as a dash."""
    left, bottom, top = 56, 46, 20
    plot_w, plot_h = width - left - 10, height - bottom - top
    vmax = max([v for _, vals, _ in series for v in vals] + (line or []) + [1]) * 1.1
    n = len(series)
    gw = plot_w / max(len(categories), 1)
    bw = gw * .7 / n
    body = []
    for k in range(5):
        v = vmax * k / 4
        y = top + plot_h - plot_h * v / vmax
        body.append(f'<line x1="{left}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}" stroke="#E3E7EB"/>')
        body.append(_t(left - 6, y + 4, keur(v), 10, "end", "#555"))
    for i, cat in enumerate(categories):
        x0 = left + gw * i + gw * .15
        for j, (_, vals, colour) in enumerate(series):
            h = plot_h * vals[i] / vmax
            body.append(f'<rect x="{x0 + j * bw:.1f}" y="{top + plot_h - h:.1f}" width="{bw - 2:.1f}" height="{h:.1f}" fill="{colour}"/>')
        if line:
            y = top + plot_h - plot_h * line[i] / vmax
            body.append(f'<line x1="{x0 - 4:.1f}" x2="{x0 + gw * .7 + 4:.1f}" y1="{y:.1f}" y2="{y:.1f}" stroke="{INK}" stroke-width="2" stroke-dasharray="5 3"/>')
        body.append(_t(x0 + gw * .35, top + plot_h + 16, cat, 12, "middle"))
    x = left
    for name, _, colour in series:
        body.append(f'<rect x="{x}" y="{height - 16}" width="12" height="12" fill="{colour}"/>')
        body.append(_t(x + 16, height - 6, name, 11))
        x += int(30 + 6.2 * len(name))
    if line:
        body.append(f'<line x1="{x}" x2="{x + 18}" y1="{height - 10}" y2="{height - 10}" stroke="{INK}" stroke-width="2" stroke-dasharray="5 3"/>')
        body.append(_t(x + 22, height - 6, line_label, 11))
    return _svg(width, height, body, title)


def lines_chart(series: list[tuple[str, list[tuple[float, float]], str, bool]], title: str, x_labels: list[tuple[float, str]],
                hline: tuple[float, str] | None = None, vline: tuple[float, str] | None = None,
                width: int = 640, height: int = 300) -> str:
    """Cumulative curves: series (name, [(x, y)], colour, dashed); optional budget line and marker."""
    left, bottom, top = 60, 46, 16
    plot_w, plot_h = width - left - 16, height - bottom - top
    xs = [x for _, pts, _, _ in series for x, _ in pts] + [x for x, _ in x_labels]
    xmin, xmax = min(xs), max(xs) or 1
    ymax = max([y for _, pts, _, _ in series for _, y in pts] + [hline[0] if hline else 0, 1]) * 1.1

    def px(x):
        return left + plot_w * (x - xmin) / ((xmax - xmin) or 1)

    def py(y):
        return top + plot_h - plot_h * y / ymax
    body = []
    for k in range(5):
        v = ymax * k / 4
        body.append(f'<line x1="{left}" x2="{width - 16}" y1="{py(v):.1f}" y2="{py(v):.1f}" stroke="#E3E7EB"/>')
        body.append(_t(left - 6, py(v) + 4, keur(v), 10, "end", "#555"))
    for x, label in x_labels:
        body.append(_t(px(x), top + plot_h + 16, label, 11, "middle"))
    if hline:
        body.append(f'<line x1="{left}" x2="{width - 16}" y1="{py(hline[0]):.1f}" y2="{py(hline[0]):.1f}" stroke="{RED}" stroke-width="1.5"/>')
        body.append(_t(left + 6, py(hline[0]) - 5, hline[1], 11, "start", RED))
    if vline:
        body.append(f'<line x1="{px(vline[0]):.1f}" x2="{px(vline[0]):.1f}" y1="{top}" y2="{top + plot_h}" stroke="#777" stroke-dasharray="3 3"/>')
        body.append(_t(px(vline[0]) + 4, top + 12, vline[1], 11, "start", "#555"))
    lx: float = left
    for name, pts, colour, dashed in series:
        if pts:
            d = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in pts)
            dash = ' stroke-dasharray="6 4"' if dashed else ""
            body.append(f'<polyline points="{d}" fill="none" stroke="{colour}" stroke-width="2.2"{dash}/>')
        if name:
            dash = ' stroke-dasharray="6 4"' if dashed else ""
            body.append(f'<line x1="{lx}" x2="{lx + 18}" y1="{height - 10}" y2="{height - 10}" stroke="{colour}" stroke-width="2.2"{dash}/>')
            body.append(_t(lx + 22, height - 6, name, 11))
            lx += 40 + 6.6 * len(name)
    return _svg(width, height, body, title)


def scatter(points: list[tuple[float, float, str]], title: str, width: int = 520, height: int = 420) -> str:
    """Voted (y) vs droit (x); the diagonal is conformity, points off it are anomalies."""
    left, bottom, top = 64, 40, 14
    plot = min(width - left - 14, height - bottom - top)
    vmax = max([max(x, y) for x, y, _ in points] + [1]) * 1.05

    def p(v):
        return plot * v / vmax
    body = [f'<rect x="{left}" y="{top}" width="{plot}" height="{plot}" fill="#FAFBFC" stroke="#D0D5DA"/>',
            f'<line x1="{left}" y1="{top + plot}" x2="{left + plot}" y2="{top}" stroke="#999" stroke-dasharray="4 3"/>']
    for k in range(5):
        v = vmax * k / 4
        body.append(_t(left - 6, top + plot - p(v) + 4, keur(v), 10, "end", "#555"))
        body.append(_t(left + p(v), top + plot + 16, keur(v), 10, "middle", "#555"))
    for x, y, colour in points:
        body.append(f'<circle cx="{left + p(x):.1f}" cy="{top + plot - p(y):.1f}" r="3" fill="{colour}" fill-opacity=".7"/>')
    body.append(_t(left + plot / 2, height - 4, "droit calculé", 11, "middle"))
    body.append(_t(12, top + plot / 2, "voté", 11, "middle"))
    return _svg(width, height, body, title)


def choropleth(gdf, id_col: str, values: dict[str, float | None], title: str, legend_title: str,
               fmt=fmt_pct, width: int = 520, labels: dict[str, str] | None = None, n_classes: int = 5) -> str:
    """Polygons of a GeoDataFrame filled by class of value (grey = no value), with a legend."""
    import math

    minx, miny, maxx, maxy = gdf.total_bounds
    k = math.cos(math.radians((miny + maxy) / 2))
    plot_w = width - 150
    s = plot_w / ((maxx - minx) * k)
    height = int((maxy - miny) * s) + 20
    vals = sorted(v for v in values.values() if v is not None)
    palette = ["#DCEAF5", "#A9CBE6", "#6FA5D2", "#3B7BB8", "#1F4E79"][:n_classes]
    breaks = [vals[min(len(vals) - 1, int(len(vals) * i / n_classes))] for i in range(1, n_classes)] if vals else []

    def colour(v):
        if v is None:
            return "#EEEEEE"
        return palette[sum(v > b for b in breaks)]
    body = []
    for _, row in gdf.iterrows():
        geom = row.geometry
        polys = getattr(geom, "geoms", [geom])
        d = ""
        for poly in polys:
            for ring in [poly.exterior, *poly.interiors]:
                d += "M" + " L".join(f"{(x - minx) * k * s + 10:.1f},{(maxy - y) * s + 10:.1f}" for x, y in ring.coords) + " Z "
        v = values.get(row[id_col])
        name = (labels or {}).get(row[id_col], row[id_col])
        body.append(f'<path d="{d}" fill="{colour(v)}" stroke="#fff" stroke-width=".6" fill-rule="evenodd">'
                    f'<title>{escape(str(name))} : {escape(fmt(v) if v is not None else "aucune donnée")}</title></path>')
    lx = plot_w + 24
    body.append(_t(lx, 24, legend_title, 11, weight="bold"))
    edges = [vals[0] if vals else 0, *breaks, vals[-1] if vals else 0]
    for i, c in enumerate(palette[: len(edges) - 1]):
        y = 36 + i * 20
        body.append(f'<rect x="{lx}" y="{y}" width="14" height="14" fill="{c}"/>')
        body.append(_t(lx + 20, y + 11, f"{fmt(edges[i])} – {fmt(edges[i + 1])}", 11))
    y = 36 + (len(edges) - 1) * 20
    body.append(f'<rect x="{lx}" y="{y}" width="14" height="14" fill="#EEEEEE"/>')
    body.append(_t(lx + 20, y + 11, "aucune donnée", 11))
    return _svg(width, max(height, y + 30), body, title)
