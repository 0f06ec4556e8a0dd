"""Leak guard: training text that restates a protected text (a seed sentence, a test item).

A character overlap misses a restatement in other words, in the other language,
or with "1.25bn" written as "12.5亿". So two texts are compared on what
survives those changes:

- their centred multilingual-e5 vectors (vectors.py), cross-lingual;
- their rare words (Han bigrams for Chinese), weighted by how rare they are;
- the figures they state, normalised by the figure grammar (quantity and value
  to three significant digits, so "$1.25 billion" and "12.5亿美元" are one);
- the organisations they name, as the gazetteer's canonical names.

A pair is a leak when it shares a run of 6 words (8 Han characters, digits
normalised); when its vectors are very close (`LEAK_COSINE`); when they are
close (`WORDS_COSINE`) and share most of their rare words; or when they are
about one point (`FIGURE_COSINE`) and state the same figure, in the other
language or naming the same organisation. The thresholds are measured on the
same-topic pairs of benchmarks/data/arguments.jsonl (see the constants). Each
protected text is compared with its nearest training texts only, plus those
sharing a word run: one matrix product, not a Python loop over every pair.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from pipeline.extract.gazetteer import Gazetteer
from pipeline.extract.grammar import find_figures

# Measured on the same-topic pairs of benchmarks/data/arguments.jsonl: 1,119 make one point
# (in other words or the other language), 3,206 make different points of one topic. No
# different-point pair shares a word run (130 same-point pairs do), none of the 1,639 in one
# language reaches `WORDS_COSINE` with `RARE_SHARE` (95 of 435 same-point ones do), and 6
# reach `FIGURE_COSINE` with a shared amount (101 same-point ones). `LEAK_COSINE` is where,
# reading the training data's nearest test items, nearly every pair was one statement
# retold (between 0.55 and 0.7 many were not).
LEAK_COSINE = 0.70
# The seeds tell one story; a training text this close to one of their sentences is about it.
SEED_COSINE = 0.50
WORDS_COSINE = 0.30
RARE_SHARE = 0.25  # weighted Jaccard of the two texts' rare words
FIGURE_COSINE = 0.30
# Durations and shares ("five years", "20%") recur in unrelated statements; amounts do not.
_AMOUNTS = frozenset({"money", "power", "gpus", "count"})
WORD_RUN = 6
HAN_RUN = 8
_NEAREST = 20

_WORD = re.compile(r"[a-z0-9]+(?:[.'’][a-z0-9]+)*")
_HAN = re.compile(r"[\u3400-\u9fff]")
_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")


@dataclass(frozen=True)
class Text:
    """One text to compare, with where it comes from (a file and id, for the report)."""

    key: str
    text: str
    lang: str


@dataclass(frozen=True)
class Leak:
    train: str
    protected: str
    cosine: float
    why: str


def runs(text: str) -> set[str]:
    """The text's word 6-grams and Han 8-grams, digits normalised to 0."""
    low = _DIGITS.sub("0", text.lower())
    words = _WORD.findall(low)
    out = {" ".join(words[i : i + WORD_RUN]) for i in range(len(words) - WORD_RUN + 1)}
    han = "".join(_HAN.findall(low))
    out |= {han[i : i + HAN_RUN] for i in range(len(han) - HAN_RUN + 1)}
    return out


def words(text: str) -> set[str]:
    """Latin words of three letters or more and Han bigrams: what rarity is counted on."""
    low = text.lower()
    out = set(re.findall(r"[a-z]{3,}", low))
    han = "".join(_HAN.findall(low))
    return out | {han[i : i + 2] for i in range(len(han) - 1)}


def figures(text: str) -> set[tuple[str, float]]:
    """The amounts a text states, as (quantity, value to three significant digits)."""
    out = set()
    for fig in find_figures(text):
        if fig.value and fig.quantity in _AMOUNTS:
            digits = 2 - math.floor(math.log10(abs(fig.value)))
            out.add((fig.quantity, round(fig.value, digits)))
    return out


def _unnamed(text: str, gazetteer: Gazetteer) -> str:
    for m in sorted(gazetteer.find(text), key=lambda m: -m.start):
        text = text[: m.start] + " " + text[m.end :]
    return text


def names(text: str, gazetteer: Gazetteer) -> frozenset[str]:
    return frozenset(m.entry.canonical for m in gazetteer.find(text))


Vectorize = Callable[[Sequence[Text]], npt.NDArray[np.float32]]


def find_leaks(
    training: Sequence[Text],
    protected: Sequence[Text],
    vectorize: Vectorize,
    gazetteer: Gazetteer,
    leak_cosine: float = LEAK_COSINE,
) -> list[Leak]:
    """Every training text that restates a protected one, with the reason, closest first.

    `leak_cosine` is lower for the seeds: nothing may be trained on their story at all.
    """
    if not training or not protected:
        return []
    cosines = vectorize(protected) @ vectorize(training).T
    by_run: dict[str, list[int]] = {}
    for i, item in enumerate(training):
        for gram in runs(item.text):
            by_run.setdefault(gram, []).append(i)
    # Names are left out of the rare words: a claim retold about another company is retold.
    bags = [words(_unnamed(t.text, gazetteer)) for t in [*training, *protected]]
    counts: dict[str, int] = {}
    for bag in bags:
        for w in bag:
            counts[w] = counts.get(w, 0) + 1
    idf = {w: math.log((len(bags) + 1) / (n + 1)) for w, n in counts.items()}
    facts: dict[int, tuple[set[tuple[str, float]], frozenset[str]]] = {}

    def facts_of(i: int) -> tuple[set[tuple[str, float]], frozenset[str]]:
        if i not in facts:
            facts[i] = (figures(training[i].text), names(training[i].text, gazetteer))
        return facts[i]

    def rare_share(a: set[str], b: set[str]) -> float:
        weight = sum(idf[w] for w in a | b)
        return sum(idf[w] for w in a & b) / weight if weight else 0.0

    leaks: dict[tuple[str, str], Leak] = {}
    for p, item in enumerate(protected):
        row = cosines[p]
        for gram in runs(item.text):
            for t in by_run.get(gram, []):
                key = (training[t].key, item.key)
                leaks.setdefault(key, Leak(key[0], key[1], float(row[t]), f"shares “{gram}”"))
        p_words = bags[len(training) + p]
        p_figures, p_names = figures(item.text), names(item.text, gazetteer)
        for t in np.argpartition(-row, min(_NEAREST, len(row) - 1))[:_NEAREST]:
            cosine, key = float(row[t]), (training[t].key, item.key)
            if key in leaks or cosine < min(FIGURE_COSINE, WORDS_COSINE):
                continue
            why = ""
            if cosine >= leak_cosine:
                why = "restates it"
            elif (
                cosine >= WORDS_COSINE
                and item.lang == training[t].lang
                and rare_share(p_words, bags[t]) >= RARE_SHARE
            ):
                why = "close, in the same rare words"
            else:
                t_figures, t_names = facts_of(int(t))
                shared = sorted(f"{q} {v:g}" for q, v in p_figures & t_figures)
                about_one = item.lang != training[t].lang or p_names & t_names
                if shared and cosine >= FIGURE_COSINE and about_one:
                    why = f"close, states {shared[0]}"
            if why:
                leaks[key] = Leak(key[0], key[1], cosine, why)
    return sorted(leaks.values(), key=lambda leak: (-leak.cosine, leak.train))
