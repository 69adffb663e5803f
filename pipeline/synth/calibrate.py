"""Decide the counts behind the 2021 report: canton totals, department totals, partner × thématique.

The printed report contradicts itself in places (see docs/calibration.md). Each decision is a rule
applied here, not a number typed in, so that the calibration can be re-derived and argued with:

(a) a canton's missions may exceed its demandes;
(b) a canton's mission total is the smallest N ≥ its demandes reproducing BOTH its charts under R2;
(c) department commune figures win over canton pages (see `canton_commune_targets`);
(d) the department mission total M is the smallest M ≥ Σ canton missions + non-commune demandes for
    which every department chart reproduces with each count ≥ the sum of its canton counts;
(e) partner counts reproduce the partner chart; partners are paired with thématiques plausibly where
    possible (vocab.PARTNER_THEMES), arbitrarily otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from pipeline.ref import load_ref
from pipeline.synth.solver import feasible, solve, solve_nested
from pipeline.synth.words import words

# Partners absent from the chart (0 %) still worked a little according to the text: a few missions
# each keep them in the tables at 0 % (≤ 5 of ~1 066 rounds to 0): words.ZERO_PCT_PARTNER_COUNTS.
# Every search for the smallest total that fits goes at most this far above its floor.
MAX_EXTRA_MISSIONS = 5_000
# Canton pages that cannot all be met (rule c): the department's 251 communes leave 4 canton counts
# one short; these four largest pages lose one commune each (the smallest relative error).
COMMUNE_SHORT_CANTONS = ("2610", "2604", "2605", "2603")


@dataclass(frozen=True)
class CantonPlan:
    code: str
    demandes: int
    communes: int            # communes concernées to reproduce (may be one below the page, rule c)
    missions: int            # N_c, rule (b)
    thematique: tuple[int, ...]   # counts in thematiques.csv order
    prestation: tuple[int, ...]   # counts in prestations.csv order


@dataclass(frozen=True)
class Calibration:
    thematiques: tuple[str, ...]
    domaines: tuple[str, ...]
    prestations: tuple[str, ...]
    partenaires: tuple[str, ...]
    cantons: dict[str, CantonPlan]
    missions: int                                 # department M, rule (d)
    commune_demandes: int
    other_demandes: int                           # EPCI + syndicats
    thematique: tuple[int, ...]
    prestation: tuple[int, ...]
    partenaire: tuple[int, ...]
    partner_theme: dict[tuple[str, str], int]     # (partenaire, thematique) → missions, rule (e)

    @property
    def domaine(self) -> tuple[int, ...]:
        ref = load_ref().taxonomy_for(2021)
        of = dict(ref.thematiques.select("thematique", "domaine").iter_rows())
        return tuple(sum(c for t, c in zip(self.thematiques, self.thematique, strict=True) if of[t] == d) for d in self.domaines)


def _vector(labels: tuple[str, ...], values: dict[str, int]) -> list[int]:
    unknown = set(values) - set(labels)
    assert not unknown, unknown
    return [values.get(x, 0) for x in labels]


def _canton_plan(code: str, page: dict, th: tuple[str, ...], pr: tuple[str, ...]) -> CantonPlan:
    tp, pp = _vector(th, page["thematique"]), _vector(pr, page["prestation"])
    # printed slices have at least one mission; unprinted categories have none
    lt, ut = [1 if p else 0 for p in tp], [10**6 if p else 0 for p in tp]
    lp, up = [1 if p else 0 for p in pp], [10**6 if p else 0 for p in pp]
    n = next((n for n in range(page["demandes"], page["demandes"] + MAX_EXTRA_MISSIONS)
              if feasible(tp, n, lt, ut) and feasible(pp, n, lp, up)), None)
    if n is None:
        raise AssertionError(f"canton {code}: no total up to {MAX_EXTRA_MISSIONS} above its demandes fits both charts")
    # the yaml's reconstructed counts, rescaled to n, are the preferred solution
    tc, pc = _vector(th, page["thematique_count"]), _vector(pr, page["prestation_count"])
    t = solve(tp, n, lt, ut, [c * n / sum(tc) for c in tc])
    p = solve(pp, n, lp, up, [c * n / sum(pc) for c in pc])
    assert t is not None and p is not None   # n was raised until both are feasible
    communes = page["communes"] - (1 if code in COMMUNE_SHORT_CANTONS else 0)
    return CantonPlan(code, page["demandes"], communes, n, tuple(t), tuple(p))


def _partner_theme(partenaires, partner_counts, thematiques, theme_counts) -> dict[tuple[str, str], int]:
    """Transport partners onto thématiques: usual pairs first (in preference rank), then the rest."""
    usual = words().partner_themes
    left_p = dict(zip(partenaires, partner_counts, strict=True))
    left_t = dict(zip(thematiques, theme_counts, strict=True))
    out: dict[tuple[str, str], int] = {}

    def put(p: str, t: str, k: int) -> None:
        if k > 0:
            out[(p, t)] = out.get((p, t), 0) + k
            left_p[p] -= k
            left_t[t] -= k

    for rank in range(3):
        # partners with a single usual thématique first, so they are not crowded out
        for p in sorted(partenaires, key=lambda x: len(usual[x])):
            themes = usual[p]
            if rank < len(themes):
                put(p, themes[rank], min(left_p[p], left_t[themes[rank]]))
    for p in partenaires:                      # arbitrary: the thématiques with most room left
        for _ in range(len(thematiques)):      # each pass fills one thématique or the partner
            if left_p[p] == 0:
                break
            t = max(thematiques, key=lambda x: left_t[x])
            put(p, t, min(left_p[p], left_t[t]))
    assert not any(left_p.values()) and not any(left_t.values())
    return out


@lru_cache(maxsize=1)
def calibrate() -> Calibration:
    ref = load_ref().taxonomy_for(2021)
    th = tuple(ref.thematiques.sort("ordre")["thematique"])
    dom = tuple(ref.domaines.sort("ordre")["domaine"])
    pr = tuple(ref.prestations.sort("ordre")["prestation"])
    pa = tuple(ref.partenaires.sort("ordre")["partenaire"])
    parent = [dom.index(d) for d in ref.thematiques.sort("ordre")["domaine"]]
    w = words()
    dep = w.department

    cantons = {code: _canton_plan(code, page, th, pr) for code, page in sorted(w.cantons.items())}
    commune_demandes = sum(c.demandes for c in cantons.values())
    other = dep["demandes"] - commune_demandes
    canton_t = [sum(c.thematique[i] for c in cantons.values()) for i in range(len(th))]
    canton_p = [sum(c.prestation[i] for c in cantons.values()) for i in range(len(pr))]

    tp, dp = _vector(th, dep["thematique"]), _vector(dom, dep["domaine"])
    pp, ap = _vector(pr, dep["prestation"]), _vector(pa, dep["partenaire"])
    zero_pa = [w.zero_pct_partners.get(x, 0) for x in pa]
    floor = sum(c.missions for c in cantons.values()) + other   # each demande has at least one mission
    for m in range(floor, floor + MAX_EXTRA_MISSIONS):
        t = solve_nested(tp, dp, parent, m, [max(c, 1 if p else 0) for c, p in zip(canton_t, tp, strict=True)])
        p = solve(pp, m, [max(c, 1) for c in canton_p]) if t else None
        a = solve(ap, m, [1 if x else z for x, z in zip(ap, zero_pa, strict=True)],
                  [10**6 if x else z for x, z in zip(ap, zero_pa, strict=True)]) if p else None
        if a:
            break
    else:
        raise AssertionError(f"no department total up to {floor + MAX_EXTRA_MISSIONS} fits every chart")
    assert t is not None and p is not None and a is not None
    return Calibration(th, dom, pr, pa, cantons, m, commune_demandes, other, tuple(t), tuple(p), tuple(a),
                       _partner_theme(pa, a, th, t))
