"""Seed deals and entities against the gold file."""

from __future__ import annotations

from typing import Any

import duckdb
import pytest

from tests.conftest import doc_id_of

_GOLD_KIND = {"compute lease": "compute_lease", "acquisition": "acquisition"}
_FIELDS = ("capacity_mw", "gpus", "usd_per_month", "usd_total", "notice_days")


def _deals(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str, str], dict[str, Any]]:
    cur = con.execute("SELECT * FROM deals")
    names = [d[0] for d in cur.description]
    rows = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    return {(r["kind"], r["provider"], r["customer"]): r for r in rows}


def _key(deal: dict[str, Any]) -> tuple[str, str, str]:
    return (_GOLD_KIND[deal["kind"]], deal["provider"], deal["customer"])


def test_exactly_the_gold_deals(seed_con: duckdb.DuckDBPyConnection, gold: dict[str, Any]) -> None:
    assert set(_deals(seed_con)) == {_key(d) for d in gold["deals"]}


@pytest.mark.parametrize("field", [*_FIELDS, "site", "location"])
def test_deal_fields_match_gold(
    seed_con: duckdb.DuckDBPyConnection, gold: dict[str, Any], field: str
) -> None:
    stored = _deals(seed_con)
    for deal in gold["deals"]:
        assert stored[_key(deal)][field] == deal.get(field), (deal["id"], field)


def test_deal_sources_are_the_gold_documents_and_derived_copies_count_once(
    seed_con: duckdb.DuckDBPyConnection, gold: dict[str, Any]
) -> None:
    stored = _deals(seed_con)
    derived = {d["file"]: d.get("derived_from") for d in gold["documents"]}
    for deal in gold["deals"]:
        row = stored[_key(deal)]
        docs = {
            r[0]
            for r in seed_con.execute(
                "SELECT DISTINCT doc_id FROM deal_evidence WHERE deal_id = ?", [row["deal_id"]]
            ).fetchall()
        }
        assert docs == {doc_id_of(seed_con, f) for f in deal["sources"]}, deal["id"]
        independent = {derived[f] or f for f in deal["sources"]}
        assert row["sources"] == len(independent), deal["id"]


def test_evidence_points_at_segments_in_both_languages(
    seed_con: duckdb.DuckDBPyConnection,
) -> None:
    rows = seed_con.execute(
        """
        SELECT e.deal_id, list(DISTINCT s.lang ORDER BY s.lang)
        FROM deal_evidence e JOIN segments s USING (doc_id, seg_no)
        GROUP BY e.deal_id
        """
    ).fetchall()
    assert {deal: langs for deal, langs in rows} == {
        "xai-anthropic-compute-lease": ["en", "zh"],
        "xai-google-compute-lease": ["en", "zh"],
        "xai-spacex-acquisition": ["en", "zh"],
    }


def test_every_figure_value_is_traceable_to_the_text_that_states_it(
    seed_con: duckdb.DuckDBPyConnection,
) -> None:
    rows = seed_con.execute(
        """
        SELECT e.field, e.text, s.text, f.deal_id = e.deal_id OR f.deal_id IS NULL
        FROM deal_evidence e JOIN figures f USING (figure_id)
        JOIN segments s ON s.doc_id = e.doc_id AND s.seg_no = e.seg_no
        """
    ).fetchall()
    assert rows
    for field, figure_text, segment_text, owned in rows:
        assert figure_text in segment_text, field
        assert owned


def test_combined_figure_is_evidence_for_both_leases_but_sets_neither(
    seed_con: duckdb.DuckDBPyConnection,
) -> None:
    rows = seed_con.execute(
        "SELECT deal_id, chosen FROM deal_evidence WHERE field = 'combined_usd_per_month'"
    ).fetchall()
    assert sorted(rows) == [
        ("xai-anthropic-compute-lease", False),
        ("xai-google-compute-lease", False),
    ]


def test_every_gold_entity_is_found_where_its_aliases_occur(
    seed_con: duckdb.DuckDBPyConnection, gold: dict[str, Any]
) -> None:
    docs = seed_con.execute("SELECT doc_id FROM documents").fetchall()
    missing = []
    checked = 0
    for canonical, aliases in gold["entities"]["canonical"].items():
        for (doc_id,) in docs:
            text = "\n".join(
                r[0]
                for r in seed_con.execute(
                    "SELECT text FROM segments WHERE doc_id = ?", [doc_id]
                ).fetchall()
            )
            if not any(alias in text for alias in aliases):
                continue
            checked += 1
            found = seed_con.execute(
                "SELECT count(*) FROM entities WHERE doc_id = ? AND canonical = ?",
                [doc_id, canonical],
            ).fetchone()
            if found == (0,):
                missing.append((canonical, doc_id))
    assert checked > 40
    assert missing == []


@pytest.mark.parametrize(
    ("alias", "canonical"),
    [("谷歌", "Google"), ("孟菲斯", "Memphis"), ("田纳西州", "Tennessee"), ("马斯克", "Elon Musk"),
     ("英伟达", "Nvidia"), ("扎克伯格", "Mark Zuckerberg"), ("Claude 的开发商", "Anthropic"),
     ("the Claude-maker", "Anthropic"), ("Kirsten", "Kirsten Korosec"), ("Sean", "Sean O’Kane")],
)  # fmt: skip
def test_aliases_in_both_languages_take_the_canonical_name(
    seed_con: duckdb.DuckDBPyConnection, alias: str, canonical: str
) -> None:
    names = {
        r[0]
        for r in seed_con.execute(
            "SELECT canonical FROM entities WHERE text = ?", [alias]
        ).fetchall()
    }
    assert names == {canonical}
