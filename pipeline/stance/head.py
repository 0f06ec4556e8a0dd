"""Trained heads over sentence embeddings and character n-grams: claim-vs-fact, and stance.

A head is multinomial logistic regression on [embedding(text),
embedding(context), cue features, character n-grams]. Embeddings carry the
topic and some of the tone; the n-grams carry the wording that stance turns
on ("red flags", "shouldn't be waved away", 言过其实), which an embedding of
the whole sentence blurs (measured: +0.05 to +0.09 macro-F1 on both test
sets). Weights and the n-gram vocabulary ship as JSON in models/;
`neocloud train-stance` refits them with scikit-learn.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeAlias

import numpy as np
import numpy.typing as npt
from scipy import sparse

from pipeline.embeddings import Embedder
from pipeline.errors import NeocloudError
from pipeline.ingest.language import han_count
from pipeline.stance.features import cue_vector

MODELS = Path(__file__).resolve().parents[2] / "models"
HEAD_FILE = MODELS / "stance_head.json"
CONTEXT_WEIGHT = 0.5  # the previous sentence informs, the sentence itself decides
NGRAM_RANGE = (1, 4)  # characters, within words; a Chinese clause counts as one word
NGRAM_MIN_DF = 2
NGRAM_WEIGHT = 1.0  # measured against 0.5 and 2.0 on the held-out split
# A fragment ("That view did not age well.") is read with the sentence before it.
_FRAGMENT_WORDS = 8
_FRAGMENT_HAN = 14

Matrix = npt.NDArray[np.float32]
Features: TypeAlias = sparse.csr_matrix


class Ngrams:
    """Character n-gram TF-IDF over a fixed vocabulary (scikit-learn's char_wb analyzer)."""

    def __init__(self, vocabulary: Sequence[str], idf: Sequence[float]) -> None:

        self.vocabulary = tuple(vocabulary)
        self.idf = np.asarray(idf, dtype=np.float64)
        self._vectorizer = _vectorizer(vocabulary={g: i for i, g in enumerate(self.vocabulary)})
        self._vectorizer.idf_ = self.idf

    @classmethod
    def fit(cls, texts: Sequence[str]) -> Ngrams:
        vectorizer = _vectorizer(min_df=NGRAM_MIN_DF).fit(texts)
        order = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.__getitem__)
        return cls(order, vectorizer.idf_.tolist())

    def transform(self, texts: Sequence[str]) -> Features:
        return sparse.csr_matrix(self._vectorizer.transform(texts), dtype=np.float32)

    def to_json(self) -> dict[str, object]:
        return {"vocabulary": list(self.vocabulary), "idf": self.idf.round(5).tolist()}


def _vectorizer(**kwargs: Any) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(analyzer="char_wb", ngram_range=NGRAM_RANGE, sublinear_tf=True, **kwargs)


def head_contexts(texts: Sequence[str], contexts: Sequence[str]) -> list[str]:
    """The context the head sees: the previous sentence for fragments, nothing otherwise."""
    return [c if _fragment(t) else "" for t, c in zip(texts, contexts, strict=True)]


def _fragment(text: str) -> bool:
    return len(text.split()) <= _FRAGMENT_WORDS and han_count(text) <= _FRAGMENT_HAN


def ngram_texts(texts: Sequence[str], contexts: Sequence[str]) -> list[str]:
    """What the n-grams read: the sentence, and its context when it is a fragment."""
    return _with_context(texts, head_contexts(texts, contexts))


def _with_context(texts: Sequence[str], head_context: Sequence[str]) -> list[str]:
    return [f"{t} || {c}" if c else t for t, c in zip(texts, head_context, strict=True)]


def features(
    embedder: Embedder, texts: Sequence[str], contexts: Sequence[str], ngrams: Ngrams | None
) -> Features:
    """One row per claim: its embedding, its context's embedding, its cues, its n-grams."""
    if not texts:
        return sparse.csr_matrix((0, 0), dtype=np.float32)
    contexts = head_contexts(texts, contexts)
    # Encode each distinct string once, in one batch; most claims have no context.
    unique = list(dict.fromkeys([*texts, *(c for c in contexts if c)]))
    encoded = embedder.encode(unique)
    row = {text: i for i, text in enumerate(unique)}
    return _features(lambda t: encoded[row[t]], texts, contexts, ngrams)


def features_from_vectors(
    vector: Callable[[str], npt.NDArray[np.float32]],
    texts: Sequence[str],
    contexts: Sequence[str],
    ngrams: Ngrams | None,
) -> Features:
    """`features` for texts whose vectors are already known: `vector(text)` gives each."""
    if not texts:
        return sparse.csr_matrix((0, 0), dtype=np.float32)
    return _features(vector, texts, head_contexts(texts, contexts), ngrams)


def _features(
    vector: Callable[[str], npt.NDArray[np.float32]],
    texts: Sequence[str],
    contexts: Sequence[str],
    ngrams: Ngrams | None,
) -> Features:
    """The rows, for `contexts` already as the head sees them (head_contexts)."""
    text_vecs = np.stack([vector(t) for t in texts])
    context_vecs = np.stack(
        [vector(c) if c else np.zeros(text_vecs.shape[1], dtype=np.float32) for c in contexts]
    )
    cues = np.stack([cue_vector(t) for t in texts])
    dense = np.hstack([text_vecs, CONTEXT_WEIGHT * context_vecs, cues]).astype(np.float32)
    blocks = [sparse.csr_matrix(dense)]
    if ngrams is not None:
        blocks.append(NGRAM_WEIGHT * ngrams.transform(_with_context(texts, contexts)))
    return sparse.hstack(blocks, format="csr", dtype=np.float32)


