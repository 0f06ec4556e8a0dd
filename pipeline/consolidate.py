"""Deal mentions from every document, consolidated into one row per real-world deal.

Pure: records in, records out. A deal is its kind with its canonical provider
and customer, so the same lease reported in English and in Chinese, by an
article and by a summary of it, is one deal. Each field's value comes from the
figures that state it: values that agree within rounding form a group, the
group backed by the most independent sources wins (then the one with an exact
figure), and when groups disagree the field is listed in `conflicts` while
every value stays in the evidence.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace

from pipeline.records import Document

FIELDS = ("capacity_mw", "gpus", "usd_per_month", "usd_total", "term_days", "notice_days")
# Figures agree when within this relative distance: rounding ("roughly 300MW" vs
# "300MW", "$1.25bn" vs "12.5 亿美元") stays inside, a different number does not.
_TOLERANCE_APPROX = 0.10
_TOLERANCE_EXACT = 0.005
_SETS_VALUE = ("=", "~")  # "more than $2bn" is evidence, not the deal's value


@dataclass(frozen=True)
class Mention:
    mention_id: str
    doc_id: str
    seg_no: int
    kind: str
    provider: str
    customer: str
    site: str | None
    location: str | None
    status: str = "announced"


@dataclass(frozen=True)
class StatedFigure:
    mention_id: str
    field: str
    figure_id: str
    doc_id: str
    seg_no: int
    value: float
    bound: str
    text: str


@dataclass(frozen=True)
class Deal:
    deal_id: str
    kind: str
    provider: str
    customer: str
    site: str | None
    location: str | None
    values: dict[str, float | None]
    sources: int
    documents: int
    conflicts: tuple[str, ...]
    status: str = "announced"


@dataclass(frozen=True)
class Evidence:
    deal_id: str
    field: str
    figure_id: str | None
    doc_id: str
    seg_no: int
    value: str | None
    text: str | None
    chosen: bool


def document_deals(doc: Document) -> list[Deal]:
    """One document's deals alone, consolidated as the store would if it held only it."""
    figures = {f.figure_id: f for f in doc.figures}
    mentions, stated = [], []
    for i, m in enumerate(doc.deal_mentions):
        mention_id = f"{doc.doc_id}:{i}"
        mentions.append(Mention(mention_id, doc.doc_id, m.seg_no, m.kind, m.provider,
                                m.customer, m.site, m.location, m.status))  # fmt: skip
        for name, figure_id in m.figures:
            f = figures[figure_id]
            stated.append(StatedFigure(mention_id, name, figure_id, doc.doc_id, f.seg_no,
                                       f.value, f.bound, f.text))  # fmt: skip
    return consolidate(mentions, stated, {doc.doc_id: doc.doc_id})[0]


def consolidate(
    mentions: Iterable[Mention], figures: Iterable[StatedFigure], roots: dict[str, str]
) -> tuple[list[Deal], list[Evidence]]:
    """`roots` maps each doc_id to the document it derives from (itself if original)."""
    by_deal: dict[tuple[str, str, str], list[Mention]] = defaultdict(list)
    for m in mentions:
        by_deal[(m.kind, m.provider, m.customer)].append(m)
    stated: dict[str, list[StatedFigure]] = defaultdict(list)
    for f in figures:
        stated[f.mention_id].append(f)
    deals: list[Deal] = []
    evidence: list[Evidence] = []
    for key, group in sorted(by_deal.items()):
        deal_id = deal_id_for(*key)
        figs = _unique_figures(f for m in group for f in stated[m.mention_id])
        values, chosen, conflicts = _values(figs, roots)
        site = _most_common(m.site for m in group)
        location = _most_specific(m.location for m in group)
        deals.append(
            Deal(
                deal_id=deal_id,
                kind=key[0],
                provider=key[1],
                customer=key[2],
                site=site,
                location=location,
                values=values,
                sources=len({roots.get(m.doc_id, m.doc_id) for m in group}),
                documents=len({m.doc_id for m in group}),
                conflicts=conflicts,
                status=deal_status(m.status for m in group),
            )
        )
        evidence += _name_evidence(deal_id, group, site, location)
        evidence += [
            Evidence(
                deal_id, f.field, f.figure_id, f.doc_id, f.seg_no, _fmt(f.value), f.text,
                f.figure_id in chosen,
            )
            for f in figs
        ]  # fmt: skip
    return deals, evidence


