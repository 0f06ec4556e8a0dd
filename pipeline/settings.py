"""Defaults shipped in one place."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_DB = "neocloud.duckdb"
DB_ENV = "NEOCLOUD_DB"
STORE_MEMORY = "256MB"  # DuckDB's memory limit for writing connections (it spills beyond)


def default_db() -> Path:
    """`$NEOCLOUD_DB`, else `neocloud.duckdb` in the working directory."""
    return Path(os.environ.get(DB_ENV) or DEFAULT_DB)
