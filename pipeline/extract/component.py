"""The spaCy component that marks deal figures: `neocloud_figures_v1`.

It runs the text grammar of `grammar.py` over the doc, stores the spans in
`doc.spans["figures"]` and the normalized records in `doc._.figures`. It works
in any pipeline: with a parser or sentencizer it looks for the figure's subject
in its sentence, with NER it uses the named entities.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.extract.grammar import FigureMatch, find_figures

SPAN_KEY = "figures"
# Entity labels that can be what a figure is about: the lessor, the buyer, the site.
_SUBJECT_LABELS = frozenset({"ORG", "FAC", "PRODUCT", "PERSON", "NORP"})


class FigureComponent:
    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        found: list[tuple[FigureMatch, Span]] = []
        for match in find_figures(doc.text):
            span = doc.char_span(match.start, match.end, alignment_mode="expand")
            if span is not None:
                found.append((match, span))
        doc.spans[SPAN_KEY] = [span for _, span in found]
        doc._.figures = [(match, subject_of(span, doc.spans[SPAN_KEY])) for match, span in found]
        return doc


def subject_of(span: Span, figures: object) -> tuple[int, int] | None:
    """Best effort: the nearest named entity before the figure in its sentence, else after it.

    Returned as character offsets, so later stages can use the entity's resolved name.

    Entities that overlap a figure ("300MW" tagged ORG) or hold digits only are skipped.
    """
    doc = span.doc
    if not doc.ents:
        return None
    sent = span.sent if doc.has_annotation("SENT_START") else doc[:]
    taken = {i for fig in figures for i in range(fig.start, fig.end)}  # type: ignore[attr-defined]
    ents = [
        e
        for e in sent.ents
        if e.label_ in _SUBJECT_LABELS
        and not taken.intersection(range(e.start, e.end))
        and any(ch.isalpha() for ch in e.text)
    ]
    before = [e for e in ents if e.end <= span.start]
    after = [e for e in ents if e.start >= span.end]
    chosen = before[-1] if before else (after[0] if after else None)
    return (chosen.start_char, chosen.end_char) if chosen is not None else None
