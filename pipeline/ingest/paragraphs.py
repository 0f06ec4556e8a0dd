"""Text to paragraphs, and a paragraph holding English then its Chinese translation split in two."""

from __future__ import annotations

import re
import unicodedata

from pipeline.ingest.language import detect_lang, han_count, is_cjk_punct, is_han

_TERMINAL = tuple('.!?。!?…:;:;"”’)')
# Lines of a hard-wrapped paragraph: wrapped near a fixed width and mostly not
# ending a sentence.
_WRAP_MIN, _WRAP_MAX = 40, 100
# Sentence ends: Latin punctuation followed by space, or CJK punctuation.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)\]]*\s+|(?<=[。!?])[”’」)]*")
# A language run must be at least this long to be split off as its own segment.
_MIN_RUN_CHARS = 12


def normalize(text: str) -> str:
    """NFKC and collapsed whitespace: the form used for hashing and comparing text."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def paragraphs(text: str, one_per_line: bool = False) -> list[str]:
    """Split text into paragraphs: blank-line blocks, one per line unless hard-wrapped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
    out: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        lines = [ln.strip() for ln in block.split("\n") if ln.strip()]
        if not lines:
            continue
        if not one_per_line and _hard_wrapped(lines):
            out.append(join_lines(lines))
        else:
            out.extend(lines)
    return out


def _hard_wrapped(lines: list[str]) -> bool:
    if len(lines) < 2:
        return False
    body = lines[:-1]
    if not all(_WRAP_MIN <= display_width(ln) <= _WRAP_MAX for ln in body):
        return False
    open_ended = sum(1 for ln in body if not ln.endswith(_TERMINAL))
    return open_ended * 2 >= len(body)


def display_width(text: str) -> int:
    """Terminal columns: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def join_lines(lines: list[str]) -> str:
    """Join wrapped lines: a space between Latin words, nothing between Chinese characters."""
    out = lines[0]
    for line in lines[1:]:
        cjk = _cjk(out[-1]) and _cjk(line[0])
        out += line if cjk else " " + line
    return out


def _cjk(ch: str) -> bool:
    return is_han(ch) or is_cjk_punct(ch)


def split_bilingual(paragraph: str) -> list[str]:
    """One paragraph, or two when it is a run of one language followed by a run of another.

    Document layouts like "English text. 中文翻译。" on one line carry a
    translation pair; each side becomes its own segment.
    """
    if not han_count(paragraph) or not re.search(r"[A-Za-z]{3}", paragraph):
        return [paragraph]
    parts = sentences(paragraph)
    if len(parts) < 2:
        return [paragraph]
    langs = [detect_lang(s) for s in parts]
    # Sentences with no words ("300MW.") join the run before them.
    for i, lang in enumerate(langs):
        if lang is None:
            langs[i] = langs[i - 1] if i else None
    switches = [i for i in range(1, len(langs)) if langs[i] != langs[i - 1]]
    if len(switches) != 1:
        return [paragraph]
    cut = switches[0]
    first, second = "".join(parts[:cut]).strip(), "".join(parts[cut:]).strip()
    if min(len(first), len(second)) < _MIN_RUN_CHARS:
        return [paragraph]
    return [first, second]


def sentences(text: str) -> list[str]:
    """Sentences with their trailing punctuation and spacing kept, so they join back exactly."""
    pieces: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if match.end() > start:
            pieces.append(text[start : match.end()])
            start = match.end()
    if start < len(text):
        pieces.append(text[start:])
    return [p for p in pieces if p.strip()]
