"""multilingual-e5-small's layers as one ONNX Runtime graph, built from numpy weights.

The base encoder (sentence vectors for the heads, translation pairing and
arguments) and the fine-tuned stance encoder (the same layers with its
adapters merged in) share this runtime. The graph is built in memory at load
time from the weights e5file.py reads, so nothing but the adapters ships;
it uses onnxruntime's fused transformer kernels (Attention, SkipLayerNorm,
BiasGelu), about 2.5 times the numpy forward's speed. With `int8`, the matrix
products take 8-bit weights and per-token 8-bit activations (1.4 times faster
again, vectors within cosine 0.999 of float32); both encoders run so, and the
heads recalibrated on them score within 0.01 of float32 (benchmarks/results/
stance.json).

Tokenization and the word-embedding lookup stay in numpy: the embedding
table is 4-bit and read row by row, which keeps a quarter-gigabyte float
table out of memory.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from pipeline.stance import e5file

Matrix = npt.NDArray[np.float32]

MAX_TOKENS = 128  # a claim is one sentence, with its context when it is a fragment
_BATCH = 16  # measured: 16 texts of similar length per run is fastest on 2 cores
_PAD = 1  # XLM-R's <pad>; masked out of attention and pooling
_MS = "com.microsoft"


@dataclass
class E5Runtime:
    """Pooled last-layer vectors (e5's sentence vector, unnormalized) for texts."""

    base: e5file.E5File
    session: Any  # onnxruntime.InferenceSession
    prefix: str

    def pooled(self, texts: Sequence[str]) -> Matrix:
        return pooled_in_batches(self.base, self.prefix, texts, self._run)

    def _run(self, ids: npt.NDArray[np.int64], mask: npt.NDArray[np.bool_]) -> Matrix:
        inputs = {"x": self.base.embedded(ids), "mask": mask.astype(np.int32)}
        pooled: Matrix = self.session.run(["pooled"], inputs)[0]
        return pooled


Forward = Callable[[npt.NDArray[np.int64], npt.NDArray[np.bool_]], Matrix]


def pooled_in_batches(
    base: e5file.E5File, prefix: str, texts: Sequence[str], forward: Forward
) -> Matrix:
    """`forward(ids, mask)` over `texts` tokenized with `prefix`, in padded batches of texts
    of similar length (so little of a batch is padding), rows back in `texts` order."""
    tokens = [base.tokenizer.encode(prefix + t, MAX_TOKENS) for t in texts]
    out = np.zeros((len(texts), base.config.hidden), dtype=np.float32)
    order = sorted(range(len(texts)), key=lambda i: len(tokens[i]))
    for b in range(0, len(order), _BATCH):
        rows = order[b : b + _BATCH]
        length = max(len(tokens[i]) for i in rows)
        ids = np.full((len(rows), length), _PAD, dtype=np.int64)
        mask = np.zeros((len(rows), length), dtype=bool)
        for n, i in enumerate(rows):
            ids[n, : len(tokens[i])] = tokens[i]
            mask[n, : len(tokens[i])] = True
        out[rows] = forward(ids, mask)
    return out


def load_runtime(
    base: e5file.E5File,
    weights: dict[str, Matrix],
    prefix: str,
    *,
    int8: bool = False,
    threads: int = 0,
) -> E5Runtime:
    """A runtime for `weights` (the base tensors, or with adapters merged); threads 0: all cores."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.log_severity_level = 3  # its notes on unused initializers are not the user's business
    # Without the arena, memory follows the batch at hand (110 MB less per process, as fast).
    options.enable_cpu_mem_arena = False
    model = build_graph(weights, base.config, int8=int8)
    session = ort.InferenceSession(
        model.SerializeToString(), options, providers=["CPUExecutionProvider"]
    )
    return E5Runtime(base, session, prefix)


def build_graph(weights: dict[str, Matrix], cfg: e5file.Config, *, int8: bool = False) -> Any:
    """The encoder layers and mean pooling as an ONNX model: x (B, L, H), mask (B, L) -> pooled.

    With `int8`, every matrix product takes 8-bit weights (symmetric, one scale per output
    column) and 8-bit activations quantized on the fly, one scale and zero point per token.
    onnxruntime's own dynamic quantization takes one scale for the whole batch, so a
    sentence's vector would depend on the other sentences batched with it; per token, it
    does not (and lands closer to float32: cosine 0.999 against 0.991).
    """
    from onnx import TensorProto, helper, numpy_helper

    nodes: list[Any] = []
    inits: list[Any] = []
    count = 0

    def const(name: str, value: npt.NDArray[Any]) -> str:
        inits.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def node(op: str, inputs: list[str], domain: str | None = None, outputs: int = 1,
             **attrs: Any) -> Any:  # fmt: skip
        nonlocal count
        count += 1
        names = [f"t{count}" if i == 0 else f"t{count}_{i}" for i in range(outputs)]
        nodes.append(helper.make_node(op, inputs, names, domain=domain, **attrs))
        return names[0] if outputs == 1 else names

    for name, value in (("zero", 0.0), ("top", 255.0), ("tiny", 1e-8)):
        const(name, np.array(value, dtype=np.float32))
    const("last", np.array([-1], dtype=np.int64))

    def matmul(x: str, name: str, matrix: Matrix) -> str:
        if not int8:
            return str(node("MatMul", [x, const(f"{name}.w", matrix.astype(np.float32))]))
        scale = np.abs(matrix).max(axis=0) / 127
        scale[scale == 0] = 1.0
        codes = np.clip(np.rint(matrix / scale), -127, 127).astype(np.int8)
        # Per token: x ≈ (q - zp) * s with q in 0..255; onnxruntime takes only one zero
        # point, so q·W is corrected by zp times the column sums of W.
        high = node("Max", [node("ReduceMax", [x, "last"], keepdims=1), "zero"])
        low = node("Min", [node("ReduceMin", [x, "last"], keepdims=1), "zero"])
        step = node("Div", [node("Max", [node("Sub", [high, low]), "tiny"]), "top"])
        zp = node("Round", [node("Div", [node("Neg", [low]), step])])
        q = node("Add", [node("Round", [node("Div", [x, step])]), zp])
        q = node("Cast", [node("Clip", [q, "zero", "top"])], to=TensorProto.UINT8)
        product = node("Cast", [node("MatMulInteger", [q, const(f"{name}.q", codes)])],
                       to=TensorProto.FLOAT)  # fmt: skip
        sums = const(f"{name}.sums", codes.astype(np.int32).sum(axis=0).astype(np.float32))
        centred = node("Sub", [product, node("Mul", [zp, sums])])
        return str(node("Mul", [node("Mul", [centred, step]),
                                const(f"{name}.scale", scale.astype(np.float32))]))  # fmt: skip

    def attention(x: str, name: str, matrix: Matrix, bias: Matrix) -> str:
        b = const(f"{name}.b", bias.astype(np.float32))
        if not int8:
            w = const(f"{name}.w", matrix.astype(np.float32))
            return str(node("Attention", [x, w, b, "mask"], domain=_MS, num_heads=cfg.heads))
        projected = node("Add", [matmul(x, name, matrix), b])
        size = np.array([cfg.hidden] * 3, dtype=np.int64)
        q, k, v = node("Split", [projected, const(f"{name}.split", size)], axis=2, outputs=3)
        return str(node("MultiHeadAttention", [q, k, v, "", "mask"], domain=_MS,
                        num_heads=cfg.heads))  # fmt: skip

    def vector(name: str) -> str:
        return const(name, weights[name].astype(np.float32))

    def skip_norm(added: str, residual: str, norm: str, bias: str) -> str:
        """LayerNorm(residual + added + bias), fused."""
        inputs = [added, residual, vector(f"{norm}.w"), vector(f"{norm}.b"), vector(bias)]
        return str(node("SkipLayerNormalization", inputs, domain=_MS, epsilon=cfg.eps))

    x = "x"
    for n in range(cfg.layers):
        p = f"l{n}"
        qkv = np.concatenate([weights[f"{p}.{m}.w"].T for m in "qkv"], axis=1)
        qkv_bias = np.concatenate([weights[f"{p}.{m}.b"] for m in "qkv"])
        attended = attention(x, f"{p}.qkv", qkv, qkv_bias)
        projected = matmul(attended, f"{p}.ao", weights[f"{p}.ao.w"].T)
        x = skip_norm(projected, x, f"{p}.aln", f"{p}.ao.b")
        inner = node("BiasGelu", [matmul(x, f"{p}.fi", weights[f"{p}.fi.w"].T),
                                  vector(f"{p}.fi.b")], domain=_MS)  # fmt: skip
        outer = matmul(inner, f"{p}.fo", weights[f"{p}.fo.w"].T)
        x = skip_norm(outer, x, f"{p}.oln", f"{p}.fo.b")
    weight = node("Unsqueeze", [node("Cast", ["mask"], to=TensorProto.FLOAT),
                                const("axis2", np.array([2], dtype=np.int64))])  # fmt: skip
    axis1 = const("axis1", np.array([1], dtype=np.int64))
    total = node("ReduceSum", [node("Mul", [x, weight]), axis1], keepdims=0)
    tokens = node("ReduceSum", [weight, axis1], keepdims=0)
    nodes.append(helper.make_node("Div", [total, tokens], ["pooled"]))
    graph = helper.make_graph(
        nodes,
        "e5",
        [
            helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", "length", cfg.hidden]),
            helper.make_tensor_value_info("mask", TensorProto.INT32, ["batch", "length"]),
        ],
        [helper.make_tensor_value_info("pooled", TensorProto.FLOAT, ["batch", cfg.hidden])],
        inits,
    )
    return helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", 18), helper.make_opsetid(_MS, 1)]
    )
