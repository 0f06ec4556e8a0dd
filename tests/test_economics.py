"""Economics: the pure functions (with property tests) and the report on the seed store."""

from __future__ import annotations

import itertools
import json
import math
import struct
from pathlib import Path
from typing import Any

import duckdb
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from pipeline import economics as econ
from pipeline.cli import cli
from pipeline.economics_report import Scenario, build_report
from pipeline.errors import NeocloudError

money = st.floats(min_value=1e6, max_value=1e10)


def test_unit_economics_of_a_lease() -> None:
    unit = econ.unit_economics(usd_per_month=73e6, gpus=10_000, capacity_mw=14)
    assert unit.usd_per_gpu_hour == pytest.approx(10.0)
    assert unit.usd_per_year == pytest.approx(876e6)
    assert unit.usd_per_mw_month == pytest.approx(73e6 / 14)
    assert unit.kw_per_gpu == pytest.approx(1.4)
    assert econ.unit_economics(73e6, None, None).usd_per_gpu_hour is None


@given(capex=money, monthly=money, more=st.floats(min_value=1.01, max_value=10))
def test_payback_comes_sooner_with_more_revenue_and_later_with_more_capex(
    capex: float, monthly: float, more: float
) -> None:
    base = econ.payback_month(capex, monthly)
    assert base is not None
    assert econ.payback_month(capex, monthly * more) < base  # type: ignore[operator]
    assert econ.payback_month(capex * more, monthly) > base  # type: ignore[operator]


@given(capex=money, monthly=money, ramp=st.floats(min_value=0, max_value=24))
def test_payback_agrees_with_the_cumulative_curve(
    capex: float, monthly: float, ramp: float
) -> None:
    month = econ.payback_month(capex, monthly, ramp_months=ramp)
    assert month is not None
    curve = econ.cumulative_revenue(monthly, math.ceil(month) + 1, ramp_months=ramp)
    assert curve[math.ceil(month) - 1] >= capex * (1 - 1e-9)
    if math.floor(month) >= 1:
        assert curve[math.floor(month) - 1] <= capex * (1 + 1e-9)


@given(monthly=money, months=st.integers(min_value=1, max_value=60), ramp=st.floats(0, 24))
def test_cumulative_revenue_never_falls_and_ramps_never_add(
    monthly: float, months: int, ramp: float
) -> None:
    curve = econ.cumulative_revenue(monthly, months, ramp_months=ramp)
    assert all(b >= a for a, b in itertools.pairwise(curve))
    assert curve[-1] <= monthly * months * (1 + 1e-9)


@given(capex=money, monthly=money, lock_in=st.floats(min_value=0, max_value=36))
def test_cancellation_never_brings_payback_forward(
    capex: float, monthly: float, lock_in: float
) -> None:
    stop = econ.months_until_cancelled(lock_in, 90)
    early = econ.payback_month(capex, monthly, stop_after=stop)
    full = econ.payback_month(capex, monthly)
    assert full is not None
    assert early is None or early == pytest.approx(full)


def test_opex_yield_and_multiple() -> None:
    assert econ.net_monthly(100e6, capacity_mw=50, opex_per_mw_month=0.4e6) == pytest.approx(80e6)
    assert econ.payback_month(1e9, 0) is None
    assert econ.rent_yield(100e6, 2.4e9) == pytest.approx(0.5)
    assert econ.revenue_multiple(12e9, 100e6) == pytest.approx(10.0)
    assert econ.months_until_cancelled(12, 90) == pytest.approx(12 + 90 / 30.4375)


def test_sanity_flags_name_the_reason() -> None:
    power_hungry = econ.unit_economics(usd_per_month=50e6, gpus=10_000, capacity_mw=100)
    assert any("kW per GPU" in f for f in econ.sanity_flags(power_hungry))
    pricey = econ.unit_economics(usd_per_month=730e6, gpus=10_000, capacity_mw=14)
    flags = econ.sanity_flags(pricey, other_prices=[2.0, 2.5, 3.0])
    assert any("per GPU-hour is outside" in f for f in flags)
    assert any("away from the other deals' median" in f for f in flags)
    assert econ.sanity_flags(econ.unit_economics(73e6, 10_000, 14), [9.0, 11.0]) == []


def test_seed_economics_reproduce_the_gold_numbers(seed_db: Path, gold: dict[str, Any]) -> None:
    expected = gold["economics"]
    report = build_report(seed_db, Scenario())
    by_deal = {r.deal_id: r.unit for r in report.deals}
    anthropic, google = by_deal["xai-anthropic-compute-lease"], by_deal["xai-google-compute-lease"]
    assert anthropic.usd_per_gpu_hour == pytest.approx(
        expected["usd_per_gpu_hour"]["xAI-Anthropic"], abs=0.005
    )
    assert google.usd_per_gpu_hour == pytest.approx(
        expected["usd_per_gpu_hour"]["xAI-Google"], abs=0.005
    )
    assert anthropic.usd_per_mw_month == pytest.approx(
        expected["usd_per_mw_month"]["xAI-Anthropic"], rel=1e-3
    )
    assert report.usd_per_month == pytest.approx(expected["combined_usd_per_month"])
    assert (
        report.capex.value == 40e9 and "build cost" not in report.capex.source
    )  # cites the figure
    assert report.payback_month == pytest.approx(expected["payback_months_on_40bn"], abs=0.005)


def test_deal_economics_view_matches_the_pure_functions(
    seed_con: duckdb.DuckDBPyConnection,
) -> None:
    rows = seed_con.execute(
        "SELECT e.*, d.gpus, d.capacity_mw FROM deal_economics e JOIN deals d USING (deal_id)"
    ).fetchall()
    assert rows
    for deal_id, monthly, yearly, per_gpu_hour, per_mw, kw, gpus, mw in rows:
        unit = econ.unit_economics(monthly, gpus, mw)
        assert (yearly, per_gpu_hour, per_mw, kw) == pytest.approx(
            (unit.usd_per_year, unit.usd_per_gpu_hour, unit.usd_per_mw_month, unit.kw_per_gpu),
            nan_ok=True,
        ), deal_id


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_economics_command_with_charts_and_a_scenario(seed_db: Path, tmp_path: Path) -> None:
    scenario = tmp_path / "s.json"
    scenario.write_text(json.dumps({"opex_per_mw_month": 0.2e6, "lock_in_months": 12}))
    result = CliRunner().invoke(
        cli,
        ["economics", "--db", str(seed_db), "--deals", "xai-anthropic-compute-lease",
         "--scenario", str(scenario), "--capex", "20e9", "--chart", str(tmp_path / "pay.png"),
         "--price-chart", str(tmp_path / "price.png")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    out = result.output
    assert "$7.78" in out and "capex               $20bn from user" in out
    assert "opex                $200,000 per MW-month" in out
    assert "revenue ends at month 15.0" in out  # 12-month lock-in + 90 days' notice
    assert _png_size(tmp_path / "pay.png") == (1200, 672)
    assert _png_size(tmp_path / "price.png") == (1200, 672)


def test_unknown_deal_and_bad_scenario_are_clear_errors(seed_db: Path, tmp_path: Path) -> None:
    with pytest.raises(NeocloudError, match="unknown deal 'nope'"):
        build_report(seed_db, Scenario(deals=("nope",)))
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"capx": 1}))
    with pytest.raises(NeocloudError, match="unknown scenario keys"):
        Scenario.from_file(bad)
