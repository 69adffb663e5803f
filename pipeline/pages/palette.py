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
CLASSE_RAMP = ["#FDBB84", "#F0623F", "#B81D13", "#5C0000"]
PARTENAIRE_TYPE = {"cd26": "#0072B2", "externe": "#E69F00"}
PARTENAIRE_TYPE_LABEL = {"cd26": "Services du Département (CD26)", "externe": "Partenaires extérieurs"}
# Sequential ramp for counts on maps (white-ish → dark blue), colour-blind safe.
COUNT_SCALE = [[0.0, "#DEEBF7"], [0.5, "#6BAED6"], [1.0, "#08306B"]]


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

