"""Whole-percent shares as the 2021 report prints them.

The published charts always sum to exactly 100. The rule that reproduces all of them (rule R2 of
tests/fixtures/bilan_2021_figures.yaml, the table contract of docs/spec/outputs.md): round each share half up, then
spread the difference to 100 one point each over the largest categories by count, ties broken by the
table's order. Integer arithmetic only, so 12.5 % is 13 % on every machine.
"""

from __future__ import annotations

from collections.abc import Sequence


def round_half_up_pct(count: int, total: int) -> int:
    """100·count/total rounded half up, exactly (no floating point)."""
    return (200 * count + total) // (2 * total)


def pct_shares(counts: Sequence[int]) -> list[int]:
    """Whole percents summing to 100 for counts given in the table's order.

    An all-zero or empty input has no shares: every pct is 0 (the caller says "no data").
    """
    total = sum(counts)
    if total <= 0:
        return [0 for _ in counts]
    pcts = [round_half_up_pct(c, total) for c in counts]
    diff = 100 - sum(pcts)
    if diff:
        # largest counts first; Python's sort is stable, so ties keep the table's order
        order = sorted(range(len(counts)), key=lambda i: -counts[i])
        step = 1 if diff > 0 else -1
        for i in order[: abs(diff)]:
            pcts[i] += step
    return pcts


def equal_counts_differ(counts: Sequence[int], pcts: Sequence[int]) -> bool:
    """True when two equal non-zero counts carry different percents (the rule's correction fell
    on one of them): the page then says why, rather than leave the reader to suspect an error."""
    seen: dict[int, int] = {}
    return any(c and seen.setdefault(c, p) != p for c, p in zip(counts, pcts, strict=True))
