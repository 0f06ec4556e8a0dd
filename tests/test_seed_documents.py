"""The seed corpus against the hand-checked gold file: document-level facts."""

from __future__ import annotations

from typing import Any

import duckdb

from tests.conftest import doc_id_of


def _doc(con: duckdb.DuckDBPyConnection, seed: str) -> dict[str, Any]:
    cur = con.execute("SELECT * FROM documents WHERE doc_id = ?", [doc_id_of(con, seed)])
    names = [d[0] for d in cur.description]
    row = cur.fetchone()
    assert row is not None
    return dict(zip(names, row, strict=True))


def test_every_seed_is_stored_once(
    seed_con: duckdb.DuckDBPyConnection, gold: dict[str, Any]
) -> None:
    count = seed_con.execute("SELECT count(*) FROM documents").fetchone()
    assert count == (len(gold["documents"]),)


def test_kind_languages_title_match_gold(
    seed_con: duckdb.DuckDBPyConnection, gold: dict[str, Any]
) -> None:
    for expected in gold["documents"]:
        doc = _doc(seed_con, expected["file"])
        assert doc["kind"] == expected["kind"], expected["file"]
        assert doc["languages"] == expected["languages"], expected["file"]
        assert doc["title"] == expected["title"], expected["file"]


def test_derived_from_matches_gold(
    seed_con: duckdb.DuckDBPyConnection, gold: dict[str, Any]
) -> None:
    for expected in gold["documents"]:
        doc = _doc(seed_con, expected["file"])
        original = expected.get("derived_from")
        want = doc_id_of(seed_con, original) if original else None
        assert doc["derived_from"] == want, expected["file"]


def test_source_url_and_publisher_where_gold_gives_them(
    seed_con: duckdb.DuckDBPyConnection, gold: dict[str, Any]
) -> None:
    for expected in gold["documents"]:
        doc = _doc(seed_con, expected["file"])
        if "source_url" in expected:
            assert doc["source_url"] == expected["source_url"]
        if "publisher" in expected:
            assert doc["publisher"] == expected["publisher"], expected["file"]


def test_transcript_speakers_resolved_to_full_names(
    seed_con: duckdb.DuckDBPyConnection, gold: dict[str, Any]
) -> None:
    for expected in gold["documents"]:
        if expected["kind"] != "transcript":
            continue
        doc_id = doc_id_of(seed_con, expected["file"])
        rows = seed_con.execute(
            "SELECT DISTINCT speaker FROM segments WHERE doc_id = ? AND speaker IS NOT NULL",
            [doc_id],
        ).fetchall()
        assert {r[0] for r in rows} == set(expected["speakers"])
        # Turns labelled with a short name ("Sean:") carry the full name.
        for short, full in expected["speaker_aliases"].items():
            labelled = seed_con.execute(
                "SELECT count(*) FROM segments WHERE doc_id = ? AND speaker = ?", [doc_id, short]
            ).fetchone()
            assert labelled == (0,), f"{short} left unresolved"
            assert full in {r[0] for r in rows}


def test_documents_in_one_language_have_no_pairs(
    seed_con: duckdb.DuckDBPyConnection, gold: dict[str, Any]
) -> None:
    for expected in gold["documents"]:
        if len(expected["languages"]) > 1:
            continue
        doc_id = doc_id_of(seed_con, expected["file"])
        pairs = seed_con.execute(
            "SELECT count(translation_of) FROM segments WHERE doc_id = ?", [doc_id]
        ).fetchone()
        assert pairs == (0,)
