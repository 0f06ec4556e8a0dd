"""Entities on text written for these tests: gazetteer, user extensions, cross-language names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from spacy.language import Language

from pipeline.errors import NeocloudError
from pipeline.extract import gazetteer
from pipeline.extract.gazetteer import canonical_form, load
from pipeline.extract.pipelines import build_pipeline
from pipeline.flow import build_documents
from pipeline.models import Models, load_gazetteer
from pipeline.records import RawDocument


def _names(nlp: Language, text: str) -> list[tuple[str, str, str]]:
    return [(e.text, e.label_, e.kb_id_) for e in nlp(text).ents]


def test_gazetteer_corrects_the_small_english_model(models: Models) -> None:
    names = _names(models.nlp("en"), "Anthropic will rent all of Colossus 1 from xAI in Memphis.")
    assert ("Anthropic", "ORG", "Anthropic") in names
    assert ("Colossus 1", "FAC", "Colossus 1") in names
    assert ("Memphis", "GPE", "Memphis") in names


def test_chinese_names_from_gazetteer_and_lac(models: Models) -> None:
    names = _names(
        models.nlp("zh"), "微软与甲骨文公司签署协议，黄仁勋出席了在得克萨斯州举行的仪式。"
    )
    assert ("微软", "ORG", "Microsoft") in names
    # jieba keeps 甲骨文公司 as one word; its canonical name is still Oracle.
    assert any(text.startswith("甲骨文") and name == "Oracle" for text, _, name in names)
    assert ("黄仁勋", "PERSON", "Jensen Huang") in names
    assert ("得克萨斯州", "GPE", "Texas") in names


@pytest.mark.parametrize(
    ("text", "canonical"),
    [("the Nvidia Corp.", "Nvidia"), ("Nscale Ltd", "Nscale"), ("“Crusoe”", "Crusoe"),
     ("Fluidstack's", "Fluidstack"), ("某某科技有限公司", "某某科技")],
)  # fmt: skip
def test_canonical_form_merges_trivial_variants(text: str, canonical: str) -> None:
    assert canonical_form(text) == canonical


def test_users_extend_the_gazetteer_without_touching_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    extra = tmp_path / "mine.jsonl"
    entry = {
        "canonical": "Fluidstack",
        "label": "ORG",
        "en": ["Fluidstack"],
        "zh": ["弗卢德斯塔克"],
    }
    extra.write_text(json.dumps(entry, ensure_ascii=False) + "\n", encoding="utf-8")
    monkeypatch.setenv(gazetteer.GAZETTEER_ENV, str(extra))
    nlp = build_pipeline("zh", load_gazetteer())
    assert ("弗卢德斯塔克", "ORG", "Fluidstack") in _names(nlp, "弗卢德斯塔克将向客户出租算力。")


def test_a_missing_user_gazetteer_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(gazetteer.GAZETTEER_ENV, str(tmp_path / "none.jsonl"))
    with pytest.raises(NeocloudError, match="names a missing file"):
        load_gazetteer()


def test_a_bad_gazetteer_line_says_where_and_what(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"canonical": "X"}\n', encoding="utf-8")
    with pytest.raises(NeocloudError, match=r"bad\.jsonl:1: bad gazetteer entry"):
        load([bad])


def test_a_translation_takes_the_english_names_the_gazetteer_does_not_know(
    models: Models,
) -> None:
    raw = RawDocument(
        "t.txt",
        "Mustafa Suleyman said the new campus would open in Texas next spring.\n\n"
        "穆斯塔法·苏莱曼表示，新园区将于明年春天在得克萨斯州开放。",
    )
    (doc,) = build_documents([raw], models)
    assert doc.segments[1].translation_of == 0
    zh = {(e.text, e.canonical) for e in doc.entities if e.seg_no == 1}
    assert ("穆斯塔法·苏莱曼", "Mustafa Suleyman") in zh
    assert ("得克萨斯州", "Texas") in zh


def test_short_names_take_the_full_name_used_elsewhere_in_the_document(models: Models) -> None:
    raw = RawDocument(
        "s.txt",
        "Maria Chen runs the infrastructure fund at Northwind Capital.\n\n"
        "Later, Chen said the price of the lease was fair.",
    )
    (doc,) = build_documents([raw], models)
    later = {(e.text, e.canonical) for e in doc.entities if e.seg_no == 1}
    assert ("Chen", "Maria Chen") in later


def test_a_known_name_inside_a_longer_chinese_word_keeps_its_edges(models: Models) -> None:
    names = _names(models.nlp("zh"), "本次合同涉及的算力设备为英伟达H800服务器。")
    assert ("英伟达", "ORG", "Nvidia") in names


def test_a_registered_chinese_name_and_its_short_form_are_one_organization(
    models: Models,
) -> None:
    raw = RawDocument(
        "r.txt",
        "星澜数据与深圳市远岫智能科技有限公司签署合同。\n\n根据合同，星澜数据将为远岫智能提供算力服务。",
    )
    (doc,) = build_documents([raw], models)
    orgs = {(e.text, e.canonical) for e in doc.entities if e.label == "ORG"}
    assert ("深圳市远岫智能科技有限公司", "远岫智能") in orgs
    assert ("远岫智能", "远岫智能") in orgs
