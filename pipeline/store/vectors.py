"""The sentence-vector cache: vectors (or stance logits) by model and text key."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import duckdb

from pipeline.store.bulk import insert


def cached(con: duckdb.DuckDBPyConnection, model: str, keys: Sequence[str]) -> dict[str, bytes]:
    """The stored blobs of those keys that the cache has."""
    if not keys:
        return {}
    rows = con.execute(
        "SELECT key, vector FROM sentence_vectors WHERE model = ? "
        "AND key IN (SELECT unnest(?::VARCHAR[]))",
        [model, list(dict.fromkeys(keys))],
    ).fetchall()
    return {key: bytes(blob) for key, blob in rows}


def remember(con: duckdb.DuckDBPyConnection, model: str, blobs: Mapping[str, bytes]) -> None:
    """Add blobs the cache does not have yet (a key another batch added meanwhile is kept)."""
    if not blobs:
        return
    have = cached(con, model, list(blobs))
    insert(
        con, "sentence_vectors", ("model", "key", "vector"),
        [[model, key, blob] for key, blob in blobs.items() if key not in have],
    )  # fmt: skip
