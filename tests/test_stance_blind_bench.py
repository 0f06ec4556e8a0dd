"""The blind commentary benchmark's scoring (benchmarks/stance_blind.py), without models."""

from __future__ import annotations

from benchmarks.stance_blind import load, macro_f1, render, score


def _passage() -> dict[str, object]:
    s = [
        ("The lease runs five years.", False, None),
        ("That is a great deal for the landlord.", True, "positive"),
        ("Who pays if the tenant walks?", True, "skeptical"),
    ]
    return {
        "id": "p1",
        "title": "A lease, reviewed",
        "genre": "blog",
        "sentences": [
            {"para": 0, "speaker": None, "text": t, "claim": c, "stance": st, "attributed": False}
            for t, c, st in s
        ],
    }


def test_precision_recall_and_stance_count_what_was_emitted_and_found() -> None:
    p = _passage()
    stored = {
        "p1": [
            {"text": "A lease, reviewed", "stance": "neutral"},  # the title: not scored
            {"text": "The lease runs five years.", "stance": "neutral"},  # not a claim
            {"text": "That is a great deal for the landlord.", "stance": "positive"},
        ]
    }
    direct = {("p1", 1): "positive", ("p1", 2): "positive"}
    s = score([p], stored, direct)
    assert (s["emitted"], s["gold_claims"]) == (2, 2)
    assert s["claim_precision"] == 0.5 and s["claim_recall"] == 0.5
    assert s["stance_f1_found"] == 1.0
    assert s["stance_f1_all_gold"] == macro_f1(["positive", "skeptical"], ["positive", "positive"])
    assert s["stance_accuracy_own"] == 0.5


def test_render_writes_the_title_then_one_paragraph_per_para() -> None:
    assert render(_passage()).startswith("A lease, reviewed\n\nThe lease runs five years. That")


def test_the_set_has_the_size_and_mix_it_claims() -> None:
    passages = load()
    claims = [s for p in passages for s in p["sentences"] if s["claim"]]
    assert len(passages) >= 60 and len(claims) >= 400
    assert {p["split"] for p in passages} == {"dev", "test"}
    assert {p.get("script") for p in passages if p["lang"] == "zh"} >= {"simplified", "traditional"}
    for stance in ("positive", "skeptical", "neutral"):
        assert sum(c["stance"] == stance for c in claims) >= 60
