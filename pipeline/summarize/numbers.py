"""Figures written the way each language writes them.

English: $1.25bn, $920mn, 220,000 GPUs, 300 MW. Chinese counts in 万 and 亿:
12.5 亿美元, 9.2 亿美元, 22 万块 GPU, 300 兆瓦, 1.2 吉瓦.
"""

from __future__ import annotations

_DAYS_PER_MONTH = 30.4375
_DAYS_PER_YEAR = 365.25


def trim(value: float, digits: int = 3) -> str:
    """At most `digits` significant digits, no trailing zeros: 1.25, 920, 7.78."""
    text = f"{value:.{digits}g}"
    if "e" in text:
        text = f"{value:.{max(digits - len(str(int(value))), 0)}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def usd_en(value: float) -> str:
    for size, suffix in ((1e12, "tn"), (1e9, "bn"), (1e6, "mn")):
        if abs(value) >= size:
            return f"${trim(value / size)}{suffix}"
    if abs(value) >= 1000:
        return f"${value:,.0f}"
    return f"${trim(value)}"


def usd_zh(value: float) -> str:
    for size, suffix in ((1e12, "万亿美元"), (1e8, "亿美元"), (1e4, "万美元")):
        if abs(value) >= size:
            return f"{trim(value / size)} {suffix}"
    return f"{trim(value)} 美元"


def count_en(value: float) -> str:
    return f"{value:,.0f}"


def gpus_zh(value: float) -> str:
    if value >= 1e8:
        return f"{trim(value / 1e8)} 亿块"
    if value >= 1e4:
        return f"{trim(value / 1e4)} 万块"
    return f"{value:,.0f} 块"


def power_en(mw: float) -> str:
    return f"{trim(mw / 1000)} GW" if mw >= 1000 else f"{trim(mw)} MW"


def power_zh(mw: float) -> str:
    return f"{trim(mw / 1000)} 吉瓦" if mw >= 1000 else f"{trim(mw)} 兆瓦"


def days_en(days: float) -> str:
    years = days / _DAYS_PER_YEAR
    if days >= _DAYS_PER_YEAR and abs(years - round(years)) < 0.01:
        return _plural(round(years), "year")
    months = days / _DAYS_PER_MONTH
    if days >= 2 * _DAYS_PER_MONTH and abs(months - round(months)) < 0.01:
        return _plural(round(months), "month")
    return _plural(round(days), "day")


def days_zh(days: float) -> str:
    years = days / _DAYS_PER_YEAR
    if days >= _DAYS_PER_YEAR and abs(years - round(years)) < 0.01:
        return f"{round(years)} 年"
    months = days / _DAYS_PER_MONTH
    if days >= 2 * _DAYS_PER_MONTH and abs(months - round(months)) < 0.01:
        return f"{round(months)} 个月"
    return f"{round(days)} 天"


def _plural(n: int, unit: str) -> str:
    return f"{n} {unit}" if n == 1 else f"{n} {unit}s"


def stored_value(value: str) -> float | str:
    """deal_evidence keeps values as text: a number comes back as a number, a name as itself."""
    try:
        return float(value)
    except ValueError:
        return value
