"""Claims: the opinion and assessment sentences of a document, who makes them, and their stance.

Every sentence is a candidate; the trained claim head keeps the claims and the
stance head labels them (see head.py). The speaker is the transcript turn's,
else a person the sentence names with a speech or opinion verb ("Sean O’Kane
offered a more skeptical perspective", "Kirsten did her best to offer",
"Sean 问道"), else, for a sentence opening with a pronoun ("He characterized",
"In his view", "But she also noted"), the last such person in the paragraph.
A tag question ("you could take a positive view on that, right?", "对吧?")
asks the listener to agree and leaves its stance to the sentence that answers
it, so the two are read as one claim. A claim in a translated segment is
linked to the English claim it translates.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from pipeline.extract.analyze import SegmentAnalysis
from pipeline.ingest.language import han_count
from pipeline.records import Claim, Entity, Segment
from pipeline.stance.head import StanceModel, features_from_vectors
from pipeline.vectors import text_key

_SPEECH = re.compile(
    r"\b(?:said|says|asked|asks|noted|notes|argued|argues|believes?|thinks?|offered|offers|"
    r"suggested|suggests|characterized|called|calls|warned|warns|added|adds|explained|"
    r"concurred|reiterated|doubled\s+down|stating|questioning|admitted|admits|insisted|"
    r"did\s+(?:his|her|their)\s+best|endeavou?red|clarified|elaborated|recalled|"
    r"highlighted|acknowledged|countered|told)\b"
    r"|表示|认为|認為|指出|问道|問道|说|說|称|稱|坦言|强调|強調|补充|補充|解释|解釋|尽力|盡力|看法|观点|觀點",
    re.I,
)
_PRONOUN_START = re.compile(
    r"^\W*(?:(?:but|and|then|so|yet)\s+)?(?:he|she|his|her|in\s+(?:his|her)\s+view)\b|^\W*(?:但|而|随后|隨後)?(?:他|她)",
    re.I,
)
# A question that asks for agreement with what it just said, at the end of a sentence.
_TAG_QUESTION = re.compile(
    r"[,，]\s*(?:right|correct|no|yeah|don[’']t\s+you\s+think|wouldn[’']t\s+you\s+say|"
    r"(?:is|are|was|were|do|does|did|has|have|had|can|could|will|would|should|wo|ca)n[’']t\s+"
    r"(?:it|they|he|she|we|you|that|there|i)|"
    r"对吧|對吧|是吧|对不对|對不對|不是吗|不是嗎|是不是|难道不是吗|難道不是嗎)\s*[?？]\W*$",
    re.I,
)
_SPEAKER_WINDOW = 40  # characters between a person's name and the verb that makes them speak
_MIN_WORDS = 4
_MIN_HAN = 6
_PLACE_BONUS = 0.3
# Centred e5 similarity of a sentence and its translation: 5th percentile 0.30 on our
# argument set's translations; other points about the same deal: 90th percentile 0.26.
_MIN_TRANSLATION = 0.3


@dataclass(frozen=True)
class Candidate:
    """A sentence long enough to be a claim, with its speaker and the sentence before it."""

    seg_no: int
    start: int
    end: int
    text: str
    lang: str
    speaker: str | None
    context: str


VectorOf = Callable[[str], npt.NDArray[np.float32]]


def score_claims(
    docs: Sequence[tuple[str, Sequence[Segment], Sequence[Candidate]]],
    model: StanceModel,
    vector: VectorOf,
    similar: VectorOf,
) -> list[tuple[Claim, ...]]:
    """The claims of a batch of documents, in reading order, with their stance.

    `vector(text)` is a sentence's vector for the heads, `similar(text)` its vector
    in the similarity space (translation links). The heads and the stance encoder
    run once over the whole batch.
    """
    flat = [(n, c) for n, (_, _, candidates) in enumerate(docs) for c in candidates]
    out: list[list[Claim]] = [[] for _ in docs]
    if not flat:
        return [() for _ in docs]
    texts, contexts = [c.text for _, c in flat], [c.context for _, c in flat]
    x = features_from_vectors(vector, texts, contexts, model.ngrams)
    claim_p = model.claim_proba(x)
    kept = [i for i in range(len(flat)) if claim_p[i] >= model.claim_threshold]
    # Stance only for the claims: the fine-tuned encoder is the costly part.
    stance_p = model.stance_proba(x[kept], [texts[i] for i in kept], [contexts[i] for i in kept])
    for row, i in enumerate(kept):
        n, c = flat[i]
        probs = stance_p[row]
        out[n].append(
            Claim(
                claim_id=_claim_id(docs[n][0], c),
                seg_no=c.seg_no,
                start=c.start,
                end=c.end,
                text=c.text,
                lang=c.lang,
                speaker=c.speaker,
                context=c.context,
                stance=model.stance.classes[int(probs.argmax())],
                stance_score=round(float(probs.max()), 4),
                stance_probs=tuple(round(float(p), 4) for p in probs),
                claim_score=round(float(claim_p[i]), 4),
                vector_key=text_key(c.text),
            )
        )
    return [tuple(_link_translations(claims, docs[n][1], similar)) for n, claims in enumerate(out)]


def _claim_id(doc_id: str, c: Candidate) -> str:
    return hashlib.sha256(f"{doc_id}:{c.seg_no}:{c.start}:{c.end}".encode()).hexdigest()[:16]


def claim_candidates(
    segments: Sequence[Segment], analyses: dict[int, SegmentAnalysis]
) -> list[Candidate]:
    """Every sentence long enough to be a claim (tag questions joined to their answer)."""
    out: list[Candidate] = []
    last_sentence: dict[str, str] = {}
    for seg in segments:
        analysis = analyses.get(seg.seg_no)
        if analysis is None:
            continue
        last_person: str | None = None
        for start, end in claim_spans(seg.text, analysis.sentences):
            raw = seg.text[start:end]
            text = raw.strip()
            if not text:
                continue
            start += len(raw) - len(raw.lstrip())
            end = start + len(text)
            ents = [e for e in analysis.entities if start <= e.start < end]
            named = _named_speaker(text, start, ents)
            speaker = seg.speaker or named
            if speaker is None and _PRONOUN_START.search(text):
                speaker = last_person
            last_person = named or last_person
            context = last_sentence.get(seg.lang, "")
            last_sentence[seg.lang] = text
            if _long_enough(text):
                out.append(Candidate(seg.seg_no, start, end, text, seg.lang, speaker, context))
    return out


def claim_spans(text: str, sentences: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sentence spans, each tag question joined with the sentence after it."""
    spans: list[tuple[int, int]] = []
    joining = False
    for start, end in sentences:
        if joining and spans:
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
        joining = bool(_TAG_QUESTION.search(text[start:end].strip())) and not joining
    return spans


