"""Paragraphs, bilingual lines, titles, speakers and language, on text written for these tests."""

from __future__ import annotations

import pytest

from pipeline.ingest.language import detect_lang
from pipeline.ingest.paragraphs import paragraphs, split_bilingual
from pipeline.ingest.speakers import is_transcript, split_turns
from pipeline.ingest.title import find_title

EN_PARA = (
    "CoreWeave signed a five-year agreement to supply Meta with 14 billion dollars "
    "of capacity. The contract starts next quarter."
)
ZH_PARA = (
    "CoreWeave 与 Meta 签署了一份为期五年的协议,提供价值 140 亿美元的算力。合同将于下季度开始。"
)


def test_blank_lines_separate_paragraphs_and_each_line_stands_alone() -> None:
    text = "Title line\n\nFirst paragraph.\nSecond line is its own paragraph.\n\n\nLast."
    assert paragraphs(text) == [
        "Title line",
        "First paragraph.",
        "Second line is its own paragraph.",
        "Last.",
    ]


def test_hard_wrapped_paragraphs_are_joined() -> None:
    text = (
        "Nebius agreed to rent a large cluster of accelerators to a\n"
        "model developer for several years, the companies said on\n"
        "Tuesday in a joint statement.\n\n"
        "数据中心位于芬兰南部的一个工业园区,预计明年第二季度正式投入\n"
        "使用,整个园区的规划容量为三百兆瓦,首期将部署约两万块图形处理\n"
        "器。"
    )
    assert paragraphs(text) == [
        "Nebius agreed to rent a large cluster of accelerators to a model developer for "
        "several years, the companies said on Tuesday in a joint statement.",
        "数据中心位于芬兰南部的一个工业园区,预计明年第二季度正式投入使用,"
        "整个园区的规划容量为三百兆瓦,首期将部署约两万块图形处理器。",
    ]


def test_english_then_chinese_on_one_line_becomes_two_segments() -> None:
    assert split_bilingual(f"{EN_PARA} {ZH_PARA}") == [EN_PARA, ZH_PARA]
    assert split_bilingual(f"{ZH_PARA}{EN_PARA}") == [ZH_PARA, EN_PARA]


def test_mixed_sentences_are_not_split() -> None:
    mixed = "The startup, known in China as 月之暗面, rents its GPUs from a local cloud."
    assert split_bilingual(mixed) == [mixed]
    assert split_bilingual(ZH_PARA) == [ZH_PARA]
    assert split_bilingual(EN_PARA) == [EN_PARA]


def test_repeated_title_collapses_and_translated_title_is_kept() -> None:
    paras = [
        "Oracle rents out Abilene",
        "Oracle rents out Abilene",
        "甲骨文出租阿比林园区",
        EN_PARA,
    ]
    block = find_title(paras)
    assert block.title == "Oracle rents out Abilene"
    assert block.lines == ("Oracle rents out Abilene", "甲骨文出租阿比林园区")
    assert block.consumed == 3


def test_chinese_first_title_block_prefers_the_english_title() -> None:
    block = find_title(["甲骨文出租阿比林园区。", "Oracle rents out Abilene", ZH_PARA])
    assert block.title == "Oracle rents out Abilene"
    assert block.consumed == 2


def test_a_first_sentence_is_not_a_title() -> None:
    assert find_title([EN_PARA, ZH_PARA]).title is None
    assert find_title(["Oracle signed the lease on Monday.", EN_PARA]).title is None


def test_given_title_wins() -> None:
    block = find_title(["Lead paragraph without a title line.", EN_PARA], given="From metadata")
    assert (block.title, block.consumed) == ("From metadata", 0)


def test_speaker_turns_resolve_short_names_and_continue_unlabelled_paragraphs() -> None:
    paras = [
        "This week Maria Chen and Tom Okafor discussed the Nebius deal.",
        "Maria Chen: The pricing looks aggressive to me.",
        "Tom Okafor：I disagree, it is in line with the market.",
        "Maria: Then why did the stock fall?",
        "Maria：那为什么股价下跌了?",
        "Because investors wanted a longer contract.",
        "Tom: Fair point.",
    ]
    turns = split_turns(paras)
    assert [t.speaker for t in turns] == [
        None,
        "Maria Chen",
        "Tom Okafor",
        "Maria Chen",
        "Maria Chen",
        "Maria Chen",
        "Tom Okafor",
    ]
    assert turns[1].text == "The pricing looks aggressive to me."
    assert is_transcript(turns)


def test_metadata_labels_are_not_speakers() -> None:
    paras = [
        "Source: Example Wire",
        "Note: figures are rounded.",
        EN_PARA,
        "原始链接: https://e.org/x",
    ]
    turns = split_turns(paras)
    assert all(t.speaker is None for t in turns)
    assert not is_transcript(turns)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("xAI 正在成为一家新云公司", "zh"),
        ("Kirsten:你可以对此持积极态度", "zh"),
        ("甲骨文將向新創公司出租三萬塊 GPU", "zh"),
        ("The deal is worth $1.25bn a month.", "en"),
        ("Topics", "en"),
        ("- Evaluate excess compute for potential revenue streams.", "en"),
        ("Le centre de données sera entièrement loué à Anthropic pour un milliard.", "fr"),
        ("Das Rechenzentrum wird vollständig an Anthropic vermietet, sagte das Unternehmen.", "de"),
        ("データセンターはアンソロピックに貸し出される", "ja"),
        ("300MW", "en"),
        ("2026", None),
        ("https://example.org/x", None),
    ],
)
def test_detect_lang(text: str, lang: str | None) -> None:
    assert detect_lang(text) == lang
