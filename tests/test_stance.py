"""Stance machinery on examples of our own: embeddings backends, heads, speakers, arguments."""

from __future__ import annotations

import numpy as np
import pytest

from pipeline.embeddings import default_embedder, embedder_from_spec
from pipeline.errors import NeocloudError
from pipeline.ingest.document import build_document
from pipeline.records import RawDocument
from pipeline.stance.arguments import ClaimPoint, group_arguments
from pipeline.stance.head import load_model
from pipeline.stance.train import TEST_FILE, _xy, load, scores

# Floors on the independent test set (benchmarks/data/stance_test.jsonl, 220 items
# written by another hand than the training claims).
CLAIM_F1_FLOOR = 0.9
STANCE_F1_FLOOR = 0.65


def test_sentence_transformers_backend_loads_the_packaged_model_offline(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    embedder = embedder_from_spec("st:all-MiniLM-L6-v2")
    vectors = embedder.encode(
        [
            "The neocloud rents its GPUs to a model lab.",
            "A model lab leases GPUs from the neocloud.",
            "The river froze early this winter.",
        ]
    )
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.3


def test_unknown_embedder_is_a_clear_error() -> None:
    with pytest.raises(NeocloudError, match="unknown embedder"):
        embedder_from_spec("word2vec")


def test_default_encoder_places_translations_together() -> None:
    vectors = default_embedder().encode(
        ["The lease looks like financial engineering.", "这笔租约看起来像是财务运作。",
         "Power prices fell in Texas."]
    )  # fmt: skip
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.3


@pytest.mark.parametrize("task,floor", [("claim", CLAIM_F1_FLOOR), ("stance", STANCE_F1_FLOOR)])
def test_shipped_heads_meet_their_floor_on_the_independent_test_set(
    task: str, floor: float
) -> None:
    model = load_model()
    head = model.claim if task == "claim" else model.stance
    x, y = _xy(embedder_from_spec(model.embedder_name), load(TEST_FILE), task)
    assert scores(head, x, y)["macro_f1"] >= floor


def _speakers(text: str) -> dict[str, str | None]:
    doc = build_document(RawDocument("t.txt", text), default_embedder())
    return {c.text[:20]: c.speaker for c in doc.claims}


def test_speakers_of_transcript_turns() -> None:
    speakers = _speakers(
        "Maria Chen: I think the price Nebius is charging is far too high for what it offers.\n\n"
        "Tom Okafor: The lease is cheap if you look at what GPUs cost on the spot market today.\n\n"
        "Maria: Cheap for whom, exactly, when the customers carry all of the risk?"
    )
    assert speakers["I think the price Ne"] == "Maria Chen"
    assert speakers["The lease is cheap i"] == "Tom Okafor"
    assert speakers["Cheap for whom, exac"] == "Maria Chen"


def test_speakers_named_with_a_verb_and_followed_by_a_pronoun() -> None:
    speakers = _speakers(
        "Priya Raman argued that the whole neocloud model is a bet on scarcity that will not "
        "last. She also noted that the customers could walk away with little notice. The "
        "company reported revenue of $1.2 billion for the quarter."
    )
    assert speakers["Priya Raman argued t"] == "Priya Raman"
    assert speakers["She also noted that "] == "Priya Raman"


def _point(i: int, vector: list[float], lang: str = "en", **kw: object) -> ClaimPoint:
    return ClaimPoint(
        claim_id=str(i), doc_id=f"d{i}", lang=lang, text=kw.pop("text", f"claim {i}"),  # type: ignore[arg-type]
        stance=kw.pop("stance", "skeptical"), stance_score=0.9, vector=tuple(vector),  # type: ignore[arg-type]
        translation_of=kw.pop("translation_of", None),  # type: ignore[arg-type]
    )  # fmt: skip


def test_arguments_group_similar_claims_and_keep_apart_the_rest() -> None:
    points = [
        _point(0, [1.0, 0.0, 0.0]),
        _point(1, [0.9, 0.1, 0.0]),
        _point(2, [0.0, 1.0, 0.0], stance="positive"),
    ]
    arguments = group_arguments(points)
    assert [sorted(a.members) for a in arguments] == [["0", "1"], ["2"]]
    assert (arguments[0].claims, arguments[0].documents, arguments[0].stance) == (2, 2, "skeptical")


def test_translations_and_shared_quotes_join_arguments_whatever_their_vectors() -> None:
    points = [
        _point(0, [1.0, 0.0, 0.0], text='He called it "a stress test before the listing".'),
        _point(
            1, [0.0, 1.0, 0.0], lang="zh", translation_of="0", text="他称之为上市前的压力测试。"
        ),
        _point(2, [0.0, 0.0, 1.0], text="This looks like a stress test before the listing to me."),
    ]
    arguments = group_arguments(points)
    assert len(arguments) == 1
    assert arguments[0].languages == ("en", "zh")
    assert arguments[0].label.startswith("He called it") or arguments[0].label.startswith("This")
