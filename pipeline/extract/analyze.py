"""The analysis stage: a document's segments through the spaCy pipelines.

Each language's segments are parsed in one batch; what comes back are records:
sentence boundaries, entities (resolved across the document, see `resolve.py`)
and figures with their subjects.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from pipeline.extract.gazetteer import default_gazetteer
from pipeline.extract.grammar import FigureMatch
from pipeline.extract.pipelines import pipeline_for
from pipeline.records import Entity, Figure, Segment

_BATCH = 64


@dataclass(frozen=True)
class SegmentAnalysis:
    seg_no: int
    sentences: tuple[tuple[int, int], ...]  # character offsets
    entities: tuple[Entity, ...]
    figures: tuple[Figure, ...]


def analyze(doc_id: str, segments: Sequence[Segment]) -> dict[int, SegmentAnalysis]:
    """Sentences, entities and figures of every segment, keyed by seg_no."""
    by_lang: dict[str, list[Segment]] = defaultdict(list)
    for seg in segments:
        by_lang[seg.lang].append(seg)
    out: dict[int, SegmentAnalysis] = {}
    for lang, segs in by_lang.items():
        nlp = pipeline_for(lang)
        texts = (s.text for s in segs)
        for seg, parsed in zip(segs, nlp.pipe(texts, batch_size=_BATCH), strict=True):
            entities = tuple(
                Entity(seg.seg_no, e.start_char, e.end_char, e.text, e.label_, e.kb_id_, _known(e))
                for e in parsed.ents
            )
            figures = tuple(
                _figure(doc_id, seg.seg_no, match, _subject(entities, where))
                for match, where in parsed._.figures
            )
            sentences = tuple((s.start_char, s.end_char) for s in parsed.sents)
            out[seg.seg_no] = SegmentAnalysis(seg.seg_no, sentences, entities, figures)
    return out


def _known(span: object) -> bool:
    entry = default_gazetteer().entries.get(span.kb_id_)  # type: ignore[attr-defined]
    return entry is not None


def _subject(entities: tuple[Entity, ...], where: tuple[int, int] | None) -> str | None:
    if where is None:
        return None
    return next((e.canonical for e in entities if (e.start, e.end) == where), None)


def _figure(doc_id: str, seg_no: int, match: FigureMatch, subject: str | None) -> Figure:
    key = f"{doc_id}:{seg_no}:{match.start}:{match.end}"
    figure_id = hashlib.sha256(key.encode()).hexdigest()[:16]
    return Figure(figure_id=figure_id, seg_no=seg_no, subject=subject, **asdict(match))
