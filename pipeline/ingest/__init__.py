"""Ingest: files on disk to documents and segments in the store.

Each file is read, each document built and written in its own transaction; a
bad file or record is reported and the others still go in. After the files,
`derived_from` is recomputed over the whole store, since an original may
arrive after the documents that retell it, and deals are consolidated again
from every document's deal mentions.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pipeline.embeddings import Embedder, default_embedder
from pipeline.errors import NeocloudError, UnreadableFile
from pipeline.ingest.derived import DocInfo, find_derived
from pipeline.ingest.document import build_document
from pipeline.ingest.readers import find_files, read_file
from pipeline.records import ReadError
from pipeline.store import open_store
from pipeline.store.arguments import rebuild_arguments
from pipeline.store.deals import rebuild_deals
from pipeline.store.write import (
    STORED,
    file_unchanged,
    prune_file,
    record_file,
    set_derived_from,
    write_document,
)

__all__ = ["IngestReport", "ingest"]

Progress = Callable[[Path], None]


@dataclass
class IngestReport:
    files: int = 0
    stored: int = 0
    skipped: int = 0
    failures: list[ReadError] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return len(self.failures)

    def summary(self) -> str:
        return (
            f"{self.files} file{'s' if self.files != 1 else ''} read: "
            f"{self.stored} documents stored, {self.skipped} skipped, {self.failed} failed"
        )


def ingest(
    paths: Iterable[Path],
    db: Path,
    on_file: Progress | None = None,
    embedder: Embedder | None = None,
) -> IngestReport:
    """Read files and folders into the store at `db`; see the module docstring."""
    files = _expand(paths)
    report = IngestReport()
    con = open_store(db)
    try:
        removed = 0
        for path in files:
            report.files += 1
            removed += _ingest_file(con, path, report, embedder or default_embedder())
            if on_file:
                on_file(path)
        if report.stored or removed:
            set_derived_from(con, find_derived(_stored_docs(con)))
            rebuild_deals(con)
            rebuild_arguments(con)
    finally:
        con.close()
    return report


def _expand(paths: Iterable[Path]) -> list[Path]:
    try:
        return list(find_files(paths))
    except UnreadableFile as exc:
        raise NeocloudError(str(exc)) from exc


def _ingest_file(
    con: duckdb.DuckDBPyConnection, path: Path, report: IngestReport, embedder: Embedder
) -> int:
    """Ingest one file into `report`; return how many stale documents it removed."""
    try:
        data = path.read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        if file_unchanged(con, str(path), sha):
            report.skipped += 1
            return 0
        records = read_file(path, data)
    except (UnreadableFile, OSError) as exc:
        report.failures.append(ReadError(str(path), _reason(exc, path)))
        return 0
    kept: list[str] = []
    failed_before = report.failed
    for record in records:
        if isinstance(record, ReadError):
            report.failures.append(record)
            continue
        kept.append(record.path)
        try:
            status = write_document(con, build_document(record, embedder))
        except UnreadableFile as exc:
            report.failures.append(ReadError(record.path, _reason(exc, record.path)))
            continue
        report.stored += status == STORED
        report.skipped += status != STORED
    removed = prune_file(con, str(path), kept)
    if report.failed == failed_before:
        record_file(con, str(path), sha)
    return removed


def _reason(exc: Exception, path: object) -> str:
    """The error's message without a leading "path:", which the report prints itself."""
    message = str(exc)
    prefix = f"{path}: "
    return message[len(prefix) :] if message.startswith(prefix) else message


def _stored_docs(con: duckdb.DuckDBPyConnection) -> list[DocInfo]:
    rows = con.execute(
        """
        SELECT d.doc_id, d.title, d.kind, d.published_on,
               string_agg(s.text, '\n\n' ORDER BY s.seg_no)
        FROM documents d JOIN segments s USING (doc_id)
        GROUP BY ALL
        """
    ).fetchall()
    return [DocInfo(r[0], r[1], r[2], r[4], r[3]) for r in rows]
