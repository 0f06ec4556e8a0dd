"""Translation pairing on layouts written for these tests."""

from __future__ import annotations

import pytest

from pipeline.ingest.language import detect_lang
from pipeline.ingest.translation import pair_translations, plausible_length
from pipeline.models import Models

EN = [
    "Oracle has agreed to rent its new Abilene campus to a model developer for three years.",
    "The campus will draw about 1.2 GW once the last building opens next summer.",
    "Analysts said the price, roughly $2 per GPU-hour, was below what hyperscalers charge.",
]
ZH = [
    "甲骨文已同意将其新建的阿比林园区出租给一家模型开发商,租期三年。",
    "最后一栋楼明年夏天投入使用后,该园区的用电量将达到约 1.2 吉瓦。",
    "分析师表示,每 GPU 小时约 2 美元的价格低于超大规模云厂商的收费。",
]
UNRELATED_EN = "The company also announced a new chief financial officer on Friday."


@pytest.fixture(autouse=True)
def _models(models: Models) -> None:
    global _MODELS
    _MODELS = models


_MODELS: Models | None = None


def _pairs(texts: list[str]) -> dict[int, int]:
    """Pairs as the runner finds them: one-sentence segments in the similarity space."""
    assert _MODELS is not None
    langs = [detect_lang(t) or "en" for t in texts]
    vectors = _MODELS.space.centred(_MODELS.encoder.encode(texts), langs)
    return pair_translations(langs, texts, vectors)


def test_interleaved_paragraphs_pair_with_their_neighbours() -> None:
    texts = [EN[0], ZH[0], EN[1], ZH[1], EN[2], ZH[2]]
    assert _pairs(texts) == {1: 0, 3: 2, 5: 4}


def test_english_block_then_chinese_block_pairs_in_order() -> None:
    assert _pairs(EN + ZH) == {3: 0, 4: 1, 5: 2}


def test_chinese_first_marks_the_english_as_the_translation() -> None:
    assert _pairs([ZH[0], EN[0]]) == {1: 0}


def test_untranslated_paragraph_in_between_is_left_alone() -> None:
    texts = [EN[0], ZH[0], UNRELATED_EN, EN[1], ZH[1]]
    assert _pairs(texts) == {1: 0, 4: 3}


def test_chinese_summary_of_an_english_text_is_not_a_translation() -> None:
    summary = (
        "甲骨文出租阿比林园区:租期三年、约 1.2 吉瓦、价格低于同行。分析人士认为这笔交易"
        "说明算力租赁市场竞争加剧,但也提醒租约较短、客户集中度高,未来续约存在不确定性,"
        "而且园区建设进度和电力供应都可能影响收入确认的节奏,投资者应保持谨慎。"
    )
    assert _pairs([*EN, summary]) == {}


def test_one_language_has_no_pairs() -> None:
    assert _pairs(EN) == {}
    assert _pairs(ZH) == {}


def test_length_ratio_rejects_a_long_chinese_text_for_a_short_english_one() -> None:
    assert plausible_length(EN[0], ZH[0], "zh")
    assert not plausible_length("Oracle rents out Abilene.", ZH[0] * 4, "zh")
