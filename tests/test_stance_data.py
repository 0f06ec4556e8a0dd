"""The labelled stance data: well-formed, and kept apart from the independent test sets."""

from __future__ import annotations

import pytest

from pipeline.ingest.language import han_count
from pipeline.stance.train import STANCES, TRAIN_DIR, Item, load

LABELS = {*STANCES, "fact"}
SCRIPTS = {"en": {None}, "zh": {"simplified", "traditional"}}


@pytest.fixture(scope="module")
def training() -> list[Item]:
    return load(TRAIN_DIR)


def test_training_items_are_well_formed(training: list[Item]) -> None:
    assert len(training) >= 400
    ids = [i["id"] for i in training]
    assert len(ids) == len(set(ids)), "duplicate ids"
    texts = [i["text"] for i in training]
    assert len(texts) == len(set(texts)), "duplicate texts"
    for item in training:
        assert item["label"] in LABELS, item
        assert item.get("script") in SCRIPTS[item["lang"]], item
        assert (han_count(item["text"]) > 0) == (item["lang"] == "zh"), item


def test_both_languages_and_scripts_carry_every_stance(training: list[Item]) -> None:
    for lang, script in (("en", None), ("zh", "simplified"), ("zh", "traditional")):
        labels = {i["label"] for i in training if (i["lang"], i.get("script")) == (lang, script)}
        assert labels == LABELS, (lang, script)


def test_no_training_item_restates_a_seed_or_a_test_text() -> None:
    """The leak guard (pipeline/leaks.py) over the training data against the seed
    documents, their gold claims and every test set, across languages."""
    from pipeline.stance.leakcheck import check

    leaks = check()
    assert not leaks, [(leak.train, leak.protected, leak.why) for leak in leaks[:20]]
