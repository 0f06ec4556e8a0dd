"""Deal summaries: figures right and cited, in both languages, stable, updated with changes."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import duckdb
import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.flow import ingest
from pipeline.models import Models
from pipeline.summarize import numbers
from pipeline.summarize.run import Summary, summarize
from tests.conftest import DATA

ANTHROPIC = "xai-anthropic-compute-lease"
GOOGLE = "xai-google-compute-lease"
PODCAST = "We’re feeling cynical about xAI’s big deal with Anthropic"
BLOG = "xAI is looking more like a datacentre REIT than a frontier lab"
# "3. *Title* (article, doc 666c…), segment 14: “…”", or in Chinese
# "3. 《Title》（文章，文档 666c…）第 14 段：“…”"
_REFERENCE = re.compile(
    r"^(\d+)\. [*《](.+?)[*》] ?[(（].*?(?:doc|文档) (\w+)[)）],? ?"
    r"(?:segment (\d+)|第 (\d+) 段)[:：]? ?“(.*)”$",
    re.M,
)


@pytest.fixture()
def store(seed_db: Path, tmp_path: Path) -> Path:
    """A copy of the seed store this test may write to."""
    db = tmp_path / "seeds.duckdb"
    shutil.copy(seed_db, db)
    return db


@pytest.fixture(scope="module")
def seed_summaries(seed_db: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[Any, str]:
    db = tmp_path_factory.mktemp("summaries") / "seeds.duckdb"
    shutil.copy(seed_db, db)
    return {(s.deal_id, s.lang): s.text for s in summarize(db)}


def _section(text: str, heading: str) -> str:
    """The text under a Markdown heading, up to the next heading of the same or a higher level."""
    level = heading.split(" ")[0]
    start = text.index(heading)
    rest = text[start + len(heading) :]
    ends = [m.start() for m in re.finditer(rf"^#{{1,{len(level)}}} ", rest, re.M)]
    return rest[: ends[0]] if ends else rest


def _references(text: str) -> dict[int, tuple[str, str, int, str]]:
    """Reference number -> (title, doc_id, segment, quote)."""
    return {int(m[1]): (m[2], m[3], int(m[4] or m[5]), m[6]) for m in _REFERENCE.finditer(text)}


def test_every_seed_deal_has_a_summary_in_both_languages(
    seed_summaries: dict[Any, str], gold: dict[str, Any]
) -> None:
    assert len(gold["deals"]) == 3
    assert {deal for deal, _ in seed_summaries} == {ANTHROPIC, GOOGLE, "xai-spacex-acquisition"}
    assert {lang for _, lang in seed_summaries} == {"en", "zh"}


@pytest.mark.parametrize(
    "lang,figures",
    [
        (
            "en",
            ["about 300 MW [", "about 220,000 GPUs [", "$1.25bn a month [", "90 days' notice ["],
        ),
        (
            "zh",
            ["约 300 兆瓦[", "约 22 万块 GPU[", "每月 12.5 亿美元[", "90 天[", "田纳西州孟菲斯["],
        ),
    ],
)
def test_anthropic_figures_are_written_in_the_language_and_cited(
    seed_summaries: dict[Any, str], lang: str, figures: list[str]
) -> None:
    deal = _section(
        seed_summaries[ANTHROPIC, lang], "## 交易概况" if lang == "zh" else "## The deal"
    )
    for figure in figures:
        assert figure in deal, (figure, deal)
    if lang == "zh":
        assert not re.search(r"\$|bn\b|mn\b|\bMW\b", deal.split("“")[0])


def _check_references(text: str, db: Path) -> int:
    """Every [n] has a reference, and every reference quotes words its segment has."""
    con = duckdb.connect(str(db), read_only=True)
    segments = {
        (title, doc_id, seg_no): segment
        for title, doc_id, seg_no, segment in con.execute(
            "SELECT coalesce(d.title, regexp_extract(d.path, '[^/]+$')), doc_id, s.seg_no, s.text "
            "FROM segments s JOIN documents d USING (doc_id)"
        ).fetchall()
    }
    con.close()
    references = _references(text)
    cited = {int(n) for n in re.findall(r"\[(\d+)\]", text)}
    assert cited == set(references), "a number cites nothing, or a reference is never cited"
    for title, doc_id, seg_no, quote in references.values():
        assert quote in segments[title, doc_id, seg_no], (title, doc_id, seg_no, quote)
    return len(references)


def test_every_reference_quotes_the_segment_it_names(
    seed_summaries: dict[Any, str], seed_db: Path
) -> None:
    assert sum(_check_references(text, seed_db) for text in seed_summaries.values()) > 20


def test_each_gold_figure_is_stated_with_its_source(
    seed_summaries: dict[Any, str], gold: dict[str, Any]
) -> None:
    """Each gold figure, written each language's way, followed by a reference number."""
    for deal in gold["deals"]:
        deal_id = next(
            d for d, _ in seed_summaries
            if deal["provider"].lower() in d and deal["customer"].lower() in d
        )  # fmt: skip
        en, zh = seed_summaries[deal_id, "en"], seed_summaries[deal_id, "zh"]
        expected = {
            "capacity_mw": (numbers.power_en, numbers.power_zh),
            "gpus": (
                lambda v: f"{numbers.count_en(v)} GPUs",
                lambda v: f"{numbers.gpus_zh(v)} GPU",
            ),
            "usd_per_month": (numbers.usd_en, numbers.usd_zh),
            "usd_total": (numbers.usd_en, numbers.usd_zh),
            "notice_days": (numbers.days_en, numbers.days_zh),
        }
        for name, (write_en, write_zh) in expected.items():
            if deal.get(name) is None:
                continue
            assert re.search(re.escape(write_en(deal[name])) + r"[^\[\n]{0,12}\[\d+\]", en), (
                deal_id,
                name,
            )
            assert re.search(re.escape(write_zh(deal[name])) + r"[^\[\n]{0,12}\[\d+\]", zh), (
                deal_id,
                name,
            )


