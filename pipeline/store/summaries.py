"""The summaries table: the current summary per deal and language, and the facts behind it."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import duckdb

from pipeline.store.connect import transaction


def stored_summary(
    con: duckdb.DuckDBPyConnection, deal_id: str, lang: str
) -> tuple[str, dict[str, Any]] | None:
    row = con.execute(
        "SELECT text, facts FROM summaries WHERE deal_id = ? AND lang = ?", [deal_id, lang]
    ).fetchone()
    return None if row is None else (row[0], json.loads(row[1]))


def save_summary(
    con: duckdb.DuckDBPyConnection, deal_id: str, lang: str, text: str, facts: dict[str, Any]
) -> None:
    with transaction(con):
        con.execute("DELETE FROM summaries WHERE deal_id = ? AND lang = ?", [deal_id, lang])
        con.execute(
            "INSERT INTO summaries (deal_id, lang, text, generated_at, facts) "
            "VALUES (?, ?, ?, ?, ?)",
            [deal_id, lang, text, datetime.now(UTC), json.dumps(facts, sort_keys=True)],
        )


def drop_summaries_of_gone_deals(con: duckdb.DuckDBPyConnection) -> int:
    """Summaries of deals that consolidation no longer produces; returns how many went."""
    with transaction(con):
        gone = con.execute(
            "SELECT count(*) FROM summaries WHERE deal_id NOT IN (SELECT deal_id FROM deals)"
        ).fetchone()
        con.execute("DELETE FROM summaries WHERE deal_id NOT IN (SELECT deal_id FROM deals)")
    return int(gone[0]) if gone else 0
