"""The small frozen records that flow between stages.

Readers yield `RawDocument`s, segmentation turns each into a
`SegmentedDocument`, the runner (flow.py) into a `Document` with its figures,
entities, deal mentions and claims, and the store writes them. No stage passes framework objects
(spaCy docs, DuckDB connections) to another.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class RawDocument:
    """One document as a reader found it: its text plus any metadata the container gave."""

    path: str
    text: str
    title: str | None = None
    source_url: str | None = None
    publisher: str | None = None
    published_on: date | None = None
    # Readers of structured formats (md, html) emit one paragraph per line, so
    # segmentation must not try to re-join hard-wrapped lines.
    one_paragraph_per_line: bool = False


@dataclass(frozen=True)
class Segment:
    """A paragraph or speaker turn in one language."""

    seg_no: int
    lang: str
    text: str
    speaker: str | None = None
    translation_of: int | None = None


@dataclass(frozen=True)
class SegmentedDocument:
    """A document read and cut into segments, before any model has seen it."""

    doc_id: str
    path: str
    title: str | None
    kind: str
    segments: tuple[Segment, ...]  # translation_of still unset
    publisher: str | None = None
    source_url: str | None = None
    published_on: date | None = None


@dataclass(frozen=True)
class Figure:
    """A deal figure, normalized (see ../shared/CONTRACT.md, Units), where its text says it."""

    figure_id: str
    seg_no: int
    start: int  # character offsets into the segment text
    end: int
    text: str
    quantity: str  # money, power, gpus, duration
    value: float
    unit: str
    value_max: float | None = None
    period: str | None = None
    per_unit: str | None = None
    bound: str = "="
    role: str | None = None  # "notice" or "term" for durations, when the text says so
    subject: str | None = None


@dataclass(frozen=True)
class Entity:
    """A named entity in a segment, with one canonical name across languages."""

    seg_no: int
    start: int
    end: int
    text: str
    label: str  # ORG, PERSON, GPE, FAC, PRODUCT, NORP
    canonical: str
    known: bool = False  # the canonical name comes from the gazetteer


@dataclass(frozen=True)
class DealMention:
    """One statement of a deal in one sentence, with the figures it carries."""

    seg_no: int
    kind: str  # compute_lease, acquisition, investment, supply
    provider: str  # canonical lessor / seller / target
    customer: str  # canonical lessee / buyer / investor
    site: str | None = None
    location: str | None = None
    figures: tuple[tuple[str, str], ...] = ()  # (field, figure_id)
    status: str = "announced"  # announced, reported, rumoured, ended


@dataclass(frozen=True)
class Claim:
    """An opinion or assessment sentence, with who makes it and its stance."""

    claim_id: str
    seg_no: int
    start: int
    end: int
    text: str
    lang: str
    speaker: str | None
    context: str  # the sentence before it, which short claims need
    stance: str  # skeptical, positive, neutral
    stance_score: float
    claim_score: float
    stance_probs: tuple[float, ...] = ()  # the head's probabilities, in STANCES order
    translation_of: str | None = None  # claim_id of the claim this one translates
    shared_probs: tuple[float, ...] = ()  # stance_probs averaged with its translation's
    speaker_probs: tuple[float, ...] = ()  # mean shared_probs of its speaker's other claims here
    vector_key: str = ""  # vectors.text_key of its text: where its sentence vector is kept


@dataclass(frozen=True)
class DocKeys:
    """What the store indexes a document by, to find its near-duplicates and sources."""

    kind_rank: int  # how original its kind is: transcript 0, article 1, discussion 2, summary 3
    length: int  # words plus Han characters
    minhash: bytes  # MinHash signature of its word 5-shingles
    keys: tuple[tuple[str, int, int | None], ...]  # (kind, key, part): see ingest/derived.py


@dataclass(frozen=True)
class Document:
    doc_id: str
    path: str
    title: str | None
    kind: str
    languages: tuple[str, ...]
    segments: tuple[Segment, ...]
    publisher: str | None = None
    source_url: str | None = None
    published_on: date | None = None
    derived_from: str | None = None
    figures: tuple[Figure, ...] = ()
    entities: tuple[Entity, ...] = ()
    deal_mentions: tuple[DealMention, ...] = ()
    claims: tuple[Claim, ...] = ()
    keys: DocKeys | None = None


@dataclass(frozen=True)
class ReadError:
    """A file or record that could not be read, with a reason a user can act on."""

    path: str
    reason: str
