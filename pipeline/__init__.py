"""neocloud: facts about AI-compute deals from English and Chinese news, stored in DuckDB."""

from pipeline.ingest import IngestReport, ingest
from pipeline.store import QueryResult, run_query
from pipeline.summarize.run import Summary, summarize

__all__ = ["IngestReport", "QueryResult", "Summary", "ingest", "run_query", "summarize"]
