"""Gather everything a deal summary says: fields with their sources, the arguments made
about the deal, its documents, where they disagree, its economics. The rows come from
store/deal_facts.py; the choices (which claims are about a deal, which figure is its
capex) are made here.

A claim is about a deal when its document reports the deal and the sentence
names the deal's customer or site, or names no other deal's customer and the
deal is the one its document reports most.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import duckdb

from pipeline import economics as econ
from pipeline.economics_report import CAPEX_CUE, CUE_WINDOW
from pipeline.extract.gazetteer import Gazetteer
from pipeline.ingest.language import han_count
from pipeline.store import deal_facts as queries
from pipeline.summarize.facts import (
    FIGURE_FIELDS,
    ArgumentFacts,
    Cite,
    DealFacts,
    Disagreement,
    Economics,
    Fact,
    SourceDoc,
)

_MAX_CITES = 3  # per figure: enough to show agreement, few enough to read
_PLACE_LABELS = ("GPE", "LOC", "FAC")
_SHORT_HAN_NAME = 4


def read_deal_facts(con: duckdb.DuckDBPyConnection, gazetteer: Gazetteer) -> list[DealFacts]:
    """One record per stored deal, in deal_id order."""
    titles = _titles(con)
    deals = queries.deals(con)
    evidence = _evidence(con)
    claims = _deal_claims(con, deals, evidence)
    out = []
    for row in deals:
        deal_id, kind, provider, customer, site, location = row[:6]
        values = dict(zip(FIGURE_FIELDS, row[6:12], strict=True))
        sources, conflicts = row[12], row[13] or []
        rows = evidence[deal_id]
        docs = sorted({r["doc_id"] for r in rows}, key=lambda d: titles[d]["order"])
        facts = {
            name: Fact(name, value, _cites(rows, name, titles), _bound(rows, name))
            for name, value in [*values.items(), ("site", site), ("location", location)]
            if value is not None
        }
        out.append(
            DealFacts(
                deal_id=deal_id,
                kind=kind,
                provider=provider,
                customer=customer,
                names_zh=_names_zh([provider, customer, site, location], gazetteer),
                facts=facts,
                economics=_economics(con, values, docs, titles),
                arguments=_arguments(con, claims[deal_id], titles),
                documents=tuple(_source_doc(d, titles) for d in docs),
                independent_sources=int(sources or 0),
                disagreements=tuple(
                    _disagreement(rows, name, titles) for name in sorted(conflicts)
                ),
            )
        )
    return out


def _titles(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, Any]]:
    """Per document: what to call it, its kind, publisher and origin; originals sort first."""
    return {
        doc_id: {"title": title, "kind": kind, "publisher": publisher, "derived_from": origin,
                 "order": n}
        for n, (doc_id, title, kind, publisher, origin) in enumerate(queries.titles(con))
    }  # fmt: skip


def _evidence(con: duckdb.DuckDBPyConnection) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for deal_id, name, figure_id, doc_id, seg_no, value, text, chosen, bound in queries.evidence(
        con
    ):
        out[deal_id].append(
            {"field": name, "figure_id": figure_id, "doc_id": doc_id, "seg_no": seg_no,
             "value": value, "text": text, "chosen": chosen, "bound": bound or "="}
        )  # fmt: skip
    return out


def _cites(rows: list[dict[str, Any]], name: str, titles: dict[str, Any]) -> tuple[Cite, ...]:
    chosen = [r for r in rows if r["field"] == name and r["chosen"]]
    chosen.sort(key=lambda r: (titles[r["doc_id"]]["order"], r["seg_no"]))
    out: list[Cite] = []
    for r in chosen:
        if any(c.doc_id == r["doc_id"] for c in out):
            continue  # one place per document
        out.append(_cite(titles, r["doc_id"], r["seg_no"], r["text"] or r["value"] or ""))
    return tuple(out[:_MAX_CITES])


def _cite(titles: dict[str, Any], doc_id: str, seg_no: int, quote: str) -> Cite:
    return Cite(doc_id, titles[doc_id]["title"], seg_no, quote, titles[doc_id]["kind"])


def _bound(rows: list[dict[str, Any]], name: str) -> str:
    """The hedge most sources put on the chosen value ("about", "more than"); exact on a tie."""
    bounds = [r["bound"] for r in rows if r["field"] == name and r["chosen"]]
    return max(sorted(set(bounds)), key=lambda b: (bounds.count(b), b == "="), default="=")


def _disagreement(rows: list[dict[str, Any]], name: str, titles: dict[str, Any]) -> Disagreement:
    readings: dict[str, tuple[bool, Cite]] = {}
    for r in sorted(rows, key=lambda r: (titles[r["doc_id"]]["order"], r["seg_no"])):
        if r["field"] != name or r["value"] is None:
            continue
        cite = _cite(titles, r["doc_id"], r["seg_no"], r["text"] or r["value"])
        if r["value"] not in readings:
            readings[r["value"]] = (r["chosen"], cite)
    ordered = sorted(readings.items(), key=lambda kv: not kv[1][0])
    return Disagreement(name, tuple((value, cite) for value, (_, cite) in ordered))


def _names_zh(names: list[str | None], gazetteer: Gazetteer) -> dict[str, str]:
    """Chinese names the gazetteer gives for places, and for companies with a short Han name
    (谷歌, 微软); others (xAI, Anthropic) are written in Latin letters in Chinese text too."""
    out = {}
    parts = [p for name in names if name for p in name.split(", ")]
    for part in parts:
        entry = gazetteer.lookup(part)
        if entry is None:
            continue
        han = [a for a in entry.aliases if han_count(a) == len(a)]
        if han and (entry.label in _PLACE_LABELS or len(han[0]) <= _SHORT_HAN_NAME):
            out[part] = han[0]
    return out


def _source_doc(doc_id: str, titles: dict[str, Any]) -> SourceDoc:
    t = titles[doc_id]
    origin = titles.get(t["derived_from"]) if t["derived_from"] else None
    return SourceDoc(doc_id, t["title"], t["kind"], t["publisher"],
                     origin["title"] if origin else None)  # fmt: skip


def _deal_claims(
    con: duckdb.DuckDBPyConnection, deals: list[tuple[Any, ...]], evidence: dict[str, list[Any]]
) -> dict[str, list[tuple[Any, ...]]]:
    weight: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for deal_id, rows in evidence.items():
        for r in rows:
            weight[r["doc_id"]][deal_id] += 1
    main = {doc: min(w, key=lambda d: (-w[d], d)) for doc, w in weight.items()}
    own = {d[0]: {n for n in (d[3], d[4]) if n} for d in deals}  # customer, site
    found = queries.claims_with_names(con)
    out: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for row in found:
        doc_id, names = row[1], set(row[7] or ())
        reported = weight.get(doc_id, {})
        for deal_id in sorted(reported):
            others = set().union(*(own[d] for d in reported if d != deal_id)) - own[deal_id]
            if names & own[deal_id] or (main[doc_id] == deal_id and not names & others):
                out[deal_id].append(row)
    return out


def _arguments(
    con: duckdb.DuckDBPyConnection, claims: list[tuple[Any, ...]], titles: dict[str, Any]
) -> tuple[ArgumentFacts, ...]:
    by_argument: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for c in claims:
        if c[6] is not None:
            by_argument[c[6]].append(c)
    if not by_argument:
        return ()
    meta = queries.argument_meta(con, sorted(by_argument))
    out = []
    for argument_id, members in by_argument.items():
        members.sort(key=lambda c: (titles[c[1]]["order"], c[2], c[0]))
        label, stance = meta[argument_id]
        # Quote one of this deal's own claims: the argument's label when it is one,
        # else the first in English, else the first.
        english = [c for c in members if c[4] == "en"]
        quoted = next((c for c in members if c[3] == label), (english or members)[0])
        per_doc: dict[str, tuple[Any, ...]] = {}
        for c in members:  # each document's claim: its English one when it has one
            if c[1] not in per_doc or (per_doc[c[1]][4] != "en" and c[4] == "en"):
                per_doc[c[1]] = c
        per_doc[quoted[1]] = quoted
        chinese = [c for c in members if c[4] == "zh"]
        quoted_zh = quoted if quoted[4] == "zh" else (chinese[0] if chinese else None)
        out.append(
            ArgumentFacts(
                label=quoted[3],
                label_zh=quoted_zh[3] if quoted_zh else None,
                stance=stance,
                speakers=tuple(sorted({c[5] for c in members if c[5]})),
                claims=len(members),
                documents=len({c[1] for c in members}),
                languages=tuple(sorted({c[4] for c in members})),
                confidence=round(sum(c[8] for c in members) / len(members), 4),
                doc_ids=tuple(dict.fromkeys(c[1] for c in members)),
                cite=_cite(titles, quoted[1], quoted[2], quoted[3]),
                quotes=tuple(_cite(titles, c[1], c[2], c[3]) for c in per_doc.values()),
                cite_zh=(
                    _cite(titles, quoted_zh[1], quoted_zh[2], quoted_zh[3]) if quoted_zh else None
                ),
                quotes_zh=tuple(
                    _cite(titles, c[1], c[2], c[3])
                    for c in {c[1]: c for c in reversed(chinese)}.values()
                ),
            )
        )
    out.sort(key=lambda a: (-a.claims, -a.documents, a.label))
    return tuple(out)


def _economics(
    con: duckdb.DuckDBPyConnection,
    values: dict[str, Any],
    docs: list[str],
    titles: dict[str, Any],
) -> Economics | None:
    monthly = values["usd_per_month"]
    if not monthly:
        return None
    unit = econ.unit_economics(monthly, values["gpus"], values["capacity_mw"])
    found = queries.untyped_totals(con, docs)
    found.sort(key=lambda r: (titles[r[5]]["order"], r[6], r[3]))
    for value, text, segment, start, end, doc_id, seg_no in found:
        if CAPEX_CUE.search(segment[max(0, start - CUE_WINDOW) : end + CUE_WINDOW]):
            cite = _cite(titles, doc_id, seg_no, text)
            return Economics(unit, value, cite, econ.payback_month(value, monthly))
    return Economics(unit)
