"""Human-readable views of the store for the command line."""

from __future__ import annotations

from pathlib import Path

from pipeline.store.query import QueryResult, run_query

_DEALS = """
SELECT deal_id, kind, provider, customer, site, location, capacity_mw, gpus,
       usd_per_month, usd_total, term_days, notice_days, sources, documents, conflicts,
       coalesce(status, 'announced') AS status
FROM deals ORDER BY sources DESC, documents DESC, deal_id
"""


def deals_table(db: Path, raw: bool = False) -> QueryResult:
    """The consolidated deals; `raw` keeps the stored numbers, else they are written for people."""
    result = run_query(db, _DEALS)
    if raw:
        return result
    columns = (
        "deal", "kind", "provider -> customer", "site", "location", "capacity", "GPUs",
        "per month", "total", "term", "notice", "sources", "conflicts", "status",
    )  # fmt: skip
    rows = tuple(
        (
            r[0], r[1], f"{r[2]} -> {r[3]}", r[4] or "", r[5] or "", _mw(r[6]), _count(r[7]),
            _usd(r[8]), _usd(r[9]), _days(r[10]), _days(r[11]),
            f"{r[12]} ({r[13]} docs)", ", ".join(r[14]) or "", r[15],
        )
        for r in result.rows
    )  # fmt: skip
    return QueryResult(columns, rows)


def _usd(value: float | None) -> str:
    if value is None:
        return ""
    for scale, suffix in ((1e12, "tn"), (1e9, "bn"), (1e6, "mn"), (1e3, "k")):
        if abs(value) >= scale:
            return f"${value / scale:.3g}{suffix}"
    return f"${value:.3g}"


def _mw(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value / 1000:.3g} GW" if value >= 1000 else f"{value:.4g} MW"


def _count(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value / 1000:.4g}k" if value >= 1000 else f"{value:.0f}"


def _days(value: float | None) -> str:
    if value is None:
        return ""
    if value >= 365.25 and (value / 365.25) % 0.5 < 0.01:
        return f"{value / 365.25:g} years"
    if value >= 60 and (value / 30.4375) % 1 < 0.01:
        return f"{value / 30.4375:g} months"
    return f"{value:g} days"
