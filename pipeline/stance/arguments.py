"""Arguments: claims that make the same point, across documents and languages.

Pure: vectors and probabilities in, decisions out; incremental.py feeds it from
the store. Claims join arguments one at a time, in ingest order (single-pass
clustering, as news-stream topic tracking does it), so a new document costs
the same in any store and `neocloud rebuild`, replaying the same order, gets
the same arguments:

1. a translated claim joins the argument of the claim it translates;
2. else a claim that quotes a phrase another nearby claim says ("a major heat
   check before the IPO" in a retelling and in the original), or says a phrase
   another quotes, joins that claim's argument;
3. else it joins the argument its vector is closest to on average (its dot
   product with the argument's vector sum, over the argument's size) if that
   average is at least `THRESHOLD`; the arguments looked at are those of its
   nearest claims in the argument index (stance/index.py);
4. else it starts an argument.

An argument is labelled by its most central claim (an English one when it has
one) and takes the stance most of its claims take, weighted by confidence.
Each claim's final stance weighs its argument-mates' and its speaker's other
claims against the head's own reading of it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from pipeline.ingest.derived import match_form, quoted_phrases

Vector = npt.NDArray[np.float32]
STANCES = ("neutral", "positive", "skeptical")
# Average similarity (centred e5 vectors, vectors.py) at which a claim joins an argument:
# the best B-cubed F1 on the dev half of benchmarks/data/arguments.jsonl (748 claims of
# our own on 60 deals); see benchmarks/results/similarity.json.
THRESHOLD = 0.4
NEIGHBOURS = 16  # nearest claims whose arguments a new claim is compared with
# How much a claim's argument-mates and, within a document, the other claims of
# its speaker weigh against the head's own reading of it: one argument has one
# stance, and a speaker rarely flips within a conversation.
ARGUMENT_WEIGHT = 0.5
SPEAKER_WEIGHT = 0.5


@dataclass
class ArgumentState:
    """What deciding membership needs of an argument: its size and running sums."""

    argument_id: int
    n: int = 0
    vector_sum: npt.NDArray[np.float32] = field(
        default_factory=lambda: np.zeros(0, dtype=np.float32)
    )
    prob_sum: npt.NDArray[np.float64] = field(default_factory=lambda: np.zeros(len(STANCES)))

    def similarity(self, vector: Vector) -> float:
        """Mean dot product of `vector` with the argument's claims."""
        return float(vector @ self.vector_sum) / self.n if self.n else -1.0

    def add(self, vector: Vector, probs: Sequence[float]) -> None:
        if not len(self.vector_sum):
            self.vector_sum = np.zeros(len(vector), dtype=np.float32)
        self.vector_sum = self.vector_sum + vector.astype(np.float32)
        self.prob_sum = self.prob_sum + np.asarray(probs, dtype=np.float64)
        self.n += 1


@dataclass(frozen=True)
class Neighbour:
    """A stored claim near the new one: its argument and its text."""

    argument_id: int
    text: str


def choose_argument(
    text: str,
    vector: Vector,
    neighbours: Sequence[Neighbour],
    partner_argument: int | None,
    states: Mapping[int, ArgumentState],
    threshold: float = THRESHOLD,
) -> int | None:
    """The argument a claim joins (None: it starts one); see the module docstring."""
    if partner_argument is not None:
        return partner_argument
    for n in neighbours:
        if shares_quote(text, n.text):
            return n.argument_id
    scored = [(states[a].similarity(vector), -a) for a in {n.argument_id for n in neighbours}]
    if not scored:
        return None
    score, negative_id = max(scored)
    return -negative_id if score >= threshold else None


def shares_quote(a: str, b: str) -> bool:
    """One quotes a phrase (3+ words or 5+ Han) that the other says."""
    form_a, form_b = match_form(a), match_form(b)
    return any(q in form_b for q in quoted_phrases(a)) or any(
        q in form_a for q in quoted_phrases(b)
    )


@dataclass(frozen=True)
class DocClaim:
    claim_id: str
    speaker: str | None
    probs: tuple[float, ...]
    translation_of: str | None = None


def document_probs(
    claims: Sequence[DocClaim],
) -> dict[str, tuple[tuple[float, ...], tuple[float, ...]]]:
    """Per claim of one document: its probabilities shared with its translation (a pair
    never disagrees), and the mean of its speaker's other claims' (empty without one)."""
    shared = {c.claim_id: np.array(c.probs, dtype=np.float64) for c in claims}
    for c in claims:
        if c.translation_of in shared:
            mean = (shared[c.claim_id] + shared[c.translation_of]) / 2
            shared[c.claim_id] = shared[c.translation_of] = mean
    by_speaker: dict[str, list[str]] = defaultdict(list)
    for c in claims:
        if c.speaker:
            by_speaker[c.speaker].append(c.claim_id)
    out = {}
    for c in claims:
        others = [shared[o] for o in by_speaker.get(c.speaker or "", []) if o != c.claim_id]
        speaker = np.mean(others, axis=0) if others else None
        out[c.claim_id] = (_rounded(shared[c.claim_id]), _rounded(speaker))
    return out


def _rounded(values: npt.NDArray[np.float64] | None) -> tuple[float, ...]:
    return () if values is None else tuple(round(float(v), 6) for v in values)


def final_stance(
    shared: Sequence[float],
    speaker: Sequence[float],
    prob_sum: npt.NDArray[np.float64] | Sequence[float],
    n: int,
) -> tuple[str, float]:
    """A claim's stance after weighing its argument-mates' and its speaker's claims."""
    own = np.asarray(shared, dtype=np.float64)
    total = own.copy()
    if n > 1:
        total += ARGUMENT_WEIGHT * (np.asarray(prob_sum) - own) / (n - 1)
    if len(speaker):
        total += SPEAKER_WEIGHT * np.asarray(speaker, dtype=np.float64)
    total /= total.sum()
    best = int(total.argmax())
    return STANCES[best], round(float(total[best]), 4)


def argument_stance(members: Sequence[tuple[str, float]]) -> str:
    """The stance its claims take, weighted by their confidence."""
    weight: defaultdict[str, float] = defaultdict(float)
    for stance, score in members:
        weight[stance] += score
    return max(sorted(weight), key=lambda s: weight[s])


def label(members: Sequence[tuple[str, str, Vector]], vector_sum: npt.NDArray[np.float32]) -> str:
    """The most central claim's text, an English one when there is one: (text, lang, vector)
    in claim order."""
    centrality = [float(v @ vector_sum) for _, _, v in members]
    english = [i for i, m in enumerate(members) if m[1] == "en"]
    pool = english or list(range(len(members)))
    return members[max(pool, key=lambda i: (centrality[i], -i))][0]
