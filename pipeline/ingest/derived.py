"""Derived documents: which stored document duplicates, summarizes or retells another.

A document is derived from another when it carries the other's title, quotes
several of its phrases word for word, or repeats most of its text (near-
duplicate). Direction: the more original document is the transcript before
the article before the summary, then the earlier published, then the longer.

A new document is compared only with its candidates, found through keys the
store indexes (`doc_keys`): MinHash LSH bands of its word 5-shingles (32 bands
of 4 rows: a pair at Jaccard 0.8 shares a band with probability 0.9999, at 0.05
with 0.0002), its title, and the word/character trigrams of its text and of
each of its quotations. A document is a candidate source of another when it
shares a band or the title, or holds every trigram of at least three of the
other's quotations. `choose_original` then scores the candidates exactly, as
`find_derived` scores every pair.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from pipeline.ingest.language import han_count, is_han, latin_words
from pipeline.records import DocKeys

_QUOTE = re.compile(r"[“\"「『]([^“”\"「」『』\n]{6,300})[”\"」』]")
_MIN_QUOTE_WORDS = 3
_MIN_QUOTE_HAN = 5
_MIN_SHARED_QUOTES = 3
_MIN_TITLE_WORDS = 4
_NEAR_DUPLICATE = 0.8  # Jaccard similarity of word 5-shingles
_SHINGLE = 5
_KIND_RANK = {"transcript": 0, "article": 1, "discussion": 2, "summary": 3}


@dataclass(frozen=True)
class DocInfo:
    doc_id: str
    title: str | None
    kind: str
    text: str
    published_on: date | None = None


def find_derived(docs: list[DocInfo]) -> dict[str, str]:
    """Map each derived doc_id to the doc_id of the document it derives from, comparing
    every pair: the reference the store's candidate search must agree with."""
    fingerprints = {d.doc_id: _Fingerprint.of(d) for d in docs}
    derived: dict[str, str] = {}
    for doc in docs:
        best = _best(doc, docs, fingerprints)
        if best is not None:
            derived[doc.doc_id] = best
    return derived


def choose_original(doc: DocInfo, candidates: Sequence[DocInfo]) -> str | None:
    """The document among `candidates` that `doc` derives from, if any."""
    fingerprints = {d.doc_id: _Fingerprint.of(d) for d in [doc, *candidates]}
    return _best(doc, candidates, fingerprints)


def _best(
    doc: DocInfo, others: Sequence[DocInfo], fingerprints: dict[str, _Fingerprint]
) -> str | None:
    """The highest-scoring more original document; on a tie, the most original."""
    mine = originality(doc)
    best, best_score = None, 0.0
    for original in sorted((o for o in others if originality(o) < mine), key=originality):
        score = _evidence(fingerprints[doc.doc_id], fingerprints[original.doc_id])
        if score > best_score:
            best, best_score = original.doc_id, score
    return best


def originality(doc: DocInfo) -> tuple[int, date, int, str]:
    return (kind_rank(doc.kind), doc.published_on or date.max, -text_length(doc.text), doc.doc_id)


def kind_rank(kind: str) -> int:
    return _KIND_RANK.get(kind, 1)


def text_length(text: str) -> int:
    return _length(text)


def _length(text: str) -> int:
    return len(latin_words(text)) + han_count(text)


def quoted_phrases(text: str) -> frozenset[str]:
    """Normalized quotations long enough to identify what is quoted (3+ words or 5+ Han)."""
    return frozenset(
        q
        for q in (_norm(m.group(1)) for m in _QUOTE.finditer(text))
        if len(q.split()) >= _MIN_QUOTE_WORDS or han_count(q) >= _MIN_QUOTE_HAN
    )


def match_form(text: str) -> str:
    """The form quoted_phrases() are compared in: lowercase words, no punctuation."""
    return _norm(text)


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower().replace("’", "'")
    return " ".join(re.sub(r"[^\w\s']", " ", text).split())


@dataclass(frozen=True)
class _Fingerprint:
    title: str | None
    quotes: frozenset[str]
    text: str
    shingles: frozenset[str]

    @classmethod
    def of(cls, doc: DocInfo) -> _Fingerprint:
        title = _norm(doc.title) if doc.title else None
        if title and len(title.split()) < _MIN_TITLE_WORDS and han_count(title) < 8:
            title = None  # short titles ("Update") are shared by chance
        quotes = quoted_phrases(doc.text)
        text = _norm(doc.text)
        words = text.split()
        shingles = frozenset(
            " ".join(words[i : i + _SHINGLE]) for i in range(max(len(words) - _SHINGLE + 1, 0))
        )
        return cls(title, quotes, text, shingles)


def _evidence(doc: _Fingerprint, original: _Fingerprint) -> float:
    """How strongly `doc` looks derived from `original`; 0 when it does not."""
    score = 0.0
    if doc.title and doc.title == original.title:
        score += 10.0
    shared = sum(1 for q in doc.quotes if q in original.text)
    if shared >= _MIN_SHARED_QUOTES:
        score += shared
    if doc.shingles and original.shingles:
        overlap = len(doc.shingles & original.shingles) / len(doc.shingles | original.shingles)
        if overlap >= _NEAR_DUPLICATE:
            score += 100.0 * overlap
    return score


# MinHash LSH over word 5-shingles: 128 permutations in 32 bands of 4.
_PERMUTATIONS = 128
_BAND_ROWS = 4
_GRAM = 3  # tokens (words, or Han characters) per indexed n-gram
_TOKEN = re.compile(r"[^\W\d_]+|\d+")


def document_keys(doc: DocInfo) -> DocKeys:
    """What the store indexes `doc` by; see the module docstring."""
    fingerprint = _Fingerprint.of(doc)
    signature = _minhash(fingerprint.shingles)
    keys: list[tuple[str, int, int | None]] = []
    if fingerprint.shingles:
        for band in range(_PERMUTATIONS // _BAND_ROWS):
            rows = signature[band * _BAND_ROWS : (band + 1) * _BAND_ROWS]
            keys.append(("b", _hash(band.to_bytes(2, "little") + rows.tobytes()), None))
    if fingerprint.title:
        keys.append(("t", _hash(b"title:" + fingerprint.title.encode()), None))
    keys += [("g", gram, None) for gram in sorted(grams(fingerprint.text))]
    for part, quote in enumerate(sorted(fingerprint.quotes)):
        keys += [("q", gram, part) for gram in sorted(grams(quote))]
    return DocKeys(kind_rank(doc.kind), _length(doc.text), signature.tobytes(), tuple(keys))


def grams(normalized: str) -> set[int]:
    """Hashes of the token trigrams of a normalized text: Latin words and digits are
    tokens, and so is each Han character (Chinese has no spaces)."""
    tokens: list[str] = []
    for word in _TOKEN.findall(normalized):
        if any(is_han(ch) for ch in word):
            tokens.extend(word)
        else:
            tokens.append(word)
    return {_hash(" ".join(tokens[i : i + _GRAM]).encode()) for i in range(len(tokens) - _GRAM + 1)}


def _minhash(shingles: frozenset[str]) -> np.ndarray:
    from datasketch import MinHash

    minhash = MinHash(num_perm=_PERMUTATIONS, seed=1)
    minhash.update_batch([s.encode("utf-8") for s in sorted(shingles)])
    values: np.ndarray = minhash.hashvalues.astype(np.uint64)
    return values


def _hash(data: bytes) -> int:
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "little")
