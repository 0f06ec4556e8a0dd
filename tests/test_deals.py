"""Deals beyond the seeds: our own documents in both languages (tests/data/deals/).

Two documents report the Oracle-OpenAI lease with different rounding ($1.12
billion a month / 约 11 亿美元), a third gives a conflicting GPU count (450,000
against roughly 400,000 and 约 40 万); a Chinese document states an acquisition
and a lease priced per year; investments, a hardware supply deal and a lease
stated as 达成合作…提供 follow; sentences with figures but no deal, and a
generic description of the neocloud model, add nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.consolidate import Mention, StatedFigure, consolidate
from pipeline.flow import ingest
from pipeline.models import Models

DEALS = Path(__file__).resolve().parent / "data" / "deals"


@pytest.fixture(scope="module")
def deals_db(tmp_path_factory: pytest.TempPathFactory, models: Models) -> Path:
    db = tmp_path_factory.mktemp("deals") / "deals.duckdb"
    assert ingest([DEALS], db, models=models).failed == 0
    return db


def _rows(db: Path) -> dict[str, dict[str, Any]]:
    con = duckdb.connect(str(db), read_only=True)
    cur = con.execute("SELECT * FROM deals")
    names = [d[0] for d in cur.description]
    rows = {r[0]: dict(zip(names, r, strict=True)) for r in cur.fetchall()}
    con.close()
    return rows


def test_the_stated_deals_and_no_others(deals_db: Path) -> None:
    assert set(_rows(deals_db)) == {
        "oracle-openai-compute-lease",
        "lambda-tencent-acquisition",
        "oracle-bytedance-compute-lease",
        "openai-microsoft-investment",
        "openai-softbank-investment",
        "nvidia-xai-supply",
        "coreweave-meta-compute-lease",
        "xai-google-compute-lease",
    }


@pytest.mark.parametrize(
    ("deal_id", "field", "value"),
    [
        ("openai-microsoft-investment", "usd_total", 1e10),
        ("openai-softbank-investment", "usd_total", 4e10),
        ("nvidia-xai-supply", "gpus", 1e5),
        ("coreweave-meta-compute-lease", "usd_total", 1.42e10),
        ("coreweave-meta-compute-lease", "term_days", 6 * 365.25),
        ("xai-google-compute-lease", "site", "Colossus 2"),
    ],
)
def test_investments_supply_and_chinese_partnership(
    deals_db: Path, deal_id: str, field: str, value: object
) -> None:
    assert _rows(deals_db)[deal_id][field] == value


def test_same_lease_in_two_languages_with_different_rounding_is_one_deal(deals_db: Path) -> None:
    deal = _rows(deals_db)["oracle-openai-compute-lease"]
    assert (deal["provider"], deal["customer"]) == ("Oracle", "OpenAI")
    assert (deal["site"], deal["location"]) == ("Stargate", "Abilene, Texas")
    assert deal["usd_per_month"] == 1.12e9  # the exact figure wins over 约 11 亿美元
    assert deal["capacity_mw"] == 1200
    assert deal["term_days"] == 15 * 365.25
    assert deal["notice_days"] == 180
    assert (deal["sources"], deal["documents"]) == (3, 3)


def test_conflicting_figure_is_surfaced_not_overwritten(deals_db: Path) -> None:
    deal = _rows(deals_db)["oracle-openai-compute-lease"]
    assert deal["gpus"] == 400_000  # two sources against one
    assert deal["conflicts"] == ["gpus"]
    con = duckdb.connect(str(deals_db), read_only=True)
    rows = con.execute(
        "SELECT value, text, chosen FROM deal_conflicts WHERE deal_id = ? ORDER BY text",
        ["oracle-openai-compute-lease"],
    ).fetchall()
    con.close()
    assert rows == [
        ("450000", "450,000 GPUs", False),
        ("400000", "roughly 400,000 GPUs", True),
        ("400000", "约 40 万块 GPU", True),
    ]


def test_chinese_acquisition_and_yearly_lease(deals_db: Path) -> None:
    rows = _rows(deals_db)
    bought = rows["lambda-tencent-acquisition"]
    assert (bought["provider"], bought["customer"], bought["usd_total"]) == (
        "Lambda",
        "Tencent",
        3e9,
    )
    lease = rows["oracle-bytedance-compute-lease"]
    assert lease["usd_per_month"] == pytest.approx(6e8 / 12)
    assert lease["term_days"] == 3 * 365.25
    assert lease["location"] == "Johor, Malaysia"


def test_deals_command_prints_a_readable_table(deals_db: Path) -> None:
    result = CliRunner().invoke(cli, ["deals", "--db", str(deals_db)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split()[:3] == ["deal", "kind", "provider"]
    openai = next(line for line in lines if line.startswith("oracle-openai"))
    for cell in ("Oracle -> OpenAI", "Stargate", "1.2 GW", "400k", "$1.12bn", "15 years",
                 "180 days", "3 (3 docs)", "gpus"):  # fmt: skip
        assert cell in openai


def _mention(doc: str, kind: str = "compute_lease") -> Mention:
    return Mention(f"{doc}:0", doc, 0, kind, "Nebius", "Microsoft", None, None)


def _fig(doc: str, value: float, bound: str = "=", field: str = "gpus") -> StatedFigure:
    return StatedFigure(f"{doc}:0", field, f"f-{doc}", doc, 0, value, bound, str(value))


def test_consolidate_counts_a_derived_copy_with_its_original() -> None:
    deals, _ = consolidate(
        [_mention("a"), _mention("b"), _mention("c")],
        [_fig("a", 100_000), _fig("b", 100_000), _fig("c", 99_000, "~")],
        roots={"a": "a", "b": "a", "c": "c"},
    )
    assert len(deals) == 1
    assert (deals[0].sources, deals[0].documents) == (2, 3)
    assert deals[0].values["gpus"] == 100_000 and deals[0].conflicts == ()


def test_consolidate_prefers_the_value_more_independent_sources_state() -> None:
    deals, evidence = consolidate(
        [_mention("a"), _mention("b"), _mention("c")],
        [_fig("a", 50_000), _fig("b", 50_000, "~"), _fig("c", 80_000)],
        roots={"a": "a", "b": "b", "c": "c"},
    )
    assert deals[0].values["gpus"] == 50_000
    assert deals[0].conflicts == ("gpus",)
    assert {(e.value, e.chosen) for e in evidence if e.field == "gpus"} == {
        ("50000", True),
        ("80000", False),
    }


def test_consolidate_lower_bounds_are_evidence_not_values() -> None:
    deals, evidence = consolidate(
        [_mention("a")],
        [_fig("a", 2e9, ">", "usd_per_month")],
        roots={"a": "a"},
    )
    assert deals[0].values["usd_per_month"] is None
    assert [e.field for e in evidence if e.figure_id] == ["usd_per_month"]


def test_a_deal_takes_the_status_most_of_its_mentions_give() -> None:
    from pipeline.consolidate import deal_status

    assert deal_status(["rumoured", "reported", "reported"]) == "reported"
    assert deal_status(["rumoured", "announced"]) == "announced"  # a tie: the firmer word
    assert deal_status(["announced", "ended", "ended"]) == "ended"
    assert deal_status([]) == "announced"


def test_every_stored_deal_has_a_status(deals_db: Path) -> None:
    assert {r["status"] for r in _rows(deals_db).values()} <= {
        "announced", "reported", "rumoured", "ended",
    }  # fmt: skip


@pytest.mark.parametrize(
    "text",
    [
        "Will Orbital Cloud rent more GPUs to Nimbus Labs next year?",
        "Orbital Cloud 会不会把算力出租给 Nimbus Labs？",
        "Orbital Cloud 會把算力出租給 Nimbus Labs 嗎？",
    ],
)
def test_a_question_states_no_deal(text: str, models: Models) -> None:
    from pipeline.flow import build_documents
    from pipeline.records import RawDocument

    (doc,) = build_documents([RawDocument("q.txt", text)], models)
    assert doc.deal_mentions == ()
