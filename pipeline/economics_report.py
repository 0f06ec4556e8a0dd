"""Economics of stored deals: inputs read from the store (each with its source), user overrides,
the pure functions of economics.py applied, and a plain-text report."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pipeline import economics as econ
from pipeline.errors import NeocloudError
from pipeline.store.query import run_query

CAPEX_CUE = re.compile(
    r"build(?:-out)?\s+cost|capex|capital\s+(?:expenditure|spending|cost)|cost\s+to\s+build|"
    r"建设成本|建造成本|资本支出|资本开支|資本支出|建置成本",
    re.I,
)
_VALUATION_CUE = re.compile(r"valued\s+at|valuation|估值", re.I)
CUE_WINDOW = 40  # characters around a figure where a cue names what it is


@dataclass(frozen=True)
class Sourced:
    value: float | None
    source: str  # where the value comes from: a stored figure, the user, or a default


@dataclass(frozen=True)
class Scenario:
    deals: tuple[str, ...] = ()  # empty: every deal with a monthly price
    capex: float | None = None
    opex_per_mw_month: float = 0.0
    months: int = 36
    ramp_months: float = 0.0
    lock_in_months: float | None = None
    valuation: float | None = None
    overrides: dict[str, dict[str, float]] = field(default_factory=dict)

    @classmethod
    def from_file(cls, path: Path) -> Scenario:
        try:
            data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise NeocloudError(f"{path}: cannot read the scenario ({exc})") from exc
        known = {f for f in cls.__dataclass_fields__}
        unknown = set(data) - known
        if unknown:
            raise NeocloudError(
                f"{path}: unknown scenario keys {sorted(unknown)}; use {sorted(known)}"
            )
        if "deals" in data:
            data["deals"] = tuple(data["deals"])
        return cls(**data)

    def merged(self, **given: Any) -> Scenario:
        """This scenario with the options the user gave on the command line."""
        return replace(self, **{k: v for k, v in given.items() if v not in (None, ())})


@dataclass(frozen=True)
class DealRow:
    deal_id: str
    inputs: dict[str, Sourced]
    unit: econ.UnitEconomics
    flags: list[str]


@dataclass(frozen=True)
class Report:
    deals: list[DealRow]
    usd_per_month: float
    capex: Sourced
    valuation: Sourced
    scenario: Scenario
    cumulative: list[float]
    payback_month: float | None
    cancelled_after: float | None
    rent_yield: float | None
    revenue_multiple: float | None


def build_report(db: Path, scenario: Scenario) -> Report:
    rows = _deal_inputs(db, scenario)
    if not rows:
        wanted = ", ".join(scenario.deals) or "any deal with a monthly price"
        raise NeocloudError(f"no deals to compute: {wanted}; see `neocloud deals`")
    prices = [r.unit.usd_per_gpu_hour for r in rows if r.unit.usd_per_gpu_hour]
    rows = [
        replace(
            r, flags=econ.sanity_flags(r.unit, [p for p in prices if p != r.unit.usd_per_gpu_hour])
        )
        for r in rows
    ]
    monthly = sum(r.inputs["usd_per_month"].value or 0.0 for r in rows)
    capacity = sum(r.inputs["capacity_mw"].value or 0.0 for r in rows)
    net = econ.net_monthly(monthly, capacity, scenario.opex_per_mw_month)
    stop = _cancellation(rows, scenario)
    capex = (
        Sourced(scenario.capex, "user")
        if scenario.capex is not None
        else _stated(db, rows, CAPEX_CUE, "capex")
    )
    valuation = (
        Sourced(scenario.valuation, "user")
        if scenario.valuation is not None
        else _stated(db, rows, _VALUATION_CUE, "valuation")
    )
    return Report(
        deals=rows,
        usd_per_month=monthly,
        capex=capex,
        valuation=valuation,
        scenario=scenario,
        cumulative=econ.cumulative_revenue(net, scenario.months, scenario.ramp_months, stop),
        payback_month=(
            econ.payback_month(capex.value, net, scenario.ramp_months, stop)
            if capex.value
            else None
        ),
        cancelled_after=None if math.isinf(stop) else stop,
        rent_yield=econ.rent_yield(monthly, capex.value) if capex.value and monthly else None,
        revenue_multiple=(
            econ.revenue_multiple(valuation.value, monthly) if valuation.value and monthly else None
        ),
    )


def _cancellation(rows: list[DealRow], scenario: Scenario) -> float:
    if scenario.lock_in_months is None:
        return math.inf
    notices = [r.inputs["notice_days"].value or 0.0 for r in rows]
    return econ.months_until_cancelled(scenario.lock_in_months, max(notices, default=0.0))


_FIELDS = ("usd_per_month", "gpus", "capacity_mw", "notice_days")


def _deal_inputs(db: Path, scenario: Scenario) -> list[DealRow]:
    deals = run_query(
        db,
        "SELECT deal_id, usd_per_month, gpus, capacity_mw, notice_days FROM deals "
        "WHERE usd_per_month IS NOT NULL OR deal_id IN (SELECT unnest(?::VARCHAR[])) "
        "ORDER BY deal_id",
        [list(scenario.deals)],
    ).rows
    known = {d[0] for d in deals}
    missing = [d for d in scenario.deals if d not in known]
    if missing:
        raise NeocloudError(f"unknown deal {missing[0]!r}; list them with `neocloud deals`")
    chosen = [d for d in deals if not scenario.deals or d[0] in scenario.deals]
    sources = _sources(db)
    out = []
    for deal_id, *values in chosen:
        inputs = {
            name: Sourced(value, sources.get((deal_id, name), "deals"))
            for name, value in zip(_FIELDS, values, strict=True)
        }
        for name, value in scenario.overrides.get(deal_id, {}).items():
            inputs[name] = Sourced(float(value), "user (scenario)")
        unit = econ.unit_economics(
            inputs["usd_per_month"].value, inputs["gpus"].value, inputs["capacity_mw"].value
        )
        out.append(DealRow(deal_id, inputs, unit, []))
    return out


def _sources(db: Path) -> dict[tuple[str, str], str]:
    """For each deal field, the chosen figure as written and where it is stated."""
    rows = run_query(
        db,
        """
        SELECT e.deal_id, e.field, e.text, regexp_extract(d.path, '[^/]+$'), e.seg_no
        FROM deal_evidence e JOIN documents d USING (doc_id)
        WHERE e.chosen AND e.figure_id IS NOT NULL
        ORDER BY e.deal_id, e.field, d.path, e.seg_no
        """,
    ).rows
    out: dict[tuple[str, str], str] = {}
    for deal_id, name, text, file, seg_no in rows:
        out.setdefault((deal_id, name), f'"{text}" ({file}, segment {seg_no})')
    return out


def _stated(db: Path, rows: list[DealRow], cue: re.Pattern[str], what: str) -> Sourced:
    """A money total the deals' documents state with a cue ("the ~$40bn build cost")."""
    ids = [r.deal_id for r in rows]
    found = run_query(
        db,
        """
        SELECT f.value, f.text, s.text, f.start, f."end", regexp_extract(d.path, '[^/]+$'), f.seg_no
        FROM figures f JOIN segments s USING (doc_id, seg_no) JOIN documents d USING (doc_id)
        WHERE f.quantity = 'money' AND f.unit = 'USD' AND f.period IS NULL AND f.per_unit IS NULL
          AND f.doc_id IN (SELECT doc_id FROM deal_evidence
                           WHERE deal_id IN (SELECT unnest(?::VARCHAR[])))
        ORDER BY d.path, f.seg_no, f.start
        """,
        [ids],
    ).rows
    for value, text, segment, start, end, file, seg_no in found:
        around = segment[max(0, start - CUE_WINDOW) : end + CUE_WINDOW]
        if cue.search(around):
            return Sourced(value, f'"{text}" ({file}, segment {seg_no})')
    return Sourced(None, f"no {what} stated; give one with --{what}")


