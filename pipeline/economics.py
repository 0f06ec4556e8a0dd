"""Deal economics: pure, typed functions named for what they return. No I/O here.

Money is USD, power MW, time months unless a name says otherwise. A month is
730 hours (8,760 / 12) and 30.4375 days, as in ../shared/CONTRACT.md.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

HOURS_PER_MONTH = 730.0
DAYS_PER_MONTH = 30.4375

# Plausible ranges; values outside usually mean a misread figure.
KW_PER_GPU_RANGE = (0.3, 3.0)  # an accelerator with its share of cooling and network
USD_PER_GPU_HOUR_RANGE = (0.3, 25.0)
PRICE_OUTLIER_RATIO = 3.0  # a per-GPU-hour price this many times the others' median


def annual_revenue(usd_per_month: float) -> float:
    return usd_per_month * 12


def usd_per_gpu_hour(usd_per_month: float, gpus: float) -> float:
    return usd_per_month / (gpus * HOURS_PER_MONTH)


def usd_per_mw_month(usd_per_month: float, capacity_mw: float) -> float:
    return usd_per_month / capacity_mw


def kw_per_gpu(capacity_mw: float, gpus: float) -> float:
    return capacity_mw * 1000 / gpus


def net_monthly(
    usd_per_month: float, capacity_mw: float = 0.0, opex_per_mw_month: float = 0.0
) -> float:
    """Lease revenue less operating cost (power, staff) per MW of leased capacity."""
    return usd_per_month - capacity_mw * opex_per_mw_month


def ramp_factor(month: float, ramp_months: float) -> float:
    """Share of full revenue earned in `month` (1-based) when capacity ramps up linearly."""
    if ramp_months <= 0:
        return 1.0
    return min(1.0, month / ramp_months)


def cumulative_revenue(
    net_per_month: float, months: int, ramp_months: float = 0.0, stop_after: float = math.inf
) -> list[float]:
    """Cumulative net revenue at the end of months 1..`months`; none after `stop_after` months."""
    total, out = 0.0, []
    for month in range(1, months + 1):
        earning = max(0.0, min(1.0, stop_after - (month - 1)))  # part of this month still leased
        total += net_per_month * ramp_factor(month, ramp_months) * earning
        out.append(total)
    return out


def payback_month(
    capex: float,
    net_per_month: float,
    ramp_months: float = 0.0,
    stop_after: float = math.inf,
) -> float | None:
    """Fractional month when cumulative net revenue reaches `capex`; None if it never does.

    Revenue accrues evenly within a month. Once the ramp is over and nothing stops
    the lease, the rest follows in closed form, so a payback far out costs nothing.
    """
    if capex <= 0:
        return 0.0
    if net_per_month <= 0:
        return None
    total, month = 0.0, 0
    while True:
        month += 1
        earning = max(0.0, min(1.0, stop_after - (month - 1)))
        if earning == 0:
            return None
        rate = net_per_month * ramp_factor(month, ramp_months)  # per month while leased
        gain = rate * earning
        if total + gain >= capex:
            # Revenue accrues evenly while the lease runs, even in a month it ends.
            return month - 1 + (capex - total) / rate
        total += gain
        if month >= ramp_months and math.isinf(stop_after):
            return month + (capex - total) / net_per_month


def months_until_cancelled(lock_in_months: float, notice_days: float) -> float:
    """Earliest end of a lease the customer may cancel after a lock-in, with notice."""
    return lock_in_months + notice_days / DAYS_PER_MONTH


def rent_yield(usd_per_month: float, capex: float) -> float:
    """Annual rent over the capital it took to build: the REIT view of a data center."""
    return annual_revenue(usd_per_month) / capex


def revenue_multiple(valuation: float, usd_per_month: float) -> float:
    """Valuation over annual revenue."""
    return valuation / annual_revenue(usd_per_month)


@dataclass(frozen=True)
class UnitEconomics:
    usd_per_month: float | None
    usd_per_year: float | None
    usd_per_gpu_hour: float | None
    usd_per_mw_month: float | None
    kw_per_gpu: float | None


def unit_economics(
    usd_per_month: float | None, gpus: float | None, capacity_mw: float | None
) -> UnitEconomics:
    """Every unit figure the inputs allow; None where an input is missing."""
    return UnitEconomics(
        usd_per_month=usd_per_month,
        usd_per_year=annual_revenue(usd_per_month) if usd_per_month else None,
        usd_per_gpu_hour=usd_per_gpu_hour(usd_per_month, gpus) if usd_per_month and gpus else None,
        usd_per_mw_month=(
            usd_per_mw_month(usd_per_month, capacity_mw) if usd_per_month and capacity_mw else None
        ),
        kw_per_gpu=kw_per_gpu(capacity_mw, gpus) if capacity_mw and gpus else None,
    )


def sanity_flags(unit: UnitEconomics, other_prices: Sequence[float] = ()) -> list[str]:
    """Values outside plausible ranges, with the reason: they often reveal a misread figure."""
    flags = []
    if unit.kw_per_gpu is not None and not _within(unit.kw_per_gpu, KW_PER_GPU_RANGE):
        flags.append(
            f"{unit.kw_per_gpu:.2f} kW per GPU is outside {KW_PER_GPU_RANGE[0]}-"
            f"{KW_PER_GPU_RANGE[1]} kW: check the capacity or the GPU count"
        )
    price = unit.usd_per_gpu_hour
    if price is not None and not _within(price, USD_PER_GPU_HOUR_RANGE):
        flags.append(
            f"${price:.2f} per GPU-hour is outside ${USD_PER_GPU_HOUR_RANGE[0]}-"
            f"${USD_PER_GPU_HOUR_RANGE[1]}: check the rent, its period, or the GPU count"
        )
    others = sorted(p for p in other_prices if p > 0)
    if price is not None and others:
        median = others[len(others) // 2]
        if price > PRICE_OUTLIER_RATIO * median or price * PRICE_OUTLIER_RATIO < median:
            flags.append(
                f"${price:.2f} per GPU-hour is more than {PRICE_OUTLIER_RATIO:g}x away from the "
                f"other deals' median ${median:.2f}"
            )
    return flags


def _within(value: float, bounds: tuple[float, float]) -> bool:
    return bounds[0] <= value <= bounds[1]
