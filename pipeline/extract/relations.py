"""Which organizations named in a sentence have a deal, of what kind, which way, and its status.

Learned from labelled sentences (corpus/deals/, `neocloud train-deals`), not
from a list of constructions. Every pair of organizations in a sentence is one
example, A the first named and B the second. The sentence is masked: A and B
become Ⓐ and Ⓑ, other organizations Ⓞ, facilities Ⓕ, places Ⓛ, money Ⓜ and
digits 0, so a made-up company reads like a known one. Character n-grams are
taken apart from the text before A, between A and B, and after B, so the
classifier learns direction from where the words stand ("Ⓐ will host GPUs for
Ⓑ", "Ⓐ is renting capacity from Ⓑ", "Ⓑ 为 Ⓐ 提供算力"); the sentence's e5 vector
(the pass every sentence already gets) adds what the words mean. One
multinomial logistic regression reads the relation (none, or a kind), a second
which party provides (A or B: "from", "to", "for", "向", "为" point the same
way whatever the kind, so every deal pair teaches it). A third reads the
sentence's status: announced, reported, rumoured, ended, denied or
hypothetical; denied and hypothetical statements make no deal.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse

from pipeline.errors import NeocloudError
from pipeline.records import Entity, Figure
from pipeline.stance.head import MODELS, Head, Ngrams

RELATIONS_FILE = MODELS / "deal_relations.json"
NONE = "none"
NO_DEAL = ("denied", "hypothetical")  # statuses that never make a deal row
SYMMETRIC = ("joint_venture",)  # partners, in either order
WINDOW = 48  # characters read before A and after B
MAX_BETWEEN = 160  # pairs further apart than this are not read as one statement
_SLOT = {"ORG": "Ⓞ", "FAC": "Ⓕ", "GPE": "Ⓛ", "LOC": "Ⓛ"}
_DIGITS = re.compile(r"\d")

Vector = npt.NDArray[np.float32]


@dataclass(frozen=True)
class Party:
    """An organization in a sentence: where (offsets into the sentence) and who."""

    start: int
    end: int
    name: str  # canonical


@dataclass(frozen=True)
class Relation:
    kind: str
    provider: str
    customer: str
    probability: float
    status: str


def masked(text: str, a: Party, b: Party, others: Sequence[tuple[int, int, str]]) -> str:
    """`text` with A, B and the other spans (start, end, slot character) replaced."""
    return _replaced(text, [(a.start, a.end, "Ⓐ"), (b.start, b.end, "Ⓑ"), *others])


def unpaired(text: str, parties: Sequence[Party], others: Sequence[tuple[int, int, str]]) -> str:
    """The sentence as the status head reads it: every organization Ⓞ."""
    return _replaced(text, [*((p.start, p.end, "Ⓞ") for p in parties), *others])


def _replaced(text: str, spans: Sequence[tuple[int, int, str]]) -> str:
    out, pos = [], 0
    for start, end, slot in sorted(spans):
        if start < pos:
            continue  # overlaps a span already replaced
        out += [text[pos:start], slot]
        pos = end
    out.append(text[pos:])
    return _DIGITS.sub("0", "".join(out))


def regions(sentence: str) -> tuple[str, str, str]:
    """Before Ⓐ, between Ⓐ and Ⓑ, after Ⓑ, of a masked sentence (A precedes B)."""
    a, b = sentence.index("Ⓐ"), sentence.index("Ⓑ")
    return sentence[max(0, a - WINDOW) : a + 1], sentence[a : b + 1], sentence[b : b + WINDOW]


def other_spans(
    ents: Sequence[Entity], figs: Sequence[Figure], offset: int
) -> list[tuple[int, int, str]]:
    """The spans to mask besides A and B, offsets made relative to the sentence."""
    spans = [(e.start - offset, e.end - offset, _SLOT[e.label]) for e in ents if e.label in _SLOT]
    spans += [(f.start - offset, f.end - offset, "Ⓜ") for f in figs if f.quantity == "money"]
    return spans


def label_of(kind: str, a_provides: bool) -> str:
    if kind in SYMMETRIC:
        return kind
    return f"{kind}{'>' if a_provides else '<'}"


def kind_of(label: str) -> tuple[str, bool]:
    """A relation label's kind, and whether A is the provider."""
    return label.rstrip("<>"), not label.endswith("<")


