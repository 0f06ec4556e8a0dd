"""Stance machinery on examples of our own: embeddings backends, heads, speakers, arguments."""

from __future__ import annotations

import numpy as np
import pytest

from pipeline.embeddings import default_embedder, embedder_from_spec
from pipeline.errors import NeocloudError
from pipeline.ingest.document import build_document
from pipeline.records import RawDocument
from pipeline.stance.arguments import ClaimPoint, consistent_stances, group_arguments
from pipeline.stance.claims import claim_spans
from pipeline.stance.head import load_model
from pipeline.stance.train import TEST_FILES, _xy, load, prediction_scores, scores

# Macro-F1 floors on the independent test sets (benchmarks/data/stance_test*.jsonl,
# 220 and 240 items written by other hands than the training claims). The rhetoric
# set was written to be hard (contract terms read as facts, stance by rhetoric);
# each floor sits a little under what the shipped model (linear head blended with the
# fine-tuned encoder soup) measured: 0.791 and 0.799.
FLOORS = {
    ("claim", "independent_test"): 0.9,
    ("claim", "independent_rhetoric_test"): 0.85,
    ("stance", "independent_test"): 0.75,
    ("stance", "independent_rhetoric_test"): 0.75,
}


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


@pytest.mark.parametrize("task,test_set", sorted(FLOORS))
def test_shipped_heads_meet_their_floor_on_the_independent_test_sets(
    task: str, test_set: str
) -> None:
    model = load_model()
    assert model.ngrams is not None
    embedder = embedder_from_spec(model.embedder_name)
    items = load(TEST_FILES[test_set])
    x, y = _xy(embedder, model.ngrams, items, task)
    if task == "claim":
        assert scores(model.claim, x, y)["macro_f1"] >= FLOORS[task, test_set]
        return
    # Stance as the pipeline computes it: the linear head blended with the encoder.
    claims = [i for i in items if i["label"] != "fact"]
    probs = model.stance_proba(x, [i["text"] for i in claims], [i["context"] for i in claims])
    predicted = [model.stance.classes[i] for i in probs.argmax(axis=1)]
    assert prediction_scores(predicted, y)["macro_f1"] >= FLOORS[task, test_set]


def test_the_shipped_model_blends_in_the_fine_tuned_encoder() -> None:
    assert 0 < load_model().calibration.encoder_weight <= 1


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


def test_a_tag_question_and_the_sentence_answering_it_are_one_claim() -> None:
    doc = build_document(
        RawDocument(
            "t.txt",
            "Dana Ruiz: Renting out the spare cluster is a smart move, isn't it? The lab pays "
            "every month whether or not the GPUs are busy. Power in Memphis is still scarce.\n\n"
            "Li Wei:把闲置算力租出去是个聪明的做法，对吧？每个月都有稳定的现金流入账。",
        ),
        default_embedder(),
    )
    texts = [c.text for c in doc.claims]
    assert any(t.startswith("Renting out") and t.endswith("GPUs are busy.") for t in texts), texts
    assert any(t.startswith("把闲置算力") and t.endswith("现金流入账。") for t in texts), texts
    assert not any("Power in Memphis" in t and "Renting" in t for t in texts)


def test_only_questions_asking_for_agreement_join_the_next_sentence() -> None:
    text = "Is the lease profitable? Nobody outside the two companies knows. It is cheap, right?"
    sentences = [(0, 24), (24, 65), (65, len(text))]
    assert claim_spans(text, sentences) == sentences


def _point(i: int, vector: list[float], lang: str = "en", **kw: object) -> ClaimPoint:
    return ClaimPoint(
        claim_id=str(i), doc_id=f"d{i}", lang=lang, text=kw.pop("text", f"claim {i}"),  # type: ignore[arg-type]
        stance=kw.pop("stance", "skeptical"), stance_score=0.9, vector=tuple(vector),  # type: ignore[arg-type]
        translation_of=kw.pop("translation_of", None),  # type: ignore[arg-type]
        probs=kw.pop("probs", ()),  # type: ignore[arg-type]
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


def test_a_translation_and_its_original_end_with_one_stance() -> None:
    # The head leans neutral on the translation and positive on the original;
    # an unrelated skeptical claim in another argument must not pull either.
    points = [
        _point(0, [1.0, 0.0, 0.0], stance="positive", probs=(0.2, 0.7, 0.1)),
        _point(1, [0.0, 1.0, 0.0], lang="zh", translation_of="0", stance="neutral",
               probs=(0.5, 0.4, 0.1)),
        _point(2, [0.0, 0.0, 1.0], stance="skeptical", probs=(0.1, 0.1, 0.8)),
    ]  # fmt: skip
    stances = consistent_stances(points, group_arguments(points))
    assert stances["0"][0] == stances["1"][0] == "positive"
    assert stances["2"][0] == "skeptical"