def _named_speaker(text: str, offset: int, ents: list[Entity]) -> str | None:
    for e in ents:
        if e.label != "PERSON":
            continue
        after = text[e.end - offset : e.end - offset + _SPEAKER_WINDOW]
        if _SPEECH.search(after):
            return e.canonical
    return None


def _long_enough(text: str) -> bool:
    han = han_count(text)
    return han >= _MIN_HAN or len(text.split()) >= _MIN_WORDS


def _link_translations(
    claims: list[Claim], segments: Sequence[Segment], similar: VectorOf
) -> list[Claim]:
    """A claim in a translation links to the claim it translates in the partner segment.

    Sentences of a translation follow the original's order, so the score is the
    similarity plus a bonus for sitting at the same relative place in the segment.
    """
    partner = {s.seg_no: s.translation_of for s in segments if s.translation_of is not None}
    partner.update({v: k for k, v in list(partner.items())})
    length = {s.seg_no: max(len(s.text), 1) for s in segments}
    by_seg: dict[int, list[Claim]] = {}
    for c in claims:
        by_seg.setdefault(c.seg_no, []).append(c)
    out: list[Claim] = []
    for c in claims:
        other = partner.get(c.seg_no)
        if c.lang == "en" or other is None or other not in by_seg:
            out.append(c)
            continue
        place = c.start / length[c.seg_no]
        mine = similar(c.text)
        scored = [
            (
                sim + _PLACE_BONUS * (1 - abs(place - o.start / length[other])),
                sim,
                o.claim_id,
            )
            for o in by_seg[other]
            if o.lang == "en"
            for sim in [float(np.dot(mine, similar(o.text)))]
        ]
        best = max(scored, default=(0.0, 0.0, None))
        out.append(replace(c, translation_of=best[2]) if best[1] >= _MIN_TRANSLATION else c)
    return out