# Ties go to the firmer word.
_STATUS_ORDER = ("announced", "reported", "rumoured", "ended")


def deal_status(statuses: Iterable[str]) -> str:
    """The status most of a deal's mentions give (ties: announced, reported, rumoured, ended)."""
    counts = Counter(statuses)
    if not counts:
        return "announced"
    return max(_STATUS_ORDER, key=lambda s: (counts[s], -_STATUS_ORDER.index(s)))


def deal_id_for(kind: str, provider: str, customer: str) -> str:
    """Readable and stable: "xai-anthropic-compute-lease"."""
    return "-".join(_slug(part) for part in (provider, customer, kind))


def _slug(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    return re.sub(r"[\W_]+", "-", text).strip("-") or "x"


def _unique_figures(figs: Iterable[StatedFigure]) -> list[StatedFigure]:
    seen: dict[tuple[str, str], StatedFigure] = {}
    for f in figs:
        seen.setdefault((f.field, f.figure_id), f)
    return list(seen.values())


def _values(
    figs: list[StatedFigure], roots: dict[str, str]
) -> tuple[dict[str, float | None], set[str], tuple[str, ...]]:
    values: dict[str, float | None] = {}
    chosen: set[str] = set()
    conflicts: list[str] = []
    for name in FIELDS:
        candidates = [f for f in figs if f.field == name and f.bound in _SETS_VALUE]
        if name == "usd_per_month":
            candidates += _per_year_as_per_month(figs)
        groups = _agreeing_groups(candidates)
        if not groups:
            values[name] = None
            continue
        best = max(groups, key=lambda g: _support(g, roots))
        values[name] = _representative(best)
        chosen.update(f.figure_id for f in best)
        if len(groups) > 1:
            conflicts.append(name)
    return values, chosen, tuple(conflicts)


def _per_year_as_per_month(figs: list[StatedFigure]) -> list[StatedFigure]:
    """An annual amount states the monthly one too ("每年支付约 6 亿美元" is $50mn a month)."""
    return [
        replace(f, value=f.value / 12)
        for f in figs
        if f.field == "usd_per_year" and f.bound in _SETS_VALUE
    ]


def _agreeing_groups(figs: list[StatedFigure]) -> list[list[StatedFigure]]:
    groups: list[list[StatedFigure]] = []
    for fig in sorted(figs, key=lambda f: f.value):
        if groups and _agree(groups[-1][0], fig):
            groups[-1].append(fig)
        else:
            groups.append([fig])
    return groups


def _agree(a: StatedFigure, b: StatedFigure) -> bool:
    tolerance = _TOLERANCE_EXACT if a.bound == b.bound == "=" else _TOLERANCE_APPROX
    top = max(abs(a.value), abs(b.value)) or 1.0
    return abs(a.value - b.value) / top <= tolerance


def _support(group: list[StatedFigure], roots: dict[str, str]) -> tuple[int, int, int]:
    independent = len({roots.get(f.doc_id, f.doc_id) for f in group})
    exact = sum(1 for f in group if f.bound == "=")
    return independent, exact, len(group)


def _representative(group: list[StatedFigure]) -> float:
    exact = [f.value for f in group if f.bound == "="] or [f.value for f in group]
    return Counter(exact).most_common(1)[0][0]


def _most_common(items: Iterable[str | None]) -> str | None:
    counts = Counter(i for i in items if i)
    return counts.most_common(1)[0][0] if counts else None


def _most_specific(items: Iterable[str | None]) -> str | None:
    """The location with most parts ("Memphis, Tennessee" over "Tennessee"), then most common."""
    counts = Counter(i for i in items if i)
    if not counts:
        return None
    return max(counts, key=lambda loc: (loc.count(",") + 1, counts[loc], loc))


def _name_evidence(
    deal_id: str, group: list[Mention], site: str | None, location: str | None
) -> list[Evidence]:
    out: list[Evidence] = []
    for m in group:
        for role, name in (("provider", m.provider), ("customer", m.customer)):
            out.append(Evidence(deal_id, role, None, m.doc_id, m.seg_no, name, None, True))
        if m.site:
            out.append(
                Evidence(deal_id, "site", None, m.doc_id, m.seg_no, m.site, None, m.site == site)
            )
        if m.location:
            out.append(
                Evidence(
                    deal_id, "location", None, m.doc_id, m.seg_no, m.location, None,
                    m.location == location,
                )
            )  # fmt: skip
    return out


def _fmt(value: float) -> str:
    return f"{value:.10g}"