def test_anthropic_summary_names_podcast_and_blog_arguments_of_both_stances(
    seed_summaries: dict[Any, str],
) -> None:
    text = seed_summaries[ANTHROPIC, "en"]
    references = _references(text)
    hosts = {"Sean O’Kane", "Kirsten Korosec", "Anthony Ha"}
    for stance in ("Skeptical", "Positive"):
        section = _section(text, f"### {stance}")
        bullets = [line for line in section.splitlines() if line.startswith("- ")]
        sources = {
            references[int(n)][0]: line for line in bullets for n in re.findall(r"\[(\d+)\]$", line)
        }
        assert PODCAST in sources and BLOG in sources, (stance, bullets)
        assert any(host in sources[PODCAST] for host in hosts), sources[PODCAST]


def test_a_second_run_changes_nothing(store: Path) -> None:
    first = summarize(store)
    second = summarize(store)
    assert all(s.status == "unchanged" for s in second)
    assert [s.text for s in first] == [s.text for s in second]


def _by_deal(summaries: list[Summary]) -> dict[tuple[str, str], Summary]:
    return {(s.deal_id, s.lang): s for s in summaries}


def test_a_new_document_changes_only_the_deals_it_touches(store: Path, models: Models) -> None:
    before = _by_deal(summarize(store))
    generated = dict(
        duckdb.connect(str(store), read_only=True)
        .execute("SELECT deal_id || lang, generated_at FROM summaries")
        .fetchall()
    )
    assert ingest([DATA / "updates" / "google-lease-term.en.txt"], store, models=models).failed == 0
    after = _by_deal(summarize(store))
    changed = {key for key, s in after.items() if s.status != "unchanged"}
    assert changed == {(GOOGLE, "en"), (GOOGLE, "zh")}
    for key in set(after) - changed:
        assert after[key].text == before[key].text
    con = duckdb.connect(str(store), read_only=True)
    for deal_id, lang, at in con.execute(
        "SELECT deal_id, lang, generated_at FROM summaries"
    ).fetchall():
        assert (at == generated[deal_id + lang]) == ((deal_id, lang) not in changed)
    en = _section(after[GOOGLE, "en"].text, "## What changed since the last summary")
    assert "New term: 3 years." in en
    assert "New source: *xAI’s Google lease runs three years*" in en.replace("'", "’")
    zh = _section(after[GOOGLE, "zh"].text, "## 自上次摘要以来的变化")
    assert "新增租期：3 年。" in zh