def render(report: Report) -> str:
    """The report as plain text: unit economics per deal, inputs with sources, deals together."""
    lines = ["Per deal"]
    table = [("deal", "per month", "per year", "per GPU-hour", "per MW-month", "kW per GPU")]
    for r in report.deals:
        u = r.unit
        table.append(
            (r.deal_id, _usd(u.usd_per_month), _usd(u.usd_per_year), _usd(u.usd_per_gpu_hour, 2),
             _usd(u.usd_per_mw_month), f"{u.kw_per_gpu:.2f}" if u.kw_per_gpu else "")
        )  # fmt: skip
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    lines += [
        "  " + "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
        for row in table
    ]
    lines.append("Inputs")
    for r in report.deals:
        for name, sourced in r.inputs.items():
            if sourced.value is not None:
                lines.append(f"  {r.deal_id} {name} = {sourced.value:,.6g} from {sourced.source}")
    flags = [(r.deal_id, f) for r in report.deals for f in r.flags]
    if flags:
        lines.append("Check")
        lines += [f"  {deal}: {flag}" for deal, flag in flags]
    s = report.scenario
    lines += [
        f"Together ({len(report.deals)} deal{'s' if len(report.deals) != 1 else ''})",
        f"  lease revenue       {_usd(report.usd_per_month)} per month, "
        f"{_usd(econ.annual_revenue(report.usd_per_month))} per year",
        f"  opex                {_usd(s.opex_per_mw_month)} per MW-month"
        + ("" if s.opex_per_mw_month else " (none given: --opex-per-mw-month)"),
        f"  capex               {_usd(report.capex.value)} from {report.capex.source}",
        "  payback             "
        + (
            f"month {report.payback_month:.2f}"
            if report.payback_month is not None
            else "not reached"
        )
        + (f" (ramp over {s.ramp_months:g} months)" if s.ramp_months else ""),
    ]
    if report.cancelled_after is not None:
        earned = report.cumulative[
            min(len(report.cumulative), math.ceil(report.cancelled_after)) - 1
        ]
        lines.append(
            f"  if cancelled early  revenue ends at month {report.cancelled_after:.1f} "
            f"({s.lock_in_months:g}-month lock-in + notice), {_usd(earned)} earned by then"
        )
    if report.rent_yield is not None:
        lines.append(f"  rent yield on capex {100 * report.rent_yield:.1f}% a year")
    if report.revenue_multiple is not None:
        lines.append(
            f"  revenue multiple    {report.revenue_multiple:.1f}x annual lease revenue "
            f"(valuation {_usd(report.valuation.value)} from {report.valuation.source})"
        )
    return "\n".join(lines)


def _usd(value: float | None, digits: int = 3) -> str:
    if value is None:
        return ""
    for scale, suffix in ((1e12, "tn"), (1e9, "bn"), (1e6, "mn")):
        if abs(value) >= scale:
            return f"${value / scale:.{digits}g}{suffix}"
    return f"${value:,.{digits}f}" if digits == 2 else f"${value:,.0f}"
