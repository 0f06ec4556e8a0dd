"""Readers and encodings, on small documents written for these tests."""

from __future__ import annotations

import codecs
import json
from datetime import date
from pathlib import Path

import pytest

from pipeline.errors import UnreadableFile
from pipeline.ingest.readers import find_files, read_file
from pipeline.records import RawDocument, ReadError

ZH_TRAD = "甲骨文將向新創公司出租三萬塊 GPU,每月價值約 4 億美元。"
ZH_SIMP = "甲骨文将向初创公司出租三万块 GPU,每月价值约 4 亿美元。"
EN = "Oracle will rent 30,000 GPUs to a startup for about $400 million a month."


def _one(path: Path) -> RawDocument:
    docs = read_file(path)
    assert len(docs) == 1 and isinstance(docs[0], RawDocument)
    return docs[0]


@pytest.mark.parametrize(
    ("encoding", "text"),
    [
        ("utf-8", ZH_SIMP),
        ("utf-8-sig", ZH_SIMP),
        ("utf-16", ZH_SIMP),
        ("gb18030", ZH_SIMP),
        ("gbk", ZH_SIMP + " 这笔交易预计下个季度完成,双方均未披露更多细节。"),
        ("big5", ZH_TRAD + " 這筆交易預計下個季度完成,雙方均未披露更多細節。"),
    ],
)
def test_text_encodings_are_detected(tmp_path: Path, encoding: str, text: str) -> None:
    path = tmp_path / "deal.txt"
    path.write_bytes(text.encode(encoding))
    assert _one(path).text.strip() == text


def test_latin1_european_text_is_read(tmp_path: Path) -> None:
    text = "Le centre de données sera loué à une société française, a déclaré l'opérateur."
    path = tmp_path / "fr.txt"
    path.write_bytes(text.encode("cp1252"))
    assert _one(path).text == text


def test_utf8_bom_is_dropped(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(codecs.BOM_UTF8 + EN.encode())
    assert _one(path).text == EN


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"   \n\n ", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (bytes(range(1, 32)) * 20, "binary"),
        (bytes((i * 37) % 128 + 128 for i in range(400)), "not UTF-8, GB18030/GBK or Big5"),
    ],
)
def test_unreadable_files_raise_with_reason(tmp_path: Path, data: bytes, reason: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    with pytest.raises(UnreadableFile, match=reason):
        read_file(path)


def test_unsupported_suffix_names_the_supported_ones(tmp_path: Path) -> None:
    path = tmp_path / "deal.pdf"
    path.write_bytes(b"%PDF-1.4")
    with pytest.raises(UnreadableFile, match=r"unsupported file type \.pdf.*\.txt"):
        read_file(path)


def test_markdown_title_front_matter_and_wrapped_paragraphs(tmp_path: Path) -> None:
    path = tmp_path / "note.md"
    path.write_text(
        "---\nurl: https://example.org/oracle-lease\npublisher: Example Wire\n"
        "date: 2026-05-04\n---\n"
        "# Oracle rents out a Texas campus\n\n"
        "Oracle will rent **30,000 GPUs** to a startup\nfor about $400 million a month.\n\n"
        "- The lease runs for\n  three years.\n- Either side can cancel.\n\n"
        "甲骨文将向初创公司\n出租三万块 GPU。\n",
        encoding="utf-8",
    )
    doc = _one(path)
    assert doc.title == "Oracle rents out a Texas campus"
    assert doc.source_url == "https://example.org/oracle-lease"
    assert doc.publisher == "Example Wire"
    assert doc.published_on == date(2026, 5, 4)
    assert doc.one_paragraph_per_line
    assert doc.text.split("\n\n") == [
        "Oracle rents out a Texas campus",
        "Oracle will rent 30,000 GPUs to a startup for about $400 million a month.",
        "The lease runs for three years.",
        "Either side can cancel.",
        "甲骨文将向初创公司出租三万块 GPU。",
    ]


def test_html_main_text_and_metadata_via_trafilatura(tmp_path: Path) -> None:
    filler = " ".join(["The campus draws power from a new substation next to the site."] * 3)
    html = f"""<!doctype html><html lang="en"><head>
    <title>Oracle rents out a Texas campus | Example Wire</title>
    <meta property="og:site_name" content="Example Wire">
    <meta property="og:url" content="https://example.org/oracle-lease">
    <meta property="article:published_time" content="2026-05-04T08:00:00Z">
    </head><body>
    <nav><a href="/">Home</a> <a href="/tech">Tech</a> <a href="/deals">Deals</a></nav>
    <article><h1>Oracle rents out a Texas campus</h1>
    <p>{EN} The deal makes Oracle one of the largest landlords of AI compute.</p>
    <p>{filler}</p>
    </article>
    <footer>Copyright Example Wire. All rights reserved. Subscribe to our newsletter.</footer>
    </body></html>"""
    path = tmp_path / "page.html"
    path.write_text(html, encoding="utf-8")
    doc = _one(path)
    assert doc.title == "Oracle rents out a Texas campus"
    assert doc.publisher == "Example Wire"
    assert doc.source_url == "https://example.org/oracle-lease"
    assert doc.published_on == date(2026, 5, 4)
    assert EN in doc.text
    assert "Subscribe" not in doc.text and "Home" not in doc.text


def test_json_object_and_list(tmp_path: Path) -> None:
    one = tmp_path / "one.json"
    one.write_text(
        json.dumps({"text": EN, "title": "Oracle lease", "url": "https://e.org/a"}),
        encoding="utf-8",
    )
    doc = _one(one)
    assert (doc.text, doc.title, doc.source_url, doc.path) == (
        EN,
        "Oracle lease",
        "https://e.org/a",
        str(one),
    )
    many = tmp_path / "many.json"
    many.write_text(json.dumps([{"text": EN}, {"text": ZH_SIMP, "publisher": "某媒体"}]))
    docs = read_file(many)
    assert [d.path for d in docs] == [f"{many}#0", f"{many}#1"]
    assert isinstance(docs[1], RawDocument) and docs[1].publisher == "某媒体"


def test_jsonl_bad_record_is_an_error_for_that_record_only(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text(
        "\n".join(
            [
                json.dumps({"text": EN, "published": "2026-05-04T10:00:00Z"}),
                "{not json",
                json.dumps({"title": "no text here"}),
                json.dumps({"content": ZH_SIMP}),
            ]
        ),
        encoding="utf-8",
    )
    docs = read_file(path)
    assert [type(d).__name__ for d in docs] == [
        "RawDocument",
        "ReadError",
        "ReadError",
        "RawDocument",
    ]
    good = docs[0]
    assert isinstance(good, RawDocument) and good.published_on == date(2026, 5, 4)
    bad = docs[2]
    assert isinstance(bad, ReadError) and "no text" in bad.reason and bad.path.endswith("#3")


def test_invalid_json_file_raises(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"text": ', encoding="utf-8")
    with pytest.raises(UnreadableFile, match="invalid JSON"):
        read_file(path)


def test_find_files_walks_folders_in_order_and_skips_other_types(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    for name in ("b/2.md", "1.txt", "b/skip.png", "3.jsonl"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    found = [p.relative_to(tmp_path).as_posix() for p in find_files([tmp_path])]
    assert found == ["1.txt", "3.jsonl", "b/2.md"]
    with pytest.raises(UnreadableFile, match="no such file"):
        list(find_files([tmp_path / "missing"]))
