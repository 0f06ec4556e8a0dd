"""The argument index: a memory-mapped base and a small delta, merged once the delta is large."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from pipeline.stance import index as index_module
from pipeline.stance.index import ClaimIndex, index_path


def _vectors(n: int, seed: int = 0) -> np.ndarray:
    v = np.random.default_rng(seed).normal(size=(n, 16)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_claims_saved_in_the_delta_are_found_after_reopening(tmp_path: Path) -> None:
    path = index_path(tmp_path / "s.duckdb")
    vectors = _vectors(50)
    index = ClaimIndex(path)
    index.add(list(range(1, 51)), vectors)
    index.save()
    again = ClaimIndex.open(path)
    assert len(again) == 50 and again.newest() == 50
    key, similarity = again.search(vectors[9], 3)[0]
    assert key == 10 and similarity == pytest.approx(1.0, abs=0.02)


def test_a_large_delta_is_merged_into_the_base(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(index_module, "_MERGE_AT", 30)
    path = index_path(tmp_path / "s.duckdb")
    vectors = _vectors(100)
    index = ClaimIndex(path)
    index.add(list(range(1, 41)), vectors[:40])
    index.save()  # 40 >= 30: merged into the base
    assert path.exists() and not index_module._delta_path(path).exists()
    index = ClaimIndex.open(path)
    index.add(list(range(41, 51)), vectors[40:50])
    index.save()  # 10 < max(30, 40 // 4): a delta beside the base
    assert index_module._delta_path(path).exists()
    index = ClaimIndex.open(path)
    assert len(index) == 50 and index.newest() == 50
    assert {k for k, _ in index.search(vectors[45], 1)} == {46}
    assert {k for k, _ in index.search(vectors[5], 1)} == {6}


def test_clearing_removes_the_files_when_saved(tmp_path: Path) -> None:
    path = index_path(tmp_path / "s.duckdb")
    index = ClaimIndex(path)
    index.add([1, 2], _vectors(2))
    index.save()
    index = ClaimIndex.open(path)
    index.clear()
    index.add([7], _vectors(1, seed=1))
    index.save()
    again = ClaimIndex.open(path)
    assert len(again) == 1 and again.newest() == 7
