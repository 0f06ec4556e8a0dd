"""Work the store-wide steps still owe: new documents, deals and arguments that lost rows,
documents whose original was removed.

Written in the same transaction as the change that causes it and cleared in the one
that does the work, so a run killed in between leaves it for the next run.
"""

from __future__ import annotations

from collections.abc import Iterable

import duckdb

from pipeline.store.bulk import insert

KINDS = ("doc", "deal", "argument", "derived")


def add_pending(con: duckdb.DuckDBPyConnection, kind: str, keys: Iterable[str]) -> None:
    assert kind in KINDS, kind
    insert(con, "pending", ("kind", "key"), [[kind, k] for k in dict.fromkeys(keys)])


def pending(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """Each kind's keys, in the order they were queued (first time only)."""
    queued: dict[str, dict[str, None]] = {kind: {} for kind in KINDS}
    for kind, key in con.execute("SELECT kind, key FROM pending").fetchall():
        queued[kind].setdefault(key)
    return {kind: list(keys) for kind, keys in queued.items()}


def clear_pending(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("DELETE FROM pending")
