"""The analysis stage: documents' segments through the spaCy pipelines.

Each language's segments of a batch of documents are parsed in one `pipe`;
what comes back are records: sentence boundaries, entities (resolved across
the document later, see `resolve.py`) and figures with their subjects.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.extract.gazetteer import Gazetteer
from pipeline.extract.grammar import FigureMatch
from pipeline.records import Entity, Figure, Segment

_BATCH = 64


@dataclass(frozen=True)
class SegmentAnalysis:
    seg_no: int
    sentences: tuple[tuple[int, int], ...]  # character offsets
    entities: tuple[Entity, ...]
    figures: tuple[Figure, ...]


def analyze(
    docs: Sequence[tuple[str, Sequence[Segment]]],
    nlp_for: Callable[[str], Language],
    gazetteer: Gazetteer,
) -> list[dict[int, SegmentAnalysis]]:
    """Sentences, entities and figures of every segment of every (doc_id, segments) pair,
    keyed by seg_no; each language's segments of the whole batch go through spaCy in one pipe."""
    by_lang: dict[str, list[tuple[int, str, Segment]]] = defaultdict(list)
    for n, (doc_id, segments) in enumerate(docs):
        for seg in segments:
            by_lang[seg.lang].append((n, doc_id, seg))
    out: list[dict[int, SegmentAnalysis]] = [{} for _ in docs]
    for lang, items in by_lang.items():
        texts = (seg.text for _, _, seg in items)
        for (n, doc_id, seg), parsed in zip(
            items, nlp_for(lang).pipe(texts, batch_size=_BATCH), strict=True
        ):
            out[n][seg.seg_no] = _analysis(doc_id, seg, parsed, gazetteer)
    return out


def _analysis(doc_id: str, seg: Segment, parsed: Doc, gazetteer: Gazetteer) -> SegmentAnalysis:
    entities = tuple(
        Entity(seg.seg_no, e.start_char, e.end_char, e.text, e.label_, e.kb_id_,
               e.kb_id_ in gazetteer.entries)
        for e in parsed.ents
    )  # fmt: skip
    figures = tuple(
        _figure(doc_id, seg.seg_no, match, _subject(entities, where))
        for match, where in parsed._.figures
    )
    sentences = tuple((s.start_char, s.end_char) for s in parsed.sents)
    return SegmentAnalysis(seg.seg_no, sentences, entities, figures)


def _subject(entities: tuple[Entity, ...], where: tuple[int, int] | None) -> str | None:
    if where is None:
        return None
    return next((e.canonical for e in entities if (e.start, e.end) == where), None)


def _figure(doc_id: str, seg_no: int, match: FigureMatch, subject: str | None) -> Figure:
    key = f"{doc_id}:{seg_no}:{match.start}:{match.end}"
    figure_id = hashlib.sha256(key.encode()).hexdigest()[:16]
    return Figure(figure_id=figure_id, seg_no=seg_no, subject=subject, **asdict(match))
