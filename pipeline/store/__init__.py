"""DuckDB store: named migrations, transactional writes, read-only queries."""

from pipeline.store.connect import open_readonly, open_store
from pipeline.store.query import QueryResult, run_query

__all__ = ["QueryResult", "open_readonly", "open_store", "run_query"]
