"""Arguments: claims that make the same point, across documents and languages.

Pure: claim vectors in, groups out. A translated claim is first joined to the
claim it translates, and a claim that quotes a phrase to every claim that says
it ("a major heat check before the IPO" in a retelling and in the original);
then groups merge by average-linkage on cosine similarity
until no two groups are closer than `threshold`. Each argument is labelled by
its most central claim (an English one when the group has one), takes the
stance most of its claims take (weighted by the head's confidence), and counts
its claims, documents and languages.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from pipeline.ingest.derived import match_form, quoted_phrases

# Measured on the multilingual encoder: the same point in other words (a quote and
# its retelling, "a major heat check before the IPO") scores 0.6-0.9; different
# points about the same deal 0.2-0.5.
THRESHOLD = 0.55


@dataclass(frozen=True)
class ClaimPoint:
    claim_id: str
    doc_id: str
    lang: str
    text: str
    stance: str
    stance_score: float
    vector: tuple[float, ...]
    translation_of: str | None = None
    speaker: str | None = None
    probs: tuple[float, ...] = ()  # the head's probabilities, in STANCES order


@dataclass(frozen=True)
class Argument:
    argument_id: int
    label: str
    stance: str
    claims: int
    documents: int
    languages: tuple[str, ...]
    members: tuple[str, ...]  # claim_ids


STANCES = ("neutral", "positive", "skeptical")
# How much a claim's argument-mates and, within a document, the other claims of
# its speaker weigh against the head's own reading of it: one argument has one
# stance, and a speaker rarely flips within a conversation.
ARGUMENT_WEIGHT = 0.5
SPEAKER_WEIGHT = 0.5


def consistent_stances(
    points: Sequence[ClaimPoint], arguments: Sequence[Argument]
) -> dict[str, tuple[str, float]]:
    """Each claim's stance after weighing its argument's and its speaker's other claims.

    A translation and its original are one claim in two languages: they first
    share the mean of their probabilities, so a pair never disagrees.
    """
    probs = {p.claim_id: np.array(p.probs or _one_hot(p.stance), dtype=np.float64) for p in points}
    for p in points:
        if p.translation_of in probs:
            shared = (probs[p.claim_id] + probs[p.translation_of]) / 2
            probs[p.claim_id] = probs[p.translation_of] = shared
    argument_of = {cid: a.argument_id for a in arguments for cid in a.members}
    mates: dict[object, list[str]] = defaultdict(list)
    for p in points:
        mates[("argument", argument_of.get(p.claim_id))].append(p.claim_id)
        if p.speaker:
            mates[("speaker", p.doc_id, p.speaker)].append(p.claim_id)
    out: dict[str, tuple[str, float]] = {}
    for p in points:
        total = probs[p.claim_id].copy()
        for key, weight in (
            (("argument", argument_of.get(p.claim_id)), ARGUMENT_WEIGHT),
            (("speaker", p.doc_id, p.speaker), SPEAKER_WEIGHT),
        ):
            others = [probs[c] for c in mates.get(key, []) if c != p.claim_id]
            if others and (key[0] == "argument" or p.speaker):
                total += weight * np.mean(others, axis=0)
        total /= total.sum()
        best = int(total.argmax())
        out[p.claim_id] = (STANCES[best], round(float(total[best]), 4))
    return out


def _one_hot(stance: str) -> list[float]:
    return [1.0 if s == stance else 0.0 for s in STANCES]


def group_arguments(points: Sequence[ClaimPoint], threshold: float = THRESHOLD) -> list[Argument]:
    if not points:
        return []
    index = {p.claim_id: i for i, p in enumerate(points)}
    vectors = np.array([p.vector for p in points], dtype=np.float32)
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    sims = vectors @ vectors.T
    groups = _linked_groups(points, index)
    groups = _average_linkage(groups, sims, threshold)
    ordered = sorted(groups, key=lambda g: (-len(g), min(g)))
    return [
        _argument(n + 1, [points[i] for i in g], sims[np.ix_(g, g)]) for n, g in enumerate(ordered)
    ]


def _linked_groups(points: Sequence[ClaimPoint], index: dict[str, int]) -> list[list[int]]:
    parent = list(range(len(points)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, p in enumerate(points):
        if p.translation_of in index:
            parent[find(i)] = find(index[p.translation_of])
    forms = [match_form(p.text) for p in points]
    for i, p in enumerate(points):
        for phrase in quoted_phrases(p.text):
            for j, form in enumerate(forms):
                if j != i and phrase in form:
                    parent[find(j)] = find(i)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(points)):
        groups[find(i)].append(i)
    return list(groups.values())


def _average_linkage(
    groups: list[list[int]], sims: np.ndarray, threshold: float
) -> list[list[int]]:
    """Merge the closest pair while its average similarity is at least `threshold`.

    Group-to-group similarities are updated in place (Lance-Williams), so each
    merge costs one row of numpy work.
    """
    groups = [sorted(g) for g in groups]
    size = np.array([len(g) for g in groups], dtype=np.float64)
    # Mean similarity between every pair of groups in one product: A S Aᵀ, A averaging rows.
    averaging = np.zeros((len(groups), sims.shape[0]))
    for row, members in enumerate(groups):
        averaging[row, members] = 1.0 / len(members)
    link = averaging @ sims.astype(np.float64) @ averaging.T
    np.fill_diagonal(link, -np.inf)
    alive = np.ones(len(groups), dtype=bool)
    while alive.sum() > 1:
        masked = np.where(alive[:, None] & alive[None, :], link, -np.inf)
        a, b = np.unravel_index(int(masked.argmax()), masked.shape)
        if masked[a, b] < threshold:
            break
        merged = (size[a] * link[a] + size[b] * link[b]) / (size[a] + size[b])
        link[a, :] = merged
        link[:, a] = merged
        link[a, a] = -np.inf
        size[a] += size[b]
        alive[b] = False
        groups[a] = sorted(groups[a] + groups[b])
    return [g for g, keep in zip(groups, alive, strict=True) if keep]


def restanced(
    arguments: Sequence[Argument], stances: dict[str, tuple[str, float]]
) -> list[Argument]:
    """The same arguments, each taking the stance its claims now have (weighted by confidence)."""
    out = []
    for a in arguments:
        weight: defaultdict[str, float] = defaultdict(float)
        for claim_id in a.members:
            stance, score = stances[claim_id]
            weight[stance] += score
        out.append(replace(a, stance=max(sorted(weight), key=lambda s: weight[s])))
    return out


def _argument(argument_id: int, members: list[ClaimPoint], sims: np.ndarray) -> Argument:
    centrality = sims.mean(axis=1)
    english = [i for i, m in enumerate(members) if m.lang == "en"]
    pool = english or list(range(len(members)))
    label = members[max(pool, key=lambda i: (centrality[i], -i))].text
    weight: defaultdict[str, float] = defaultdict(float)
    for m in members:
        weight[m.stance] += m.stance_score
    stance = max(sorted(weight), key=lambda s: weight[s])
    return Argument(
        argument_id=argument_id,
        label=label,
        stance=stance,
        claims=len(members),
        documents=len({m.doc_id for m in members}),
        languages=tuple(sorted({m.lang for m in members})),
        members=tuple(m.claim_id for m in members),
    )
