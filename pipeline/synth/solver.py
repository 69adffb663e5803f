"""Exact integer search for the counts behind a printed pie chart.

The 2021 report prints whole percents only. To rebuild data that prints the same charts we need count
vectors c (summing to a total N) with `pct_shares(c) == printed` (rule R2). Brute force is hopeless at
department scale (20 categories, N ≈ 1 100), but R2's solution set is a finite union of *boxes*
(one integer interval per category) that can be enumerated directly:

- let d = 100 − Σ round_half_up(c_i): the |d| largest counts S get sign(d) each, so category i must
  round to p_i − sign(d) if i ∈ S, else to p_i: one interval per category;
- "S are the |d| largest, ties in table order" becomes box constraints once we fix b, the smallest
  member of S, and its count t: members of S before b need c ≥ t, after b c ≥ t+1; others before b
  need c ≤ t−1, after b c ≤ t.

Every integer vector of such a box with the right sum is a solution, and every solution lies in one of
them, so the search is exact; `pct_shares` re-checks each returned vector anyway.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import combinations

from pipeline.shares import pct_shares


def pct_interval(q: int, total: int) -> tuple[int, int]:
    """Counts c with round_half_up(100·c/total) == q, as [lo, hi] (empty when lo > hi)."""
    if q < 0:
        return (1, 0)
    lo = max(0, -((-(2 * q - 1) * total) // 200))      # ceil((2q−1)·N/200)
    hi = -((-(2 * q + 1) * total) // 200) - 1           # ceil((2q+1)·N/200) − 1
    return (lo, min(hi, total))


@dataclass(frozen=True)
class Box:
    lo: tuple[int, ...]
    hi: tuple[int, ...]

    def feasible(self, total: int) -> bool:
        return all(a <= b for a, b in zip(self.lo, self.hi, strict=True)) and sum(self.lo) <= total <= sum(self.hi)


def iter_boxes(printed: Sequence[int], total: int, lower: Sequence[int] | None = None,
               upper: Sequence[int] | None = None) -> Iterator[Box]:
    """Boxes whose integer points summing to `total` are exactly the R2 solutions within bounds."""
    n = len(printed)
    if total <= 0 or sum(printed) != 100:
        return
    lower = list(lower) if lower is not None else [0] * n
    upper = list(upper) if upper is not None else [total] * n

    def clip(iv: tuple[int, int], i: int) -> tuple[int, int]:
        return (max(iv[0], lower[i]), min(iv[1], upper[i]))

    out_iv = [clip(pct_interval(p, total), i) for i, p in enumerate(printed)]
    # d = 0: plain rounding already sums to 100
    box = Box(tuple(a for a, _ in out_iv), tuple(b for _, b in out_iv))
    if box.feasible(total):
        yield box
    for size in range(1, n + 1):
        for sign in (1, -1):
            in_iv = [clip(pct_interval(p - sign, total), i) for i, p in enumerate(printed)]
            candidates = [i for i in range(n) if in_iv[i][0] <= in_iv[i][1]]
            if len(candidates) < size or not _sum_reachable(size, sign, total, in_iv, out_iv, candidates):
                continue
            yield from _ordered_boxes(n, size, total, in_iv, out_iv, candidates)


def _sum_reachable(size, sign, total, in_iv, out_iv, candidates) -> bool:
    """Can any `size` members moved by `sign` still let the counts sum to `total`? (a cheap prune)"""
    if sign > 0:   # members must round one point lower: the sum's ceiling drops
        drops = sorted(max(0, out_iv[i][1] - in_iv[i][1]) for i in candidates)
        return sum(b for _, b in out_iv) - sum(drops[:size]) >= total
    rises = sorted(max(0, in_iv[i][0] - out_iv[i][0]) for i in candidates)
    return sum(a for a, _ in out_iv) + sum(rises[:size]) <= total


def _ordered_boxes(n, size, total, in_iv, out_iv, candidates) -> Iterator[Box]:
    for b in candidates:
        for t in range(in_iv[b][0], in_iv[b][1] + 1):
            lo, hi = [0] * n, [0] * n
            lo[b] = hi[b] = t
            forced_in, free, ok = [], [], True
            box_in, box_out = {}, {}
            for j in range(n):
                if j == b:
                    continue
                # members of S must rank above b, the others below it
                a_in = (max(in_iv[j][0], t if j < b else t + 1), in_iv[j][1])
                a_out = (out_iv[j][0], min(out_iv[j][1], t - 1 if j < b else t))
                can_in, can_out = a_in[0] <= a_in[1], a_out[0] <= a_out[1]
                box_in[j], box_out[j] = a_in, a_out
                if can_in and can_out:
                    free.append(j)
                elif can_in:
                    forced_in.append(j)
                elif not can_out:
                    ok = False
                    break
            if not ok or len(forced_in) > size - 1:
                continue
            for extra in combinations(free, size - 1 - len(forced_in)):
                members = set(forced_in) | set(extra)
                for j in range(n):
                    if j != b:
                        lo[j], hi[j] = box_in[j] if j in members else box_out[j]
                box = Box(tuple(lo), tuple(hi))
                if box.feasible(total):
                    yield box


def closest_in_box(box: Box, total: int, prefer: Sequence[float]) -> list[int]:
    """The box point with the given sum nearest to `prefer` (clamp, then move proportionally)."""
    c = [min(max(round(p), a), b) for p, a, b in zip(prefer, box.lo, box.hi, strict=True)]
    gap = total - sum(c)
    while gap:
        step = 1 if gap > 0 else -1
        best, best_score = None, None
        for i, (v, a, b) in enumerate(zip(c, box.lo, box.hi, strict=True)):
            if (step > 0 and v < b) or (step < 0 and v > a):
                score = (prefer[i] - v) * step  # how far below (or above) its preference it sits
                if best_score is None or score > best_score:
                    best, best_score = i, score
        assert best is not None   # gap ≠ 0 inside a feasible box: some cell can still move
        c[best] += step
        gap -= step
    return c


def solve(printed: Sequence[int], total: int, lower: Sequence[int] | None = None,
          upper: Sequence[int] | None = None, prefer: Sequence[float] | None = None) -> list[int] | None:
    """A count vector reproducing `printed` at `total` under R2, nearest to `prefer` (L1), or None.

    Default preference: printed·total/100. Bounds are inclusive per category.
    """
    if prefer is None:
        prefer = [p * total / 100 for p in printed]
    best, best_dist = None, None
    for box in iter_boxes(printed, total, lower, upper):
        c = closest_in_box(box, total, prefer)
        dist = sum(abs(a - b) for a, b in zip(c, prefer, strict=True))
        if best_dist is None or dist < best_dist:
            best, best_dist = c, dist
            if dist == 0:
                break
    if best is not None:
        assert pct_shares(best) == list(printed), (best, printed)
    return best


def feasible(printed: Sequence[int], total: int, lower=None, upper=None) -> bool:
    return next(iter_boxes(printed, total, lower, upper), None) is not None


def solve_nested(child_printed: Sequence[int], parent_printed: Sequence[int], parent_of: Sequence[int],
                 total: int, lower: Sequence[int] | None = None, upper: Sequence[int] | None = None,
                 prefer: Sequence[float] | None = None) -> list[int] | None:
    """Child counts reproducing the child chart whose sums per parent reproduce the parent chart.

    Why: the department prints thématiques and domaines from the same missions; a domaine's count is
    the sum of its thématiques, so the two charts must be solved together.
    """
    n, m = len(child_printed), len(parent_printed)
    if prefer is None:
        prefer = [p * total / 100 for p in child_printed]
    parent_boxes = list(iter_boxes(parent_printed, total))
    best, best_dist = None, None
    for cbox in iter_boxes(child_printed, total, lower, upper):
        slo, shi = [0] * m, [0] * m
        for i in range(n):
            slo[parent_of[i]] += cbox.lo[i]
            shi[parent_of[i]] += cbox.hi[i]
        for pbox in parent_boxes:
            glo = [max(a, b) for a, b in zip(slo, pbox.lo, strict=True)]
            ghi = [min(a, b) for a, b in zip(shi, pbox.hi, strict=True)]
            if not Box(tuple(glo), tuple(ghi)).feasible(total):
                continue
            ppref = [0.0] * m
            for i in range(n):
                ppref[parent_of[i]] += prefer[i]
            sums = closest_in_box(Box(tuple(glo), tuple(ghi)), total, ppref)
            c = [0] * n
            for k in range(m):
                idx = [i for i in range(n) if parent_of[i] == k]
                sub = Box(tuple(cbox.lo[i] for i in idx), tuple(cbox.hi[i] for i in idx))
                for i, v in zip(idx, closest_in_box(sub, sums[k], [prefer[i] for i in idx]), strict=True):
                    c[i] = v
            dist = sum(abs(a - b) for a, b in zip(c, prefer, strict=True))
            if best_dist is None or dist < best_dist:
                best, best_dist = c, dist
    if best is not None:
        assert pct_shares(best) == list(child_printed)
        sums = [0] * m
        for i, v in enumerate(best):
            sums[parent_of[i]] += v
        assert pct_shares(sums) == list(parent_printed)
    return best
