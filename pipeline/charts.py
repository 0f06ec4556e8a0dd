"""Charts of the economics report, as PNG files (matplotlib, no display needed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline.economics_report import Report

WIDTH_IN, HEIGHT_IN, DPI = 10.0, 5.6, 120  # 1200 x 672 pixels


def payback_chart(report: Report, path: Path) -> Path:
    """Cumulative lease revenue against capex, with the payback month marked."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI)
    months = list(range(0, len(report.cumulative) + 1))
    billions = [0.0] + [v / 1e9 for v in report.cumulative]
    names = ", ".join(r.deal_id for r in report.deals)
    ax.plot(months, billions, color="#1f6feb", linewidth=2.2, label="cumulative lease revenue")
    if report.capex.value:
        capex = report.capex.value / 1e9
        ax.axhline(capex, color="#cf222e", linestyle="--", linewidth=1.6,
                   label=f"capex ${capex:,.1f}bn")  # fmt: skip
        if report.payback_month is not None and report.payback_month <= months[-1]:
            ax.axvline(report.payback_month, color="#57606a", linestyle=":", linewidth=1.2)
            ax.annotate(
                f"payback at month {report.payback_month:.1f}",
                xy=(report.payback_month, capex),
                xytext=(report.payback_month + 1, capex * 0.55),
                arrowprops={"arrowstyle": "->", "color": "#57606a"},
                fontsize=11,
            )
    if report.cancelled_after is not None:
        ax.axvline(report.cancelled_after, color="#9a6700", linewidth=1.2,
                   label=f"earliest cancellation, month {report.cancelled_after:.1f}")  # fmt: skip
    ax.set_title(
        f"Cumulative lease revenue vs capex (${report.usd_per_month / 1e9:,.2f}bn per month)",
        fontsize=13,
    )
    ax.set_xlabel("months from start of the leases")
    ax.set_ylabel("US$ billions")
    ax.set_xlim(0, months[-1])
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left")
    fig.text(0.01, 0.01, f"deals: {names}. Source: neocloud store.", fontsize=8, color="#57606a")
    return _save(fig, path)


def price_chart(report: Report, path: Path) -> Path:
    """Price per GPU-hour of each deal that states both rent and GPU count."""
    plt = _pyplot()
    priced = [(r.deal_id, r.unit.usd_per_gpu_hour) for r in report.deals if r.unit.usd_per_gpu_hour]
    fig, ax = plt.subplots(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI)
    bars = ax.bar([d for d, _ in priced], [p for _, p in priced], color="#1f6feb")
    ax.bar_label(bars, labels=[f"${p:.2f}" for _, p in priced], padding=3, fontsize=11)
    ax.set_title("Lease price per GPU-hour (730 hours a month)", fontsize=13)
    ax.set_ylabel("US$ per GPU-hour")
    ax.grid(axis="y", alpha=0.3)
    ax.set_ylim(0, max((p for _, p in priced), default=1.0) * 1.2)
    return _save(fig, path)


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")  # files only: works without a display
    import matplotlib.pyplot as plt

    return plt


def _save(fig: object, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)  # type: ignore[attr-defined]
    _pyplot().close(fig)
    return path
