"""The figure stage: a document's segments through the spaCy pipelines to `Figure` records."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence

from pipeline.extract.grammar import FigureMatch
from pipeline.extract.pipelines import pipeline_for
from pipeline.records import Figure, Segment

_BATCH = 64


def extract_figures(doc_id: str, segments: Sequence[Segment]) -> tuple[Figure, ...]:
    """Figures of every segment, in reading order; each language's segments go in one batch."""
    by_lang: dict[str, list[Segment]] = defaultdict(list)
    for seg in segments:
        by_lang[seg.lang].append(seg)
    found: list[Figure] = []
    for lang, segs in by_lang.items():
        nlp = pipeline_for(lang)
        texts = (s.text for s in segs)
        for seg, parsed in zip(segs, nlp.pipe(texts, batch_size=_BATCH), strict=True):
            found.extend(_record(doc_id, seg.seg_no, m, subj) for m, subj in parsed._.figures)
    return tuple(sorted(found, key=lambda f: (f.seg_no, f.start)))


def _record(doc_id: str, seg_no: int, match: FigureMatch, subject: str | None) -> Figure:
    key = f"{doc_id}:{seg_no}:{match.start}:{match.end}"
    return Figure(
        figure_id=hashlib.sha256(key.encode()).hexdigest()[:16],
        seg_no=seg_no,
        start=match.start,
        end=match.end,
        text=match.text,
        quantity=match.quantity,
        value=match.value,
        unit=match.unit,
        value_max=match.value_max,
        period=match.period,
        per_unit=match.per_unit,
        bound=match.bound,
        role=match.role,
        subject=subject,
    )
