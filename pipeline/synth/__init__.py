"""Synthetic platform exports: calibrated to the 2021 report (demo), or any size (benchmarks).

`write_demo_exports` is what `bilan demo` calls; `calibrated_missions` is the clean content the demo
files must load into, for tests; `write_scaled` streams millions of rows for benchmarks.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.synth.calibrated import calibrated_missions
from pipeline.synth.exports import demo_plan, expected_loads, write_calibrated, write_plan
from pipeline.synth.scaled import write_scaled


def write_demo_exports(out_dir: Path) -> list[Path]:
    """The demo's five years in load order: plausible 2019, 2022 and 2023 around the calibrated 2020
    and 2021 (whose figures are the published report's)."""
    return write_plan(demo_plan(), Path(out_dir))


__all__ = ["calibrated_missions", "expected_loads", "write_calibrated", "write_demo_exports", "write_scaled"]
