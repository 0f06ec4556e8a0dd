"""Trained heads over sentence embeddings: claim-vs-fact, and stance.

A head is multinomial logistic regression on [embedding(text),
embedding(context), cue features]. Weights ship as JSON in models/ (numpy is
all inference needs); `neocloud train-stance` refits them with scikit-learn.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

from pipeline.embeddings import Embedder
from pipeline.errors import NeocloudError
from pipeline.stance.features import cue_vector

MODELS = Path(__file__).resolve().parents[2] / "models"
HEAD_FILE = MODELS / "stance_head.json"
CONTEXT_WEIGHT = 0.5  # the previous sentence informs, the sentence itself decides

Matrix = npt.NDArray[np.float32]


def features(embedder: Embedder, texts: Sequence[str], contexts: Sequence[str]) -> Matrix:
    """One row per claim: its embedding, its context's embedding, its cues."""
    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    # Encode each distinct string once, in one batch; most claims have no context.
    unique = list(dict.fromkeys([*texts, *(c for c in contexts if c)]))
    encoded = embedder.encode(unique)
    row = {text: i for i, text in enumerate(unique)}
    text_vecs = encoded[[row[t] for t in texts]]
    context_vecs = np.stack(
        [encoded[row[c]] if c else np.zeros(encoded.shape[1], dtype=np.float32) for c in contexts]
    )
    has_context = np.array([[1.0 if c else 0.0] for c in contexts], dtype=np.float32)
    cues = np.stack([cue_vector(t) for t in texts])
    return np.hstack([text_vecs, CONTEXT_WEIGHT * has_context * context_vecs, cues]).astype(
        np.float32
    )


@dataclass(frozen=True)
class Head:
    classes: tuple[str, ...]
    coef: Matrix  # (classes, features)
    intercept: Matrix  # (classes,)

    def proba(self, x: Matrix) -> Matrix:
        logits = x @ self.coef.T + self.intercept
        if len(self.classes) == 2 and self.coef.shape[0] == 1:
            p = 1 / (1 + np.exp(-logits[:, 0]))
            binary: Matrix = np.stack([1 - p, p], axis=1).astype(np.float32)
            return binary
        logits = logits - logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        probs: Matrix = (exp / exp.sum(axis=1, keepdims=True)).astype(np.float32)
        return probs

    def to_json(self) -> dict[str, object]:
        return {
            "classes": list(self.classes),
            "coef": self.coef.round(6).tolist(),
            "intercept": self.intercept.round(6).tolist(),
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


@cache
def load_model(path: Path = HEAD_FILE) -> StanceModel:
    if not path.exists():
        raise NeocloudError(f"{path}: no stance head; train one with `neocloud train-stance`")
    data = json.loads(path.read_text(encoding="utf-8"))
    return StanceModel(
        embedder_name=data["embedder"],
        claim=Head.from_json(data["claim"]),
        stance=Head.from_json(data["stance"]),
        claim_threshold=float(data["claim_threshold"]),
    )
