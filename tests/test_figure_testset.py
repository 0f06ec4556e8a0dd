"""Quality floors on the hand-labelled figure sets.

tests/data/figures_testset.jsonl: 329 sentences of our own, about half Chinese
(26 in traditional characters), labelled without looking at the grammar.
benchmarks/data/figures_heldout.jsonl: 140 more, written later by another hand.
CI fails when the figure component drops below these floors.
"""

from __future__ import annotations

from typing import Any

import pytest

from benchmarks.figures import (
    HELDOUT,
    _same_record,
    load_testset,
    neocloud,
    same_value,
    score,
)

FLOORS = {"value": 0.98, "record": 0.98}


@pytest.fixture(scope="module")
def testset() -> list[dict[str, Any]]:
    return load_testset()


def test_testset_is_large_and_bilingual(testset: list[dict[str, Any]]) -> None:
    langs = [item["lang"] for item in testset]
    assert len(testset) >= 200
    assert 0.4 <= langs.count("zh") / len(langs) <= 0.6


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_figures_meet_the_quality_floor(testset: list[dict[str, Any]], lang: str) -> None:
    subset = [item for item in testset if item["lang"] == lang]
    value = score(subset, neocloud, same_value)
    record = score(subset, neocloud, _same_record)
    assert value["f1"] >= FLOORS["value"], value["errors"][:10]
    assert record["f1"] >= FLOORS["record"], record["errors"][:10]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_heldout_set_meets_the_quality_floor(lang: str) -> None:
    subset = [item for item in load_testset(HELDOUT) if item["lang"] == lang]
    assert len(subset) >= 60
    record = score(subset, neocloud, _same_record)
    assert record["f1"] >= FLOORS["record"], record["errors"][:10]


def test_sentences_without_figures_yield_none(testset: list[dict[str, Any]]) -> None:
    empty = [item for item in testset if not item["figures"]]
    assert len(empty) >= 20
    noisy = {item["id"]: neocloud(item["text"], item["lang"]) for item in empty}
    assert {k: v for k, v in noisy.items() if v} == {}
