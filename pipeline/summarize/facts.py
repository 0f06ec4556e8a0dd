"""What a deal summary is written from: records read from the store, nothing else.

Every value carries the places that state it (`Cite`), so each renderer can
footnote it; `snapshot` is the comparable form the next run diffs against.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pipeline.economics import UnitEconomics

FIGURE_FIELDS = ("capacity_mw", "gpus", "usd_per_month", "usd_total", "term_days", "notice_days")
STANCES = ("skeptical", "positive", "neutral")


@dataclass(frozen=True)
class Cite:
    """A place in the store: a document's segment and the words there."""

    doc_id: str
    title: str
    seg_no: int
    quote: str
    kind: str  # the document's kind: two documents may share a title


@dataclass(frozen=True)
class Fact:
    field: str
    value: float | str
    cites: tuple[Cite, ...]
    bound: str = "="  # as in figures.bound: = exact, ~ about, > more than, < at most


@dataclass(frozen=True)
class Disagreement:
    field: str
    readings: tuple[tuple[str, Cite], ...]  # (value as stored, where), chosen reading first


@dataclass(frozen=True)
class ArgumentFacts:
    label: str  # the argument's representative claim, in English when it has one
    label_zh: str | None  # its Chinese claim, when one of the deal's claims is in Chinese
    stance: str
    speakers: tuple[str, ...]
    claims: int  # of this deal's claims
    documents: int
    languages: tuple[str, ...]
    confidence: float  # mean stance score of its claims
    doc_ids: tuple[str, ...]  # documents its claims come from, originals first
    cite: Cite  # where `label` is said
    quotes: tuple[Cite, ...] = ()  # one claim per document, in `doc_ids` order
    cite_zh: Cite | None = None  # where `label_zh` is said
    quotes_zh: tuple[Cite, ...] = ()  # one Chinese claim per document that has one


@dataclass(frozen=True)
class SourceDoc:
    doc_id: str
    title: str
    kind: str
    publisher: str | None
    derived_from: str | None  # title of the document it duplicates or retells


@dataclass(frozen=True)
class Economics:
    unit: UnitEconomics
    capex: float | None = None
    capex_cite: Cite | None = None
    payback_months: float | None = None


@dataclass(frozen=True)
class DealFacts:
    deal_id: str
    kind: str
    provider: str | None
    customer: str | None
    names_zh: dict[str, str]  # canonical name -> its Chinese name, when the gazetteer has one
    facts: dict[str, Fact]
    economics: Economics | None
    arguments: tuple[ArgumentFacts, ...]
    documents: tuple[SourceDoc, ...]
    independent_sources: int
    disagreements: tuple[Disagreement, ...] = field(default=())

    def value(self, name: str) -> Any:
        fact = self.facts.get(name)
        return None if fact is None else fact.value


def snapshot(deal: DealFacts) -> dict[str, Any]:
    """The facts in a plain, ordered form: equal snapshots give equal summaries."""
    return {
        "fields": {name: fact.value for name, fact in sorted(deal.facts.items())},
        "documents": sorted(d.title for d in deal.documents),
        "independent_sources": deal.independent_sources,
        "arguments": sorted(
            [a.label, a.stance, a.claims, list(a.speakers)] for a in deal.arguments
        ),
        "disagreements": sorted(
            [d.field, sorted(value for value, _ in d.readings)] for d in deal.disagreements
        ),
    }
