"""Language of a text span: Unicode script first, a seeded statistical detector second.

Between English and Chinese the script decides almost every segment; langdetect
alone misreads short mixed lines ("xAI 正在成为…" -> vi). It is only asked about
Latin-script text long enough to tell English from other Latin languages.
"""

from __future__ import annotations

import re
from functools import cache

_URL = re.compile(r"https?://\S+|www\.\S+|\S+@\S+")
_LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]+(?:['’][A-Za-z]+)?")
_LANGDETECT_MIN_WORDS = 6
_LANGDETECT_MIN_PROB = 0.95
# Words that occur in almost any English sentence and in no other Latin-script
# language we expect; one of them outweighs langdetect's guess on short lines
# ("Evaluate excess compute for potential revenue streams." -> ro).
_ENGLISH_MARKERS = frozenset(
    [
        "the",
        "of",
        "and",
        "to",
        "with",
        "for",
        "that",
        "this",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "by",
        "from",
        "it",
        "its",
        "has",
        "have",
        "will",
        "would",
        "which",
        "who",
        "their",
        "they",
    ]
)


def is_han(ch: str) -> bool:
    """A CJK ideograph (simplified or traditional)."""
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or "\uf900" <= ch <= "\ufaff"


def is_cjk_punct(ch: str) -> bool:
    return "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef"


def han_count(text: str) -> int:
    return sum(1 for ch in text if is_han(ch))


def latin_words(text: str) -> list[str]:
    return _LATIN_WORD.findall(_URL.sub(" ", text))


def detect_lang(text: str) -> str | None:
    """`zh`, `ja`, `ko`, `en` or another ISO 639-1 code; None when the text has no words."""
    text = _URL.sub(" ", text)
    if any("\u3040" <= ch <= "\u30ff" for ch in text):
        return "ja"
    if any("\uac00" <= ch <= "\ud7af" for ch in text):
        return "ko"
    hans = han_count(text)
    words = latin_words(text)
    if hans and hans >= len(words):
        return "zh"
    if not words:
        return None
    if len(words) < _LANGDETECT_MIN_WORDS or _ENGLISH_MARKERS.intersection(
        w.lower() for w in words
    ):
        return "en"
    return _statistical(text)


def _statistical(text: str) -> str:
    """langdetect with a fixed seed, trusted only when it is sure; English otherwise."""
    candidates = _detector()(text)
    if not candidates:
        return "en"
    best = candidates[0]
    lang = str(best.lang).split("-")[0]
    return lang if best.prob >= _LANGDETECT_MIN_PROB else "en"


@cache
def _detector():  # type: ignore[no-untyped-def]
    from langdetect import DetectorFactory, detect_langs
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0  # langdetect is random unless seeded

    def detect(text: str):  # type: ignore[no-untyped-def]
        try:
            return detect_langs(text)
        except LangDetectException:
            return []

    return detect
