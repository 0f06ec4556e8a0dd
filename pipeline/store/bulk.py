"""Bulk inserts by column name: rows go in as one registered column batch, not row by row."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import Any

import duckdb
import numpy as np


def insert(
    con: duckdb.DuckDBPyConnection,
    table: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
) -> None:
    """INSERT INTO table (columns) the rows, in one statement.

    Columns are named, so a migration that adds a column cannot shift values;
    each is cast to the table's type, so a column of all NULLs still fits.
    """
    if not rows:
        return
    types = _types(con, table)
    data: dict[str, Any] = {}
    for i in range(len(columns)):
        values = np.empty(len(rows), dtype=object)
        for j, row in enumerate(rows):  # one by one: lists must stay objects, not a 2-D array
            values[j] = row[i]
        data[f"c{i}"] = values
    view = f"_bulk_{table}"
    con.register(view, data)
    try:
        select = ", ".join(f"CAST(c{i} AS {types[name]})" for i, name in enumerate(columns))
        quoted = ", ".join(f'"{name}"' for name in columns)
        con.execute(f"INSERT INTO {table} ({quoted}) SELECT {select} FROM {view}")
    finally:
        _unregister(con, view)


def _unregister(con: duckdb.DuckDBPyConnection, view: str) -> None:
    """Drop a registered batch; after a failed statement the transaction refuses even that,
    and the caller's rollback (or the next registration, which replaces it) cleans up."""
    with contextlib.suppress(duckdb.TransactionException):
        con.unregister(view)


def _types(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, str]:
    rows = con.execute(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ?",
        [table],
    ).fetchall()
    return {name: kind for name, kind in rows}
