"""A static HTML report of the store: deals, economics charts, summaries in both
languages, and the arguments by stance with their quotes.

One self-contained folder (index.html, its charts as PNG files, inline CSS, no
script or font from the network), so it opens from disk anywhere. Nothing in it
depends on the clock: the same store gives the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.errors import NeocloudError
from pipeline.store.query import run_query
from pipeline.summarize.facts import STANCES
from pipeline.summarize.numbers import usd_en
from pipeline.summarize.run import LANGS, summarize
from pipeline.views import deals_table

TEMPLATE = Path(__file__).with_name("page.html.j2")
_QUOTES_PER_ARGUMENT = 3
_ARGUMENTS_PER_STANCE = 12


@dataclass(frozen=True)
class Quote:
    text: str
    speaker: str | None
    lang: str
    source: str
    seg_no: int


def build_report(db: Path, out: Path) -> Path:
    """Regenerate the summaries, then write out/index.html and its charts; return the page."""
    summaries = summarize(db)  # also checks that the store exists
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise NeocloudError(f"{out}: cannot write the report there ({exc})") from exc
    context = {
        "counts": _counts(db),
        "deals": deals_table(db),
        "economics": _economics(db, out),
        "summaries": _summaries(summaries),
        "arguments": {stance: _arguments(db, stance) for stance in STANCES},
        "langs": LANGS,
    }
    page = out / "index.html"
    page.write_text(_render(context), encoding="utf-8")
    return page


def _render(context: dict[str, Any]) -> str:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=FileSystemLoader(TEMPLATE.parent),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["usd"] = lambda v: "" if v is None else usd_en(v)
    env.filters["usd_cents"] = lambda v: "" if v is None else f"${v:,.2f}"
    return env.get_template(TEMPLATE.name).render(**context)


def _counts(db: Path) -> dict[str, int]:
    row = run_query(
        db,
        "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM deals), "
        "(SELECT count(*) FROM claims), (SELECT count(*) FROM arguments)",
    ).rows[0]
    return dict(zip(("documents", "deals", "claims", "arguments"), row, strict=True))


def _economics(db: Path, out: Path) -> dict[str, Any] | None:
    from pipeline.charts import payback_chart, price_chart
    from pipeline.economics_report import Scenario
    from pipeline.economics_report import build_report as economics_report

    try:
        report = economics_report(db, Scenario())
    except NeocloudError:
        return None  # no deal states a monthly price: nothing to chart
    payback_chart(report, out / "payback.png")
    price_chart(report, out / "prices.png")
    rows = [
        {
            "deal": r.deal_id,
            "per_month": r.unit.usd_per_month,
            "per_year": r.unit.usd_per_year,
            "per_gpu_hour": r.unit.usd_per_gpu_hour,
            "per_mw_month": r.unit.usd_per_mw_month,
            "kw_per_gpu": r.unit.kw_per_gpu,
            "flags": r.flags,
        }
        for r in report.deals
    ]
    return {
        "rows": rows,
        "together": report.usd_per_month,
        "capex": report.capex,
        "payback_month": report.payback_month,
        "charts": ["payback.png", "prices.png"],
    }


def _summaries(summaries: list[Any]) -> list[dict[str, Any]]:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False})  # summary text never becomes markup
    by_deal: dict[str, dict[str, str]] = {}
    for s in summaries:
        by_deal.setdefault(s.deal_id, {})[s.lang] = md.render(s.text)
    return [{"deal": deal, "html": html} for deal, html in by_deal.items()]


def _arguments(db: Path, stance: str) -> list[dict[str, Any]]:
    arguments = run_query(
        db,
        "SELECT argument_id, label, claims, documents, languages FROM arguments "
        "WHERE stance = ? ORDER BY documents DESC, claims DESC, argument_id LIMIT ?",
        [stance, _ARGUMENTS_PER_STANCE],
    ).rows
    quotes = run_query(
        db,
        """
        SELECT c.argument_id, c.text, c.speaker, c.lang,
               coalesce(d.title, regexp_extract(d.path, '[^/]+$')), c.seg_no
        FROM claims c JOIN documents d USING (doc_id)
        WHERE c.argument_id IN (SELECT argument_id FROM arguments WHERE stance = ?)
        ORDER BY c.argument_id, d.derived_from IS NOT NULL, d.path, c.seg_no, c.start
        """,
        [stance],
    ).rows
    by_argument: dict[int, list[Quote]] = {}
    for argument_id, *quote in quotes:
        by_argument.setdefault(argument_id, []).append(Quote(*quote))
    return [
        {"label": label, "claims": claims, "documents": documents, "languages": languages,
         "quotes": by_argument.get(argument_id, [])[:_QUOTES_PER_ARGUMENT]}
        for argument_id, label, claims, documents, languages in arguments
    ]  # fmt: skip
