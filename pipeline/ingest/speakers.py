"""Speaker turns in transcripts ("Sean O’Kane: …", "Kirsten：…"), short names made full."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

_NAME_WORD = r"[A-Z][a-zA-Z]*(?:['’][A-Z]?[a-z]+)?(?:-[A-Z][a-z]+)?\.?"
_LATIN_NAME = rf"{_NAME_WORD}(?: {_NAME_WORD}){{0,3}}"
_HAN_NAME = r"[\u4e00-\u9fff]{2,4}"
_LABEL = re.compile(rf"^(?P<name>{_LATIN_NAME}|{_HAN_NAME})\s*[:：]\s*(?P<rest>\S.*)$", re.S)
_FULL_NAME = re.compile(rf"\b{_NAME_WORD}(?: {_NAME_WORD}){{1,2}}\b")
# Labels that introduce metadata or sections, not a person speaking.
_NOT_SPEAKERS = frozenset(
    {
        "Note", "Update", "Source", "Sources", "Summary", "Topics", "Title", "Photo",
        "Image", "Credit", "Correction", "Disclosure", "Related", "Editor", "Editors",
        "Best", "Tags", "Category", "Date", "By", "From", "To", "Subject",
        "Warning", "Example", "Question", "Answer", "Transcript", "Original", "Read",
        "Via", "Link", "Links", "Context", "Background", "Edit", "Disclaimer",
        "原始链接", "原文链接", "原文", "来源", "出处", "摘要", "总结", "标题", "注意",
        "编者按", "更新", "免责声明", "相关文章", "关键词", "作者", "日期", "译者",
    }
)  # fmt: skip
_MIN_TURNS = 2


@dataclass(frozen=True)
class Turn:
    speaker: str | None
    text: str


def split_turns(paragraphs: list[str]) -> list[Turn]:
    """Paragraphs as turns: the speaker label is taken off the text and resolved.

    A label counts only when the document has at least two labelled paragraphs,
    so a stray "Note: …" line does not make a transcript.
    """
    labelled = [_label(p) for p in paragraphs]
    if sum(1 for lab in labelled if lab) < _MIN_TURNS:
        return [Turn(None, p) for p in paragraphs]
    resolve = _resolver([lab[0] for lab in labelled if lab], "\n".join(paragraphs))
    turns: list[Turn] = []
    current: str | None = None
    for paragraph, lab in zip(paragraphs, labelled, strict=True):
        if lab:
            current = resolve(lab[0])
            turns.append(Turn(current, lab[1]))
        else:
            # An unlabelled paragraph after a turn is the same speaker going on.
            turns.append(Turn(current, paragraph))
    return turns


def _label(paragraph: str) -> tuple[str, str] | None:
    match = _LABEL.match(paragraph)
    if not match:
        return None
    name = match["name"]
    if name in _NOT_SPEAKERS or name.split()[0] in _NOT_SPEAKERS:
        return None
    return name, match["rest"].strip()


def _resolver(labels: list[str], text: str):  # type: ignore[no-untyped-def]
    """Map a short label ("Sean") to the one full name in the document that starts with it."""
    full_names = Counter(n for n in labels if " " in n)
    full_names.update(m.group(0) for m in _FULL_NAME.finditer(text))

    def resolve(label: str) -> str:
        if " " in label:
            return label
        matches = {n for n in full_names if n.split()[0] == label}
        return matches.pop() if len(matches) == 1 else label

    return resolve


def is_transcript(turns: list[Turn]) -> bool:
    """Made of turns: several labelled turns by at least two speakers."""
    speakers = [t.speaker for t in turns if t.speaker]
    return len(speakers) >= 3 and len(set(speakers)) >= 2
