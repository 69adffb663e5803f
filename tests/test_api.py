"""The analyst API on a real warehouse file (conftest.small_warehouse: 2020 and 2021)."""

from __future__ import annotations

import duckdb
import polars as pl
import pytest

from pipeline.api import open_warehouse
from pipeline.breakdowns import EmptyYearError, all_breakdowns


@pytest.fixture(scope="module")
def wh(small_warehouse):
    with open_warehouse(small_warehouse) as w:
        yield w


def test_years_and_missions(wh):
    assert wh.years() == [2020, 2021]
    assert wh.missions(2021).height == 16
    assert wh.missions().height == 25
    assert "objet" in wh.missions(2020).columns          # every column of the table


def test_breakdowns_use_previous_year_and_history(wh):
    t = wh.breakdowns(2021)
    summary = dict(t["summary"].iter_rows())
    assert summary["evolution_demandes_pct"] == 88       # 15 vs 8 demandes: +87.5 %
    assert t["trends"]["annee"].to_list() == [2020, 2021]
    first = wh.breakdowns(2020)                          # nothing before 2020: no evolution, no trends
    assert dict(first["summary"].iter_rows())["evolution_demandes_pct"] is None
    assert "trends" not in first


def test_breakdowns_hold_only_text_and_integers(wh):
    # the API reads labels as Categorical (pipeline.breakdowns.common.compact); tables must not show it
    for name, df in wh.breakdowns(2021).items():
        assert set(df.schema.values()) <= {pl.String, pl.Int64}, name


def test_breakdowns_same_as_on_plain_frames(wh):
    plain = all_breakdowns(wh.missions(2021), wh.ref_year(2021), wh.missions(2020), wh.missions())
    api = wh.breakdowns(2021)
    assert list(api) == list(plain)
    assert all(api[name].equals(plain[name]) for name in plain)


def test_table(wh):
    assert wh.table("by_canton", 2021).height == 19
    with pytest.raises(KeyError, match="by_cantons"):
        wh.table("by_cantons", 2021)


def test_empty_year(wh):
    with pytest.raises(EmptyYearError, match=r"aucune mission pour 2019.*2020, 2021"):
        wh.breakdowns(2019)


def test_sql_and_read_only(wh):
    assert wh.sql("select count(distinct id_demande) from missions where annee = 2021").fetchall() == [(15,)]
    with pytest.raises(duckdb.Error):
        wh.sql("delete from missions")


def test_quality_tables(wh):
    assert wh.load_log()["fichier"].to_list() == ["export_2020.csv", "export_2021.csv"]
    assert wh.quarantine()["ligne"].to_list() == [11, 19]
    # 2021: its own rows and the undated one (annee NULL); 2020's unknown commune is not in it
    assert wh.quarantine(2021)["raison"].to_list() == ["date illisible"]
    assert wh.quarantine(2020)["raison"].to_list() == ["commune inconnue", "date illisible"]
    assert wh.conflicts(2021)["id_mission"].to_list() == ["m04"]
    assert wh.conflicts(2020).height == 0


def test_ref_year(wh):
    assert wh.ref_year(2021).millesime == 2021 and wh.ref_year(2026).millesime == 2026


def test_missing_warehouse(tmp_path):
    with pytest.raises(FileNotFoundError, match="entrepôt introuvable"):
        open_warehouse(tmp_path / "absent.duckdb")
