"""The deal training sentences: well-formed, and kept apart from the blind deal benchmark."""

from __future__ import annotations

import json
import re

import pytest

from pipeline.extract.train_relations import TRAIN_DIR, Item, load

BENCHMARK = TRAIN_DIR.parents[1] / "benchmarks" / "data"
KINDS = {"compute_lease", "site_lease", "supply", "investment", "acquisition", "joint_venture"}
STATUSES = {"announced", "reported", "rumoured", "ended"}
# Character 3-gram Jaccard at or above this marks a near-copy (as for the stance data).
NEAR_COPY = 0.5


@pytest.fixture(scope="module")
def training() -> list[Item]:
    return load(TRAIN_DIR)


def test_training_items_are_well_formed(training: list[Item]) -> None:
    assert len(training) >= 500
    ids = [i["id"] for i in training]
    assert len(ids) == len(set(ids)), "duplicate ids"
    for item in training:
        assert bool(item["deals"]) != bool(item.get("none_reason")), item["id"]
        for deal in item["deals"]:
            assert deal["kind"] in KINDS and deal["status"] in STATUSES, item["id"]
            assert deal["provider"] in item["text"] and deal["customer"] in item["text"]


def _grams(text: str) -> set[str]:
    squeezed = re.sub(r"\s+", "", text.lower())
    return {squeezed[i : i + 3] for i in range(len(squeezed) - 2)}


def _benchmark_sentences() -> list[tuple[str, set[str]]]:
    out = []
    for name in ("deals_passages.jsonl", "deals_negatives.jsonl"):
        for line in (BENCHMARK / name).read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            for sentence in re.split(r"(?<=[.!?。！？])\s*", item["text"]):
                if len(sentence) > 15:
                    out.append((item["id"], _grams(sentence)))
    return out


def test_no_training_sentence_copies_a_benchmark_sentence(training: list[Item]) -> None:
    bench = _benchmark_sentences()
    copies = []
    for item in training:
        grams = _grams(item["text"])
        for bench_id, other in bench:
            if len(grams & other) >= NEAR_COPY * len(grams | other):
                copies.append((item["id"], bench_id))
    assert not copies


def _norm(name: str) -> str:
    import unicodedata

    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", name).casefold())


def test_no_training_deal_restates_a_benchmark_deal(training: list[Item]) -> None:
    """Both helpers knew the same public deals: a training sentence about a pair of companies
    the benchmark has a deal between would restate a test fact, whatever its words."""
    pairs = set()
    for line in (BENCHMARK / "deals_passages.jsonl").read_text(encoding="utf-8").splitlines():
        for deal in json.loads(line)["deals"]:
            providers = {_norm(deal["provider"]), *map(_norm, deal["provider_aliases"])}
            customers = {_norm(deal["customer"]), *map(_norm, deal["customer_aliases"])}
            pairs |= {frozenset((p, c)) for p in providers for c in customers}
    restating = [
        item["id"]
        for item in training
        for deal in item["deals"]
        if frozenset((_norm(deal["provider"]), _norm(deal["customer"]))) in pairs
    ]
    assert not restating
