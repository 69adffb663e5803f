"""One error type (pipeline.errors.BilanError) and the CLI's logging options."""

from __future__ import annotations

import logging

import pytest

from pipeline.breakdowns import EmptyYearError
from pipeline.build import build_year
from pipeline.errors import BilanError
from run_cli import bilan


def test_user_errors_are_bilan_errors_with_exit_code_2(tmp_path, small_warehouse):
    with pytest.raises(BilanError) as info:
        build_year(2021, db=tmp_path / "none.duckdb", out=tmp_path / "out")
    assert info.value.exit_code == 2 and "entrepôt introuvable" in str(info.value)
    with pytest.raises(BilanError) as info:                 # an empty year: the step fails, exit 2
        build_year(2019, db=small_warehouse, out=tmp_path / "out")
    assert info.value.exit_code == 2 and isinstance(info.value.__cause__, EmptyYearError)
    assert not (tmp_path / "out").exists()


def test_one_french_line_without_traceback_and_debug_shows_it(tmp_path):
    res = bilan("build", "2021", "--db", str(tmp_path / "none.duckdb"))
    assert res.returncode == 2
    assert res.stderr.strip().splitlines() == [
        f"erreur : entrepôt introuvable : {tmp_path / 'none.duckdb'} (lancer d'abord `bilan ingest` ou `bilan demo`)"]
    with pytest.raises(BilanError):                         # BILAN_DEBUG=1: the exception propagates
        bilan("build", "2021", "--db", str(tmp_path / "none.duckdb"), env={"BILAN_DEBUG": "1"})


def test_verbosity_sets_the_pipeline_log_level(tmp_path):
    levels = {}
    for flags in ((), ("-v",), ("-vv",)):
        res = bilan(*flags, "validate", "--db", str(tmp_path / "none.duckdb"))
        assert res.returncode == 2
        levels[flags] = logging.getLogger("pipeline").level
        assert ("Traceback" in res.stderr) == (flags == ("-vv",))   # -vv logs the trace, then the one line
        assert res.stderr.strip().splitlines()[-1].startswith("erreur : entrepôt introuvable")
    assert levels == {(): logging.WARNING, ("-v",): logging.INFO, ("-vv",): logging.DEBUG}
