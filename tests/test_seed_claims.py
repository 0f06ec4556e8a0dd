"""Seed claims against the gold file: found, speaker, stance, and arguments across languages."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import duckdb
import pytest

from tests.conftest import doc_id_of

# Share of gold claims that must be found with the right speaker (issue floor: 90%).
FOUND_FLOOR = 0.9
# Share of gold claims with the right stance (issue floor: 85%; measured 22 of 24).
STANCE_FLOOR = 0.85


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip().strip(".")


def _match(con: duckdb.DuckDBPyConnection, gold_claim: dict[str, Any]) -> tuple[Any, ...] | None:
    rows = con.execute(
        "SELECT claim_id, text, speaker, stance, argument_id, translation_of FROM claims "
        "WHERE doc_id = ? ORDER BY seg_no, start",
        [doc_id_of(con, gold_claim["file"])],
    ).fetchall()
    want = _norm(gold_claim["text"])
    for row in rows:
        have = _norm(row[1])
        if want[:60] in have or have[:60] in want:
            return tuple(row)
    return None


def test_gold_claims_are_found_with_their_speakers(
    seed_con: duckdb.DuckDBPyConnection, gold: dict[str, Any]
) -> None:
    right = 0
    for claim in gold["claims"]:
        row = _match(seed_con, claim)
        right += row is not None and row[2] == claim["speaker"]
    assert right / len(gold["claims"]) >= FOUND_FLOOR


def test_stance_of_gold_claims_meets_the_floor(
    seed_con: duckdb.DuckDBPyConnection, gold: dict[str, Any]
) -> None:
    right = sum(
        (row := _match(seed_con, claim)) is not None and row[3] == claim["stance"]
        for claim in gold["claims"]
    )
    assert right / len(gold["claims"]) >= STANCE_FLOOR


def test_chinese_translations_of_gold_claims_share_the_argument_of_their_original(
    seed_con: duckdb.DuckDBPyConnection, gold: dict[str, Any]
) -> None:
    checked = 0
    for claim in gold["claims"]:
        if not re.search(r"[\u4e00-\u9fff]", claim["text"]):
            continue
        row = _match(seed_con, claim)
        assert row is not None, claim["text"]
        translated = row[5]
        if translated is None:
            continue  # a Chinese original (a summary), not a translation
        original = seed_con.execute(
            "SELECT argument_id, lang FROM claims WHERE claim_id = ?", [translated]
        ).fetchone()
        assert original is not None and original[1] == "en"
        assert original[0] == row[4], claim["text"]
        checked += 1
    assert checked >= 3


def test_heat_check_claims_of_the_podcast_and_its_retelling_form_one_argument(
    seed_con: duckdb.DuckDBPyConnection, gold: dict[str, Any]
) -> None:
    heat = [c for c in gold["claims"] if "heat check" in c["text"]]
    assert {c["file"][:3] for c in heat} == {"000", "003"}
    arguments = {row[4] for c in heat if (row := _match(seed_con, c)) is not None}
    assert len(arguments) == 1


@pytest.mark.parametrize("table", ["claims", "arguments"])
def test_claims_and_arguments_are_stored(seed_con: duckdb.DuckDBPyConnection, table: str) -> None:
    count = seed_con.execute(f"SELECT count(*) FROM {table}").fetchone()
    assert count is not None and count[0] > 20


def test_arguments_count_claims_documents_and_languages(
    seed_con: duckdb.DuckDBPyConnection,
) -> None:
    rows = seed_con.execute(
        """
        SELECT a.claims = count(c.claim_id), a.documents = count(DISTINCT c.doc_id),
               a.languages = list(DISTINCT c.lang ORDER BY c.lang)
        FROM arguments a JOIN claims c USING (argument_id) GROUP BY a.argument_id, a.claims,
             a.documents, a.languages
        """
    ).fetchall()
    assert rows and all(all(r) for r in rows)
    bilingual = seed_con.execute(
        "SELECT count(*) FROM arguments WHERE len(languages) = 2"
    ).fetchone()
    assert bilingual is not None and bilingual[0] >= 5
