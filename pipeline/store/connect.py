"""Connections: a writable one that migrates the schema, and a locked-down read-only one."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from pipeline.errors import NeocloudError
from pipeline.settings import STORE_MEMORY


def open_store(path: Path) -> duckdb.DuckDBPyConnection:
    """Open (or create) the store for writing and apply pending migrations."""
    try:
        con = duckdb.connect(str(path))
    except duckdb.Error as exc:
        raise NeocloudError(f"{path}: cannot open the store for writing ({exc})") from exc
    from pipeline.store.migrations import migrate  # migrations use transaction() from here

    # DuckDB keeps what it reads cached up to 80% of RAM by default: an ingest reads a few
    # rows of large tables, and its memory should not grow with them.
    con.execute(f"SET memory_limit = '{STORE_MEMORY}'")
    migrate(con)
    return con


def open_readonly(path: Path) -> duckdb.DuckDBPyConnection:
    """A connection that cannot write, attach other databases or touch the file system."""
    if not path.exists():
        raise NeocloudError(f"{path}: no store here; run `neocloud ingest PATH...` first")
    try:
        return duckdb.connect(
            str(path),
            read_only=True,
            config={"enable_external_access": False, "lock_configuration": True},
        )
    except duckdb.Error as exc:
        raise NeocloudError(f"{path}: cannot open the store ({exc})") from exc


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Commit what the block did, or roll all of it back if it raised."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")
