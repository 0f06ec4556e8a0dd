"""Queries and writes for re-scoring claims."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import duckdb

from pipeline.store.bulk import insert


@dataclass(frozen=True)
class ClaimInput:
    claim_id: str
    doc_id: str
    text: str
    context: str
    speaker: str | None
    translation_of: str | None


def claim_inputs(con: duckdb.DuckDBPyConnection) -> list[ClaimInput]:
    rows = con.execute(
        "SELECT claim_id, doc_id, text, coalesce(context, ''), speaker, translation_of "
        "FROM claims ORDER BY claim_seq"
    ).fetchall()
    return [ClaimInput(*r) for r in rows]


def set_scores(con: duckdb.DuckDBPyConnection, rows: Sequence[Sequence[Any]]) -> None:
    """(claim_id, stance, stance_score, claim_score, stance_probs, shared_probs, speaker_probs)."""
    con.execute(
        "CREATE TEMP TABLE IF NOT EXISTS _scores (claim_id VARCHAR, stance VARCHAR, "
        "stance_score DOUBLE, claim_score DOUBLE, stance_probs DOUBLE[], shared_probs DOUBLE[], "
        "speaker_probs DOUBLE[])"
    )
    con.execute("DELETE FROM _scores")
    insert(con, "_scores", ("claim_id", "stance", "stance_score", "claim_score", "stance_probs",
                            "shared_probs", "speaker_probs"),
           [[r[0], r[1], r[2], r[3], list(r[4]), list(r[5]), list(r[6]) or None]
            for r in rows])  # fmt: skip
    con.execute(
        "UPDATE claims SET stance = s.stance, stance_score = s.stance_score, "
        "claim_score = s.claim_score, stance_probs = s.stance_probs, "
        "shared_probs = s.shared_probs, speaker_probs = s.speaker_probs "
        "FROM _scores s WHERE claims.claim_id = s.claim_id"
    )
    con.execute("DROP TABLE _scores")
