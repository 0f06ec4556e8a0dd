"""Deal summaries in English and Chinese, regenerated from the store alone.

A summary is rewritten only when what it is written from changed; then it says
what changed since the last one. The same store always gives the same text.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipeline.errors import NeocloudError
from pipeline.models import load_gazetteer
from pipeline.store.connect import open_store
from pipeline.store.summaries import drop_summaries_of_gone_deals, save_summary, stored_summary
from pipeline.summarize import chinese, english
from pipeline.summarize.changes import Change, diff
from pipeline.summarize.facts import DealFacts, snapshot
from pipeline.summarize.gather import read_deal_facts

LANGS = ("en", "zh")
_RENDERERS: dict[str, Callable[[DealFacts, list[Change] | None], str]] = {
    "en": english.render,
    "zh": chinese.render,
}


@dataclass(frozen=True)
class Summary:
    deal_id: str
    lang: str
    text: str
    status: str  # new, changed, unchanged
    path: Path | None = None


def summarize(
    db: Path,
    deal: str | None = None,
    langs: tuple[str, ...] = LANGS,
    out: Path | None = None,
) -> list[Summary]:
    """Regenerate the summaries of every deal (or one), store them, write them to `out`."""
    if not db.exists():
        raise NeocloudError(f"{db}: no store here; run `neocloud ingest PATH...` first")
    unknown = [lang for lang in langs if lang not in _RENDERERS]
    if unknown:
        raise NeocloudError(f"no summaries in {unknown[0]!r}; use one of {', '.join(LANGS)}")
    con = open_store(db)
    try:
        deals = read_deal_facts(con, load_gazetteer())
        if deal is not None:
            deals = [d for d in deals if d.deal_id == deal]
            if not deals:
                raise NeocloudError(f"unknown deal {deal!r}; list them with `neocloud deals`")
        else:
            drop_summaries_of_gone_deals(con)
        summaries = [_one(con, d, lang) for d in deals for lang in langs]
    finally:
        con.close()
    if out is not None:
        summaries = [_write(s, out) for s in summaries]
    return summaries


def _one(con: duckdb.DuckDBPyConnection, deal: DealFacts, lang: str) -> Summary:
    render = _RENDERERS[lang]
    body = render(deal, None)
    facts = json.loads(json.dumps(snapshot(deal)))  # as it reads back from the store
    facts["body_sha256"] = hashlib.sha256(body.encode()).hexdigest()
    previous = stored_summary(con, deal.deal_id, lang)
    if previous is not None and previous[1] == facts:
        return Summary(deal.deal_id, lang, previous[0], "unchanged")
    text = body if previous is None else render(deal, diff(previous[1], facts))
    save_summary(con, deal.deal_id, lang, text, facts)
    return Summary(deal.deal_id, lang, text, "new" if previous is None else "changed")


def _write(summary: Summary, out: Path) -> Summary:
    try:
        out.mkdir(parents=True, exist_ok=True)
        path = out / f"{summary.deal_id}.{summary.lang}.md"
        path.write_text(summary.text, encoding="utf-8")
    except OSError as exc:
        raise NeocloudError(f"{out}: cannot write summaries there ({exc})") from exc
    return Summary(summary.deal_id, summary.lang, summary.text, summary.status, path)
