"""Stable colours: one hue per domaine, thématiques shaded within it, ramps for ordered categories.

Why fixed colours: a reader who learns on the home page that Numérique is blue must find it blue on
every canton page and in the PDF, whatever the order or the subset of categories shown there. So a
colour depends only on the label (through data/ref order), never on the position in a chart.

The domaine hues are the Okabe–Ito palette, designed to stay distinguishable with the common colour
vision deficiencies; thématiques of one domaine are lighter/darker shades of its hue, so the domaine
stays readable in a thématique chart.
"""

from __future__ import annotations

from pipeline.ref import Ref

# Okabe–Ito hues, in domaine order of data/ref/domaines.csv
DOMAINE_HUES = {
    "Numérique": "#0072B2",                                          # blue
    "Aménagement, logement, habitat, voirie et énergie": "#E69F00",  # orange
    "Culture et patrimoine": "#CC79A7",                              # reddish purple
    "Environnement, eau et assainissement": "#009E73",               # bluish green
    "Commerce, tourisme et alimentation": "#D55E00",                 # vermillion
    "Santé": "#56B4E9",                                              # sky blue
}
FALLBACK = "#8C8C8C"      # a label missing from data/ref (should not happen: tables use canonical labels)
NOT_REQUESTED = "#E3E3E3"  # communes without a demande on maps: visibly apart, light grey
BORDER = "#FFFFFF"

# Prestations go from light advice to full delegation: an ordered blue-green ramp (light → dark).
PRESTATION_RAMP = ["#C7E9C0", "#74C476", "#31A354", "#006D5B", "#01403A"]
# Commune size classes, small → large: ordered orange-red ramp (light → dark), printable in grey too.
# The lightest class stays ≥ 3:1 against white, the colour of "aucune demande" on maps.
CLASSE_RAMP = ["#F0623F", "#B81D13", "#7A0E0E", "#3A0505"]
PARTENAIRE_TYPE = {"cd26": "#0072B2", "externe": "#E69F00"}
PARTENAIRE_TYPE_LABEL = {"cd26": "Services du Département (CD26)", "externe": "Partenaires extérieurs"}
# Sequential ramp for counts on maps (kept for callers; maps now use discrete COUNT_CLASSES).
COUNT_SCALE = [[0.0, "#DEEBF7"], [0.5, "#6BAED6"], [1.0, "#08306B"]]
# Maps: "aucune demande" is white with a grey outline; the first class is ≥ 3:1 against it, so one
# demande never looks like none. Neighbouring cantons (context only) are light grey.
NO_REQUEST = "#FFFFFF"
NO_REQUEST_LINE = "#9CA3AF"
NEIGHBOUR = "#E5E7EB"
OUTLINE = "#374151"
COUNT_CLASSES = ["#3B8BC2", "#1F6AA8", "#0B4A8B", "#062D5C"]
NICE_BOUNDS = (1, 2, 3, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000)


def luminance(hex_colour: str) -> float:
    """WCAG relative luminance of '#RRGGBB'."""
    def channel(v: int) -> float:
        c = v / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_on(fill: str) -> str:
    """Dark or white text, whichever contrasts more with the fill (≥ 4.5:1 for every colour used)."""
    return "#111827" if contrast("#111827", fill) >= contrast("#FFFFFF", fill) else "#FFFFFF"


def count_classes(max_value: int, k: int = 4) -> list[tuple[int, int]]:
    """Up to k classes of whole counts, with round lower bounds: (1, 24), (25, 49), (50, 99), (100, 112).

    Why discrete classes: whole counts on a continuous ramp make 1 and 2 look alike and the colour bar
    repeats ticks; a legend of integer ranges reads like the report's tables.
    """
    if max_value < 1:
        return []
    lows = [1, *[b for b in NICE_BOUNDS if 1 < b <= max_value][-(k - 1):]] if k > 1 else [1]
    return [(lo, (lows[i + 1] - 1) if i + 1 < len(lows) else max_value) for i, lo in enumerate(lows)]


def _mix(hex_colour: str, target: tuple[int, int, int], t: float) -> str:
    """Move a colour a fraction t of the way towards target (white to lighten, black to darken)."""
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    r, g, b = (round(c + (tc - c) * t) for c, tc in zip((r, g, b), target, strict=True))
    return f"#{r:02X}{g:02X}{b:02X}"


def shades(base: str, n: int) -> list[str]:
    """n shades of a hue, dark to light, the base colour among them (n ≤ 4 in the taxonomy)."""
    steps = {1: [0.0], 2: [0.0, 0.45], 3: [-0.3, 0.0, 0.45], 4: [-0.35, 0.0, 0.35, 0.6]}.get(n)
    if steps is None:
        steps = [-0.4 + 1.05 * i / (n - 1) for i in range(n)]
    return [_mix(base, (0, 0, 0), -s) if s < 0 else _mix(base, (255, 255, 255), s) for s in steps]


class Palette:
    """Colour of every canonical label, computed once from data/ref."""

    def __init__(self, ref: Ref):
        self.domaine = {d: DOMAINE_HUES.get(d, FALLBACK) for d in ref.domaines.sort("ordre")["domaine"]}
        self.thematique: dict[str, str] = {}
        them = ref.thematiques.sort("ordre")
        for dom in self.domaine:
            labels = them.filter(them["domaine"] == dom)["thematique"].to_list()
            self.thematique.update(zip(labels, shades(self.domaine[dom], len(labels)), strict=True))
        prest = ref.prestations.sort("ordre")["prestation"].to_list()
        self.prestation = {p: PRESTATION_RAMP[i % len(PRESTATION_RAMP)] for i, p in enumerate(prest)}
        classes = ref.classes.sort("ordre")["classe"].to_list()
        self.classe = {c: CLASSE_RAMP[i % len(CLASSE_RAMP)] for i, c in enumerate(classes)}
        self.partenaire = {p: PARTENAIRE_TYPE.get(t, FALLBACK)
                           for p, t in ref.partenaires.select("partenaire", "type").iter_rows()}

    def of(self, kind: str, label: str) -> str:
        """Colour of a label of a kind ('domaine', 'thematique', 'prestation', 'classe', 'partenaire')."""
        return getattr(self, kind).get(label, FALLBACK)

