"""Pair segments that translate each other (English <-> Chinese, or English <-> any other language).

A pair needs (1) a score above a threshold: cross-lingual embedding similarity,
plus a bonus for the foreign side's anchors (numbers, Latin-script names) found
in the English side, and (2) a plausible length ratio (Chinese units per
English word). Pairs are then chosen
by an order-preserving alignment (weighted longest common subsequence), which
fits both layouts seen in practice: paragraph-by-paragraph interleaving and a
whole English text followed by its whole translation. A Chinese summary of an
English post is similar in topic but fails the length test and is not paired.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import numpy as np

from pipeline.ingest.language import han_count, latin_words

# Segment vectors are the mean of their sentences' centred e5 vectors (flow.py).
# Chosen on the dev half of benchmarks/data/translation_pairs.jsonl (our own
# translations, summaries and same-deal paragraphs, interleaved three to a
# document): F1 0.98 there, 0.96 on the test half (benchmarks/results/similarity.json).
# Han characters (plus Latin words) per English word run 1.36-2.75 in translations;
# a summary that comes close on similarity fails the length test.
MIN_COSINE = 0.4
MIN_SCORE = 0.45
ANCHOR_BONUS = 0.2
_ANCHOR = re.compile(r"\d+(?:[.,]\d+)*|[A-Za-z][A-Za-z0-9]*")
_UNITS_PER_WORD = {"zh": 1.6}
_BASE_TOLERANCE = 0.35  # allowed |log(ratio / expected)| on long texts
_SHORT_TEXT_SLACK = 2.0  # extra tolerance, divided by sqrt(length): short titles vary more


def pair_translations(
    langs: Sequence[str], texts: Sequence[str], vectors: np.ndarray
) -> dict[int, int]:
    """Map the later segment of each translation pair to the earlier one (seg_no -> seg_no).

    `vectors` are the segments' unit vectors in the similarity space (flow.py: the mean
    of their sentences' vectors, centred per language).
    """
    others = sorted({lang for lang in langs if lang != "en"})
    english = [i for i, lang in enumerate(langs) if lang == "en"]
    if not english or not others:
        return {}
    pairs: dict[int, int] = {}
    for other in others:
        foreign = [i for i, lang in enumerate(langs) if lang == other]
        for a, b in _align(english, foreign, texts, vectors, other):
            early, late = min(a, b), max(a, b)
            pairs[late] = early
    return pairs


def _align(
    english: list[int],
    foreign: list[int],
    texts: Sequence[str],
    vectors: np.ndarray,
    lang: str,
) -> list[tuple[int, int]]:
    sims = vectors[english] @ vectors[foreign].T
    weight = np.zeros_like(sims)
    for a, i in enumerate(english):
        for b, j in enumerate(foreign):
            if sims[a, b] < MIN_COSINE or not plausible_length(texts[i], texts[j], lang):
                continue
            score = sims[a, b] + ANCHOR_BONUS * anchors_found(texts[j], texts[i])
            weight[a, b] = score if score >= MIN_SCORE else 0.0
    return [(english[a], foreign[b]) for a, b in _weighted_lcs(weight)]


def anchors_found(foreign: str, english: str) -> float:
    """Share of the foreign text's numbers and Latin-script names that the English text has.

    In a Chinese translation, Latin tokens are names kept as written (xAI, GPU)
    and digits are kept as digits, so they must all come from the original.
    """
    wanted = {_anchor(m) for m in _ANCHOR.findall(foreign)}
    if not wanted:
        return 0.0
    have = {_anchor(m) for m in _ANCHOR.findall(english)}
    return len(wanted & have) / len(wanted)


def _anchor(token: str) -> str:
    return token.replace(",", "").lower()


def plausible_length(english: str, foreign: str, lang: str) -> bool:
    words = len(latin_words(english))
    units = han_count(foreign) + len(latin_words(foreign)) if lang == "zh" else len(foreign.split())
    if not words or not units:
        return False
    expected = _UNITS_PER_WORD.get(lang, 1.0)
    tolerance = _BASE_TOLERANCE + _SHORT_TEXT_SLACK / math.sqrt(min(words, units))
    return abs(math.log(units / words / expected)) <= tolerance


def _weighted_lcs(weight: np.ndarray) -> list[tuple[int, int]]:
    """Order-preserving one-to-one matching that maximizes the summed weight."""
    rows, cols = weight.shape
    best = np.zeros((rows + 1, cols + 1))
    for a in range(rows):
        for b in range(cols):
            take = best[a, b] + weight[a, b] if weight[a, b] > 0 else -1.0
            best[a + 1, b + 1] = max(best[a, b + 1], best[a + 1, b], take)
    matches: list[tuple[int, int]] = []
    a, b = rows, cols
    while a and b:
        if weight[a - 1, b - 1] > 0 and best[a, b] == best[a - 1, b - 1] + weight[a - 1, b - 1]:
            matches.append((a - 1, b - 1))
            a, b = a - 1, b - 1
        elif best[a, b] == best[a - 1, b]:
            a -= 1
        else:
            b -= 1
    return matches[::-1]
