"""Derived documents: which stored document duplicates, summarizes or retells another.

A document is derived from another when it carries the other's title, quotes
several of its phrases word for word, or repeats most of its text (near-
duplicate). Direction: the more original document is the transcript before
the article before the summary, then the earlier published, then the longer.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from pipeline.ingest.language import han_count, latin_words

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
    """Map each derived doc_id to the doc_id of the document it derives from."""
    ranked = sorted(docs, key=_originality)
    keys = {d.doc_id: _Fingerprint.of(d) for d in docs}
    derived: dict[str, str] = {}
    for pos, doc in enumerate(ranked):
        best, best_score = None, 0.0
        for original in ranked[:pos]:
            score = _evidence(keys[doc.doc_id], keys[original.doc_id])
            if score > best_score:
                best, best_score = original.doc_id, score
        if best is not None:
            derived[doc.doc_id] = best
    return derived


def _originality(doc: DocInfo) -> tuple[int, date, int, str]:
    return (
        _KIND_RANK.get(doc.kind, 1),
        doc.published_on or date.max,
        -_length(doc.text),
        doc.doc_id,
    )


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
