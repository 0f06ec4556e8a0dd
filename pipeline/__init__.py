"""neocloud: facts about AI-compute deals from English and Chinese news, stored in DuckDB."""

from pipeline.ingest import IngestReport, ingest
from pipeline.store import QueryResult, run_query

__all__ = ["IngestReport", "QueryResult", "ingest", "run_query"]