@dataclass(frozen=True)
class Head:
    classes: tuple[str, ...]
    coef: Matrix  # (classes, features)
    intercept: Matrix  # (classes,)

    def proba(self, x: Features, temperature: float = 1.0) -> Matrix:
        logits = (np.asarray(x @ self.coef.T) + self.intercept) / temperature
        if len(self.classes) == 2 and self.coef.shape[0] == 1:
            p = 1 / (1 + np.exp(-logits[:, 0]))
            binary: Matrix = np.stack([1 - p, p], axis=1).astype(np.float32)
            return binary
        return softmax(logits)

    def to_json(self) -> dict[str, object]:
        return {
            "classes": list(self.classes),
            "coef": self.coef.round(5).tolist(),
            "intercept": self.intercept.round(5).tolist(),
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Head:
        return cls(
            tuple(data["classes"]),  # type: ignore[arg-type]
            np.array(data["coef"], dtype=np.float32),
            np.array(data["intercept"], dtype=np.float32),
        )


@dataclass(frozen=True)
class StanceModel:
    embedder_name: str
    claim: Head  # classes ("fact", "claim")
    stance: Head  # classes ("neutral", "positive", "skeptical")
    claim_threshold: float
    ngrams: Ngrams | None = None
    calibration: Calibration = field(default_factory=lambda: Calibration())
    encoder: StanceEncoderLike | None = field(default=None, compare=False)

    def stance_proba(self, x: Features, texts: Sequence[str], contexts: Sequence[str]) -> Matrix:
        """Stance probabilities in `stance.classes` order, for rows of `x` and their texts."""
        return stance_proba(self.stance, self.calibration, self.encoder, x, texts, contexts)

    def claim_proba(self, x: Features) -> Matrix:
        """The probability that each row is a claim (not a fact)."""
        out: Matrix = self.claim.proba(x)[:, self.claim.classes.index("claim")]
        return out


def stance_proba(
    head: Head,
    calibration: Calibration,
    encoder: StanceEncoderLike | None,
    x: Features,
    texts: Sequence[str],
    contexts: Sequence[str],
) -> Matrix:
    """The linear head's calibrated probabilities, blended with the encoder's when given.

    The encoder runs only on the rows the linear head is unsure of (`calibration.
    encoder_margin`): where its top two classes are close. Elsewhere the blend would
    rarely change the answer, and the encoder is most of a claim's cost.
    """
    linear = head.proba(x, calibration.linear_temperature)
    if encoder is None or calibration.encoder_weight == 0 or not len(texts):
        return linear
    unsure = [int(i) for i in np.flatnonzero(margins(linear) < calibration.encoder_margin)]
    if not len(unsure):
        return linear
    encoded = encoder.proba(
        ngram_texts([texts[i] for i in unsure], [contexts[i] for i in unsure]),
        calibration.encoder_temperature,
    )
    out = linear.copy()
    encoded = aligned(encoded, encoder.classes, head.classes)
    out[unsure] = blend(linear[unsure], encoded, calibration)
    return out


def margins(probs: Matrix) -> Matrix:
    """Each row's top probability minus its second."""
    top2 = np.sort(probs, axis=1)[:, -2:]
    out: Matrix = top2[:, 1] - top2[:, 0]
    return out


class StanceEncoderLike(Protocol):
    @property
    def classes(self) -> tuple[str, ...]: ...

    def proba(self, texts: Sequence[str], temperature: float = 1.0) -> Matrix: ...

    def logits(self, texts: Sequence[str]) -> Matrix: ...


@dataclass(frozen=True)
class Calibration:
    """How the two stance models are combined; fitted on the held-out split by train.py.

    Each model's logits are divided by its temperature (a fine-tuned encoder is
    overconfident: its probabilities near 0 or 1 would outvote the argument and
    speaker evidence weighed later), then the probabilities are averaged with
    the encoder's share `encoder_weight`, on the rows whose linear margin is under
    `encoder_margin` (above 1: every row).
    """

    encoder_weight: float = 0.0
    linear_temperature: float = 1.0
    encoder_temperature: float = 1.0
    encoder_margin: float = 2.0

    def to_json(self) -> dict[str, float]:
        return asdict(self)


def blend(linear: Matrix, encoded: Matrix, calibration: Calibration) -> Matrix:
    """Weighted mean of the linear head's and the encoder's (calibrated) probabilities."""
    weight = calibration.encoder_weight
    mixed: Matrix = ((1 - weight) * linear + weight * encoded).astype(np.float32)
    return mixed


def aligned(probs: Matrix, have: Sequence[str], want: Sequence[str]) -> Matrix:
    """Columns of `probs` (in `have` order) reordered to `want`."""
    out: Matrix = probs[:, [list(have).index(c) for c in want]]
    return out


def softmax(logits: npt.NDArray[np.floating[Any]]) -> Matrix:
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    probs: Matrix = (exp / exp.sum(axis=1, keepdims=True)).astype(np.float32)
    return probs


def load_model(path: Path = HEAD_FILE, encoder: StanceEncoderLike | None = None) -> StanceModel:
    """The heads in `path`, blended with `encoder` when one is given (models.py loads it)."""
    if not path.exists():
        raise NeocloudError(f"{path}: no stance head; train one with `neocloud train-stance`")
    data = json.loads(path.read_text(encoding="utf-8"))
    ngrams = data.get("ngrams")
    return StanceModel(
        embedder_name=data["embedder"],
        claim=Head.from_json(data["claim"]),
        stance=Head.from_json(data["stance"]),
        claim_threshold=float(data["claim_threshold"]),
        ngrams=Ngrams(ngrams["vocabulary"], ngrams["idf"]) if ngrams else None,
        calibration=Calibration(**data.get("calibration", {})),
        encoder=encoder,
    )
