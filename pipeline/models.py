"""Every model a run needs, loaded once and passed to the stages that use them.

Nothing deeper in the stack loads a model: the runner (flow.py), training and
re-scoring call `load_models` and hand its parts on. spaCy pipelines are built
on first use of their language, inside this object.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spacy.language import Language

from pipeline.embeddings import E5_NAME, E5Embedder, Embedder, embedder_from_spec, similarity_spec
from pipeline.errors import NeocloudError
from pipeline.extract.gazetteer import GAZETTEER_ENV, SHIPPED, Gazetteer, load
from pipeline.extract.relations import RelationModel, load_relations
from pipeline.stance.head import HEAD_FILE, MODELS, StanceModel, load_model
from pipeline.vectors import Space, load_space

SPACE_FILE = MODELS / "vector_space.json"


@dataclass
class Models:
    gazetteer: Gazetteer
    encoder: Embedder  # the one pass every sentence gets: heads, and similarity by default
    stance: StanceModel  # claim and stance heads, with the fine-tuned stance encoder
    space: Space  # per-language centring of the encoder's vectors for similarity
    similarity: Embedder | None = None  # a second backend for similarity, if one is chosen
    names: CacheNames | None = None  # what the vector cache calls their outputs
    relations: RelationModel | None = None  # deal relations between organizations, if trained
    _nlp: dict[str, Language] = field(default_factory=dict, repr=False)

    def nlp(self, lang: str) -> Language:
        """The spaCy pipeline for `lang` ("en", "zh", anything else), built once."""
        key = lang if lang in ("en", "zh") else "xx"
        if key not in self._nlp:
            from pipeline.extract.pipelines import build_pipeline

            self._nlp[key] = build_pipeline(key, self.gazetteer)
        return self._nlp[key]


def load_models(threads: int = 0, head_file: Path = HEAD_FILE) -> Models:
    """The shipped models; `threads` caps the encoders' threads (0: all cores)."""
    from pipeline.stance import e5file
    from pipeline.stance.encoder import ENCODER_FILE, load_encoder
    from pipeline.stance.runtime import load_runtime

    base = e5file.read()
    stance_encoder = load_encoder(ENCODER_FILE, base, threads=threads)
    stance = load_model(head_file, stance_encoder)
    if stance.embedder_name != E5_NAME:
        raise NeocloudError(
            f"{head_file}: heads trained on {stance.embedder_name!r}; this version reads "
            f"{E5_NAME!r} vectors: retrain with `neocloud train-stance`"
        )
    runtime = load_runtime(base, base.tensors, E5Embedder.PREFIX, int8=True, threads=threads)
    _keep_only_embeddings(base)
    spec = similarity_spec()
    return Models(
        gazetteer=load_gazetteer(),
        encoder=E5Embedder(runtime),
        stance=stance,
        space=load_space(SPACE_FILE),
        similarity=None if spec in ("", "e5", E5_NAME) else embedder_from_spec(spec),
        names=cache_names(),
        relations=load_relations(),
    )


@dataclass(frozen=True)
class CacheNames:
    """The vector cache's model names, known without loading any model."""

    vectors: str  # the shared encoder's sentence vectors
    logits: str  # the stance encoder's logits: they change with its file
    similarity: str | None  # a second similarity backend's vectors, if one is chosen


def cache_names() -> CacheNames:
    from pipeline.stance.encoder import ENCODER_FILE

    spec = similarity_spec()
    stance_id = hashlib.sha256(ENCODER_FILE.read_bytes()).hexdigest()[:12] + ":int8-token"
    return CacheNames(
        vectors=f"{E5_NAME}:int8-token",
        logits=f"stance-logits:{stance_id}",
        similarity=None if spec in ("", "e5", E5_NAME) else embedder_from_spec(spec).name,
    )


def _keep_only_embeddings(base: Any) -> None:
    """The graphs hold the layers now: drop their float32 copies (86 MB) and hand the freed
    memory back, so each worker process stays small."""
    for name in [n for n in base.tensors if n.startswith("l")]:
        del base.tensors[name]
    gc.collect()
    # Not glibc: the memory is reused, not returned.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def load_gazetteer() -> Gazetteer:
    """The shipped gazetteer plus the user's files from $NEOCLOUD_GAZETTEER."""
    extra = [Path(p) for p in os.environ.get(GAZETTEER_ENV, "").split(os.pathsep) if p]
    missing = [p for p in extra if not p.exists()]
    if missing:
        raise NeocloudError(f"${GAZETTEER_ENV} names a missing file: {missing[0]}")
    return load([SHIPPED, *extra])
