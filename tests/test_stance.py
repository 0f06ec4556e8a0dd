"""Stance machinery on examples of our own: embeddings backends, heads, speakers, arguments."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pytest

from pipeline.embeddings import embedder_from_spec
from pipeline.errors import NeocloudError
from pipeline.flow import build_documents
from pipeline.models import Models
from pipeline.records import RawDocument
from pipeline.stance import arguments as arg
from pipeline.stance.claims import claim_spans
from pipeline.stance.head import Calibration, Head, softmax, stance_proba
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


def test_the_similarity_space_places_translations_together(models: Models) -> None:
    texts = ["The lease looks like financial engineering.", "这笔租约看起来像是财务运作。",
             "Power prices fell in Texas."]  # fmt: skip
    vectors = models.space.centred(models.encoder.encode(texts), ["en", "zh", "en"])
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.3


@pytest.mark.parametrize("task,test_set", sorted(FLOORS))
def test_shipped_heads_meet_their_floor_on_the_independent_test_sets(
    task: str, test_set: str, models: Models
) -> None:
    model = models.stance
    assert model.ngrams is not None
    items = load(TEST_FILES[test_set])
    x, y = _xy(models.encoder, model.ngrams, items, task)
    if task == "claim":
        assert scores(model.claim, x, y)["macro_f1"] >= FLOORS[task, test_set]
        return
    # Stance as the pipeline computes it: the linear head blended with the encoder.
    claims = [i for i in items if i["label"] != "fact"]
    probs = model.stance_proba(x, [i["text"] for i in claims], [i["context"] for i in claims])
    predicted = [model.stance.classes[i] for i in probs.argmax(axis=1)]
    assert prediction_scores(predicted, y)["macro_f1"] >= FLOORS[task, test_set]


def test_the_shipped_model_blends_in_the_fine_tuned_encoder(models: Models) -> None:
    assert 0 < models.stance.calibration.encoder_weight <= 1
    assert models.stance.encoder is not None


class _CountingEncoder:
    classes = ("neutral", "positive", "skeptical")

    def __init__(self) -> None:
        self.seen: list[str] = []

    def logits(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        self.seen += texts
        return np.tile(np.array([0.0, 0.0, 9.0], dtype=np.float32), (len(texts), 1))

    def proba(self, texts: Sequence[str], temperature: float = 1.0) -> npt.NDArray[np.float32]:
        return softmax(self.logits(texts) / temperature)


def test_the_encoder_runs_only_where_the_linear_head_is_unsure() -> None:
    classes = ("neutral", "positive", "skeptical")
    # Row 0: the head is sure it is positive (margin ~0.9); row 1: unsure (margin ~0.1).
    head = Head(classes, np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]]), np.zeros(3))
    x = np.array([[6.0, 0.0], [0.2, 0.0]], dtype=np.float32)
    encoder = _CountingEncoder()
    calibration = Calibration(encoder_weight=0.5, encoder_margin=0.5)
    probs = stance_proba(head, calibration, encoder, x, ["sure", "unsure"], ["", ""])
    assert encoder.seen == ["unsure"]
    np.testing.assert_allclose(probs[0], head.proba(x[:1])[0], rtol=1e-6)
    assert probs[1].argmax() == classes.index("skeptical")
    # Margin above 1: every row is blended, as before the cascade.
    every = _CountingEncoder()
    stance_proba(head, Calibration(encoder_weight=0.5), every, x, ["a", "b"], ["", ""])
    assert every.seen == ["a", "b"]


@pytest.fixture()
def speakers_of(models: Models):  # type: ignore[no-untyped-def]
    def speakers(text: str) -> dict[str, str | None]:
        (doc,) = build_documents([RawDocument("t.txt", text)], models)
        return {c.text[:20]: c.speaker for c in doc.claims}

    return speakers


def test_speakers_of_transcript_turns(speakers_of) -> None:  # type: ignore[no-untyped-def]
    speakers = speakers_of(
        "Maria Chen: I think the price Nebius is charging is far too high for what it offers.\n\n"
        "Tom Okafor: The lease is cheap if you look at what GPUs cost on the spot market today.\n\n"
        "Maria: Cheap for whom, exactly, when the customers carry all of the risk?"
    )
    assert speakers["I think the price Ne"] == "Maria Chen"
    assert speakers["The lease is cheap i"] == "Tom Okafor"
    assert speakers["Cheap for whom, exac"] == "Maria Chen"


def test_speakers_named_with_a_verb_and_followed_by_a_pronoun(speakers_of) -> None:  # type: ignore[no-untyped-def]
    speakers = speakers_of(
        "Priya Raman argued that the whole neocloud model is a bet on scarcity that will not "
        "last. She also noted that the customers could walk away with little notice. The "
        "company reported revenue of $1.2 billion for the quarter."
    )
    assert speakers["Priya Raman argued t"] == "Priya Raman"
    assert speakers["She also noted that "] == "Priya Raman"


def test_a_tag_question_and_the_sentence_answering_it_are_one_claim(models: Models) -> None:
    (doc,) = build_documents(
        [RawDocument(
            "t.txt",
            "Dana Ruiz: Renting out the spare cluster is a smart move, isn't it? The lab pays "
            "every month whether or not the GPUs are busy. Power in Memphis is still scarce.\n\n"
            "Li Wei:把闲置算力租出去是个聪明的做法，对吧？每个月都有稳定的现金流入账。",
        )],
        models,
    )  # fmt: skip
    texts = [c.text for c in doc.claims]
    assert any(t.startswith("Renting out") and t.endswith("GPUs are busy.") for t in texts), texts
    assert any(t.startswith("把闲置算力") and t.endswith("现金流入账。") for t in texts), texts
    assert not any("Power in Memphis" in t and "Renting" in t for t in texts)


def test_only_questions_asking_for_agreement_join_the_next_sentence() -> None:
    text = "Is the lease profitable? Nobody outside the two companies knows. It is cheap, right?"
    sentences = [(0, 24), (24, 65), (65, len(text))]
    assert claim_spans(text, sentences) == sentences


def _state(argument_id: int, *vectors: list[float]) -> arg.ArgumentState:
    state = arg.ArgumentState(argument_id)
    for v in vectors:
        state.add(np.array(v, dtype=np.float32), (0.2, 0.2, 0.6))
    return state


def test_a_claim_joins_the_argument_it_is_closest_to_on_average() -> None:
    states = {1: _state(1, [1.0, 0.0, 0.0], [0.8, 0.6, 0.0]), 2: _state(2, [0.0, 0.0, 1.0])}
    near = [arg.Neighbour(1, "a"), arg.Neighbour(2, "b")]
    close = np.array([0.95, 0.3, 0.0], dtype=np.float32)
    assert arg.choose_argument("x", close, near, None, states) == 1
    far = np.array([0.0, 1.0, 0.0], dtype=np.float32)  # 0.3 on average with argument 1
    assert arg.choose_argument("x", far, near, None, states) is None


def test_translations_and_shared_quotes_join_whatever_their_vectors() -> None:
    states = {1: _state(1, [1.0, 0.0, 0.0]), 2: _state(2, [0.0, 1.0, 0.0])}
    orthogonal = np.array([0.0, 0.0, 1.0], dtype=np.float32)
    says = "This looks like a stress test before the listing to me."
    near = [arg.Neighbour(1, "Power is cheap up north."), arg.Neighbour(2, says)]
    quoting = 'He called it "a stress test before the listing".'
    assert arg.choose_argument(quoting, orthogonal, near, None, states) == 2
    assert arg.choose_argument("他称之为上市前的压力测试。", orthogonal, near, 1, states) == 1
    assert arg.choose_argument("Unrelated words here.", orthogonal, near, None, states) is None


def test_a_translation_and_its_original_end_with_one_stance() -> None:
    # The head leans neutral on the translation and positive on the original; they share.
    probs = arg.document_probs([
        arg.DocClaim("en", None, (0.2, 0.7, 0.1)),
        arg.DocClaim("zh", None, (0.5, 0.4, 0.1), translation_of="en"),
        arg.DocClaim("other", None, (0.1, 0.1, 0.8)),
    ])  # fmt: skip
    assert probs["en"][0] == probs["zh"][0] == (0.35, 0.55, 0.1)
    assert arg.final_stance(probs["en"][0], (), probs["en"][0], 1)[0] == "positive"
    assert arg.final_stance(probs["other"][0], (), probs["other"][0], 1)[0] == "skeptical"


def test_argument_mates_and_the_speaker_pull_a_hesitant_claim() -> None:
    own = (0.4, 0.35, 0.25)
    mates = np.array(own) + np.array([0.1, 0.1, 0.8]) * 3  # three skeptical mates
    assert arg.final_stance(own, (), own, 1)[0] == "neutral"
    assert arg.final_stance(own, (), mates, 4)[0] == "skeptical"
    assert arg.final_stance(own, (0.0, 0.9, 0.1), own, 1)[0] == "positive"
    speakers = arg.document_probs([
        arg.DocClaim("a", "Ann", (0.1, 0.8, 0.1)), arg.DocClaim("b", "Ann", (0.1, 0.6, 0.3)),
        arg.DocClaim("c", None, (0.1, 0.6, 0.3)),
    ])  # fmt: skip
    assert speakers["a"][1] == (0.1, 0.6, 0.3) and speakers["c"][1] == ()
