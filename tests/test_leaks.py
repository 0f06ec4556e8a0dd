"""The leak guard's rules (pipeline/leaks.py), with a stand-in for the sentence encoder."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pytest

from pipeline.extract.gazetteer import Gazetteer
from pipeline.leaks import Text, Vectorize, figures, find_leaks, runs
from pipeline.models import load_gazetteer


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return load_gazetteer()


def fixed(cosines: dict[tuple[str, str], float]) -> Vectorize:
    """A vectorizer whose cosines between named texts are given: each text a unit vector."""
    keys = sorted({k for pair in cosines for k in pair})
    dim = len(keys) + 1
    base = np.eye(dim, dtype=np.float32)

    def vectorize(texts: Sequence[Text]) -> npt.NDArray[np.float32]:
        rows = []
        for t in texts:
            v = base[keys.index(t.key)].copy() if t.key in keys else base[-1].copy()
            for (a, b), c in cosines.items():
                if t.key == b:  # b leans towards a by the given cosine
                    v = c * base[keys.index(a)] + np.sqrt(1 - c * c) * base[keys.index(b)]
            rows.append(v / np.linalg.norm(v))
        return np.array(rows, dtype=np.float32)

    return vectorize


def test_runs_normalise_digits_and_cover_han() -> None:
    assert runs("The lease runs 5 years at 2.5 billion dollars a year") & runs(
        "the lease runs 7 years at 9 billion dollars a year, they said"
    )
    zh = "公司与客户签订为期五年的算力租赁合同"
    assert runs(zh) & runs("据悉" + zh[:12] + "合同")
    assert not runs("short text") & runs("another short text")


def test_figures_are_one_across_languages_and_roundings() -> None:
    assert figures("a $1.25 billion contract") & figures("一份12.5亿美元的合同")
    assert not figures("a $1.25 billion contract") & figures("a $2.5 billion contract")


def test_a_shared_word_run_is_a_leak_whatever_the_vectors(gazetteer: Gazetteer) -> None:
    train = [Text("t1", "Honestly the backlog sits with two customers and that worries me", "en")]
    test = [Text("p1", "The backlog sits with two customers and that worries me a lot.", "en")]
    leaks = find_leaks(train, test, fixed({}), gazetteer)
    assert [(leak.train, leak.protected) for leak in leaks] == [("t1", "p1")]
    assert leaks[0].why.startswith("shares")


def test_close_vectors_leak_only_above_the_threshold(gazetteer: Gazetteer) -> None:
    train = [Text("t1", "Renting chips by the hour is a fragile business model.", "en")]
    test = [Text("p1", "租用算力按小时计费，这门生意很脆弱。", "zh")]
    assert find_leaks(train, test, fixed({("p1", "t1"): 0.8}), gazetteer)
    assert not find_leaks(train, test, fixed({("p1", "t1"): 0.5}), gazetteer)
    # The seeds are guarded closer.
    assert find_leaks(train, test, fixed({("p1", "t1"): 0.55}), gazetteer, leak_cosine=0.5)


def test_a_translated_figure_about_one_point_leaks(gazetteer: Gazetteer) -> None:
    train = [Text("t1", "Paying $4.2 billion a year for capacity is a lot for a startup.", "en")]
    test = [Text("p1", "一年花42亿美元买算力，对初创公司来说负担不小。", "zh")]
    near = fixed({("p1", "t1"): 0.4})
    assert find_leaks(train, test, near, gazetteer)
    other = [Text("p2", "一年花17亿美元买算力，对初创公司来说负担不小。", "zh")]
    assert not find_leaks(train, other, fixed({("p2", "t1"): 0.4}), gazetteer)


def test_unrelated_texts_do_not_leak(gazetteer: Gazetteer) -> None:
    train = [Text("t1", "Power, not chips, is what limits the next campus.", "en")]
    test = [Text("p1", "The stock fell after the company cut its guidance.", "en")]
    assert not find_leaks(train, test, fixed({("p1", "t1"): 0.2}), gazetteer)