@dataclass(frozen=True)
class RelationModel:
    before: Ngrams
    between: Ngrams
    after: Ngrams
    relation: Head  # none, or a kind
    direction: Head  # "a" (A provides) or "b"
    status: Head
    sentence: Ngrams  # the status head reads the whole masked sentence
    threshold: float  # the least probability of the best deal label that makes a deal

    def pair_features(self, sentences: Sequence[str], vectors: Vector) -> sparse.csr_matrix:
        parts = [regions(s) for s in sentences]
        return sparse.hstack(
            [
                self.before.transform([p[0] for p in parts]),
                self.between.transform([p[1] for p in parts]),
                self.after.transform([p[2] for p in parts]),
                sparse.csr_matrix(vectors),
            ],
            format="csr",
            dtype=np.float32,
        )

    def status_features(self, sentences: Sequence[str], vectors: Vector) -> sparse.csr_matrix:
        return sparse.hstack(
            [self.sentence.transform(sentences), sparse.csr_matrix(vectors)],
            format="csr",
            dtype=np.float32,
        )

    def find(
        self,
        text: str,
        parties: Sequence[Party],
        others: Sequence[tuple[int, int, str]],
        vector: Vector,
    ) -> list[Relation]:
        """The deals the sentence `text` states between `parties` (in reading order)."""
        pairs = [
            (a, b)
            for i, a in enumerate(parties)
            for b in parties[i + 1 :]
            if a.name != b.name and b.start - a.end <= MAX_BETWEEN
        ]
        if not pairs:
            return []
        plain = [o for o in others if not any(o[0] < p.end and p.start < o[1] for p in parties)]
        sentences = [masked(text, a, b, [*plain, *self._rest(parties, a, b)]) for a, b in pairs]
        vectors = np.repeat(vector[None, :], len(pairs), axis=0)
        x = self.pair_features(sentences, vectors)
        probs = self.relation.proba(x)
        a_provides = self.direction.proba(x)[:, self.direction.classes.index("a")] >= 0.5
        status = self.status_of(text, parties, plain, vector)
        none = self.relation.classes.index(NONE)
        out = []
        for (a, b), row, forward in zip(pairs, probs, a_provides, strict=True):
            best = int(np.argmax(np.where(np.arange(len(row)) == none, -1.0, row)))
            if row[best] < self.threshold or row[best] < row[none]:
                continue
            kind = self.relation.classes[best]
            provider, customer = (a, b) if forward or kind in SYMMETRIC else (b, a)
            out.append(Relation(kind, provider.name, customer.name, float(row[best]), status))
        return out

    def status_of(
        self,
        text: str,
        parties: Sequence[Party],
        others: Sequence[tuple[int, int, str]],
        vector: Vector,
        *,
        stated: bool = False,
    ) -> str:
        """What the sentence says of its deal: announced, reported, rumoured, ended, denied or
        hypothetical; with `stated` (a construction already read a deal there), only one of
        the first four."""
        x = self.status_features([unpaired(text, parties, others)], vector[None, :])
        probs = self.status.proba(x)[0]
        if stated:
            probs = np.where([c in NO_DEAL for c in self.status.classes], -1.0, probs)
        return self.status.classes[int(probs.argmax())]

    @staticmethod
    def _rest(parties: Sequence[Party], a: Party, b: Party) -> list[tuple[int, int, str]]:
        return [(p.start, p.end, "Ⓞ") for p in parties if p is not a and p is not b]

    def to_json(self) -> dict[str, Any]:
        return {
            "before": self.before.to_json(),
            "between": self.between.to_json(),
            "after": self.after.to_json(),
            "sentence": self.sentence.to_json(),
            "relation": self.relation.to_json(),
            "direction": self.direction.to_json(),
            "status": self.status.to_json(),
            "threshold": self.threshold,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RelationModel:
        def ngrams(key: str) -> Ngrams:
            return Ngrams(data[key]["vocabulary"], data[key]["idf"])

        return cls(
            before=ngrams("before"),
            between=ngrams("between"),
            after=ngrams("after"),
            relation=Head.from_json(data["relation"]),
            direction=Head.from_json(data["direction"]),
            status=Head.from_json(data["status"]),
            sentence=ngrams("sentence"),
            threshold=float(data["threshold"]),
        )


def load_relations(path: Path = RELATIONS_FILE) -> RelationModel | None:
    """The shipped relation model, or None when there is none (patterns alone then)."""
    if not path.exists():
        return None
    try:
        return RelationModel.from_json(json.loads(path.read_text(encoding="utf-8")))
    except (KeyError, ValueError) as exc:
        raise NeocloudError(
            f"{path}: not a deal relation model ({exc}); retrain with `neocloud train-deals`"
        ) from exc


VectorOf = Callable[[str], Vector]
