"""One `RawDocument` to a `SegmentedDocument`: title, kind, segments with language and speaker.

No model runs here; translation pairs are found later, from the sentence vectors.
"""

from __future__ import annotations

import hashlib
from collections import Counter

from pipeline.errors import UnreadableFile
from pipeline.ingest import metadata
from pipeline.ingest.language import detect_lang, han_count, latin_words
from pipeline.ingest.paragraphs import normalize, paragraphs, split_bilingual
from pipeline.ingest.speakers import Turn, is_transcript, split_turns
from pipeline.ingest.title import find_title
from pipeline.records import RawDocument, Segment, SegmentedDocument


def content_id(text: str) -> str:
    """Stable id from the normalized content: the same text read twice gets the same id."""
    return hashlib.sha256(normalize(text).encode("utf-8")).hexdigest()[:16]


def segment_document(raw: RawDocument) -> SegmentedDocument:
    """Title, paragraphs and speaker turns, one language each; raises UnreadableFile on no text."""
    paras = paragraphs(raw.text, raw.one_paragraph_per_line)
    if not paras:
        raise UnreadableFile(f"{raw.path}: no text")
    block = find_title(paras, raw.title)
    turns = split_turns(paras[block.consumed :])
    pieces = [Turn(None, line) for line in block.lines] + [
        Turn(turn.speaker, part) for turn in turns for part in split_bilingual(turn.text)
    ]
    langs = _languages(piece.text for piece in pieces)
    segments = tuple(
        Segment(i, lang, piece.text, piece.speaker)
        for i, (lang, piece) in enumerate(zip(langs, pieces, strict=True))
    )
    return SegmentedDocument(
        doc_id=content_id(raw.text),
        path=raw.path,
        title=block.title,
        kind=_kind(turns, paras),
        segments=segments,
        publisher=raw.publisher or metadata.publisher(paras),
        source_url=raw.source_url or metadata.source_url(paras),
        published_on=raw.published_on,
    )


def _languages(texts: object) -> list[str]:
    """Language per segment; a segment with no words ("300MW") takes its neighbour's."""
    detected = [detect_lang(t) for t in texts]  # type: ignore[attr-defined]
    known = [lang for lang in detected if lang]
    fallback = Counter(known).most_common(1)[0][0] if known else "en"
    out: list[str] = []
    for i, lang in enumerate(detected):
        if lang is None:
            after = next((d for d in detected[i + 1 :] if d), None)
            lang = out[-1] if out else after or fallback
        out.append(lang)
    return out


def language_shares(segments: tuple[Segment, ...]) -> tuple[str, ...]:
    """The document's own language first, then the others by share.

    The own language is the one it opens with (title and lead): a Chinese page
    that quotes a long English original is still a Chinese document. Shares
    count a Han character as one word and skip translations, which repeat
    content already counted.
    """
    if not segments:
        return ()
    share: Counter[str] = Counter()
    for seg in segments:
        if seg.translation_of is None:
            share[seg.lang] += han_count(seg.text) + len(latin_words(seg.text))
    own = segments[0].lang
    others = [lang for lang, _ in share.most_common() if lang != own]
    return (own, *others, *sorted({s.lang for s in segments} - {own, *others}))


def _kind(turns: list[Turn], paras: list[str]) -> str:
    if is_transcript(turns):
        return "transcript"
    if metadata.is_summary(paras):
        return "summary"
    if metadata.is_discussion(paras):
        return "discussion"
    return "article"
