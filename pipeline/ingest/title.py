"""The title block at the top of a document: repeats collapsed, a translated title kept."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.ingest.language import detect_lang, han_count, latin_words
from pipeline.ingest.paragraphs import normalize, sentences

_MAX_TITLE_WORDS = 30
_MAX_TITLE_HAN = 60
_SENTENCE_END = (".", "。")
_LOOKAHEAD = 4


@dataclass(frozen=True)
class TitleBlock:
    title: str | None
    lines: tuple[str, ...]  # distinct title lines kept as segments (title, its translation)
    consumed: int  # paragraphs of the document the block took


def find_title(paragraphs: list[str], given: str | None = None) -> TitleBlock:
    """Find the title lines at the start; `given` (from metadata) wins as the title."""
    if not paragraphs:
        return TitleBlock(given, (), 0)
    first = paragraphs[0]
    if given and normalize(given) != normalize(first):
        return TitleBlock(given, (), 0)
    lines, consumed = [first], 1
    repeated = translated = False
    while consumed < min(len(paragraphs), _LOOKAHEAD):
        candidate = paragraphs[consumed]
        if normalize(candidate) == normalize(first):
            repeated = True
        elif not translated and _short(candidate) and _other_language(candidate, first):
            translated = True
            lines.append(candidate)
        else:
            break
        consumed += 1
    if not _short(first) or (
        first.rstrip().endswith(_SENTENCE_END) and not (repeated or translated)
    ):
        return TitleBlock(given, (), 0)
    return TitleBlock(given or _preferred(lines), tuple(lines), consumed)


def _short(line: str) -> bool:
    """Short enough for a title, and one sentence: a lead paragraph has several."""
    return (
        len(latin_words(line)) <= _MAX_TITLE_WORDS
        and han_count(line) <= _MAX_TITLE_HAN
        and len(sentences(line)) == 1
    )


def _other_language(a: str, b: str) -> bool:
    return detect_lang(a) != detect_lang(b)


def _preferred(lines: list[str]) -> str:
    """English title when the block is bilingual: canonical names in the store are English."""
    for line in lines:
        if detect_lang(line) == "en":
            return line
    return lines[0]