def test_a_new_deal_gets_its_summary_and_leaves_the_others(store: Path, models: Models) -> None:
    summarize(store)
    files = [
        DATA / "deals" / "oracle-openai-lease.en.txt",
        DATA / "deals" / "oracle-openai-lease.zh.txt",
    ]
    assert ingest(files, store, models=models).failed == 0
    after = summarize(store)
    new = [s for s in after if s.status == "new"]
    assert {s.lang for s in new} == {"en", "zh"} and len({s.deal_id for s in new}) == 1
    assert all(s.status == "unchanged" for s in after if s not in new)
    en = next(s.text for s in new if s.lang == "en")
    zh = next(s.text for s in new if s.lang == "zh")
    assert "Oracle leases Stargate" in en and "1.2 GW" in en and "400,000 GPUs" in en
    assert "1.2 吉瓦" in zh and "40 万块 GPU" in zh and "甲骨文" in zh and "得克萨斯州阿比林" in zh
    assert _check_references(en, store) > 5 and _check_references(zh, store) > 5


def test_summarize_command_prints_one_language_of_one_deal(store: Path) -> None:
    result = CliRunner().invoke(
        cli, ["summarize", "--db", str(store), "--deal", GOOGLE, "--lang", "zh"]
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith("# xAI 向谷歌出租算力")
    assert "## The deal" not in result.output


def test_summarize_command_writes_markdown_files(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "summaries"
    result = CliRunner().invoke(cli, ["summarize", "--db", str(store), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(
        f"{deal}.{lang}.md" for deal in (ANTHROPIC, GOOGLE, "xai-spacex-acquisition")
        for lang in ("en", "zh")
    )  # fmt: skip
    assert result.output.strip().endswith(
        "6 summaries in " + str(out) + ": 6 new, 0 changed, 0 unchanged"
    )


def test_summarize_unknown_deal_is_a_one_line_error(store: Path) -> None:
    result = CliRunner().invoke(cli, ["summarize", "--db", str(store), "--deal", "nope"])
    assert result.exit_code != 0
    assert "unknown deal 'nope'" in str(result.exception)


@pytest.mark.parametrize(
    "value,en,zh",
    [
        (1.25e9, "$1.25bn", "12.5 亿美元"),
        (9.2e8, "$920mn", "9.2 亿美元"),
        (2.5e11, "$250bn", "2500 亿美元"),
        (4.1667e6, "$4.17mn", "417 万美元"),
    ],
)
def test_money_in_each_language(value: float, en: str, zh: str) -> None:
    assert numbers.usd_en(value) == en
    assert numbers.usd_zh(value) == zh


def test_counts_power_and_days_in_chinese() -> None:
    assert numbers.gpus_zh(220_000) == "22 万块"
    assert numbers.gpus_zh(1_200) == "1,200 块"
    assert numbers.power_zh(300) == "300 兆瓦"
    assert numbers.power_zh(1_200) == "1.2 吉瓦"
    assert numbers.days_zh(90) == "90 天"
    assert numbers.days_zh(3 * 365.25) == "3 年"
    assert numbers.days_en(15 * 365.25) == "15 years"
