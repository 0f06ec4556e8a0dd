"""neocloud: facts about AI-compute deals from English and Chinese news, stored in DuckDB.

The public API is imported on first use, so `import pipeline.economics` loads no model
code.
"""

from __future__ import annotations

from typing import Any

__all__ = ["IngestReport", "QueryResult", "Summary", "ingest", "rebuild", "run_query", "summarize"]

_WHERE = {
    "IngestReport": "pipeline.flow",
    "ingest": "pipeline.flow",
    "rebuild": "pipeline.rebuild",
    "QueryResult": "pipeline.store.query",
    "run_query": "pipeline.store.query",
    "Summary": "pipeline.summarize.run",
    "summarize": "pipeline.summarize.run",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        import importlib

        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
