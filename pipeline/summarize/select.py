"""Which arguments a summary names, and the numbered references it cites.

Per stance, the most salient arguments come first (confident, made in many
documents, by many claims); then every original document that has not had
its say gets its most salient argument (copies and retellings repeat their
original, so they get no slot of their own).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from pipeline.summarize.facts import STANCES, ArgumentFacts, Cite, DealFacts

TOP_PER_STANCE = {"skeptical": 4, "positive": 4, "neutral": 2}


def salience(argument: ArgumentFacts) -> float:
    return argument.confidence * argument.documents * math.sqrt(argument.claims)


def stance_sections(deal: DealFacts) -> list[tuple[str, int, list[ArgumentFacts]]]:
    """Per stance with something to name: the stance, how many arguments take it, those named."""
    out = []
    for stance in STANCES:
        named = named_arguments(deal, stance)
        if named:
            out.append((stance, sum(a.stance == stance for a in deal.arguments), named))
    return out


def named_arguments(deal: DealFacts, stance: str) -> list[ArgumentFacts]:
    pool = sorted(
        (a for a in deal.arguments if a.stance == stance), key=lambda a: (-salience(a), a.label)
    )
    if stance == "neutral":
        # A neutral point is worth naming when several sources make it; a lone one is
        # usually a remark that takes no side (or a line of boilerplate).
        return [a for a in pool if a.documents > 1][: TOP_PER_STANCE[stance]]
    chosen = pool[: TOP_PER_STANCE[stance]]
    for doc in deal.documents:
        if doc.derived_from is not None or any(a.cite.doc_id == doc.doc_id for a in chosen):
            continue
        mine = [a for a in pool if doc.doc_id in a.doc_ids and a not in chosen]
        if not mine:
            continue
        # Quote this document's own words, so the reference shows where it said it.
        quote = next(q for q in mine[0].quotes if q.doc_id == doc.doc_id)
        chinese = next((q for q in mine[0].quotes_zh if q.doc_id == doc.doc_id), None)
        chosen.append(
            replace(mine[0], label=quote.quote, cite=quote,
                    label_zh=chinese.quote if chinese else None, cite_zh=chinese)
        )  # fmt: skip
    return chosen


@dataclass
class References:
    """Numbered places, in order of first citation; the same place keeps its number."""

    cites: list[Cite] = field(default_factory=list)

    def mark(self, *cites: Cite) -> str:
        numbers = []
        for cite in cites:
            if cite not in self.cites:
                self.cites.append(cite)
            numbers.append(self.cites.index(cite) + 1)
        return "".join(f"[{n}]" for n in numbers)
