"""Writes: one document per transaction, all its rows or none; re-ingest replaces by path."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

import duckdb

from pipeline.embeddings import default_embedder
from pipeline.records import Document
from pipeline.store.connect import transaction

STORED, UNCHANGED, DUPLICATE = "stored", "unchanged", "duplicate"


def write_document(con: duckdb.DuckDBPyConnection, doc: Document) -> str:
    """Store `doc`, replacing what an earlier version of the same path stored.

    Returns `unchanged` when the same content is already stored under this path,
    `duplicate` when it is stored under another path (kept once), else `stored`.
    """
    owner = con.execute("SELECT path FROM documents WHERE doc_id = ?", [doc.doc_id]).fetchone()
    if owner is not None:
        return UNCHANGED if owner[0] == doc.path else DUPLICATE
    with transaction(con):
        _delete_paths(con, [doc.path])
        con.execute(
            "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                doc.doc_id, doc.path, doc.title, doc.kind, list(doc.languages),
                doc.publisher, doc.source_url, doc.published_on, doc.derived_from,
                datetime.now(UTC),
            ],
        )  # fmt: skip
        con.executemany(
            "INSERT INTO segments VALUES (?, ?, ?, ?, ?, ?)",
            [
                [doc.doc_id, s.seg_no, s.lang, s.speaker, s.text, s.translation_of]
                for s in doc.segments
            ],
        )
        if doc.figures:
            con.executemany(
                "INSERT INTO figures VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
                [
                    [
                        f.figure_id, doc.doc_id, f.seg_no, f.start, f.end, f.text, f.quantity,
                        f.value, f.value_max, f.unit, f.period, f.per_unit, f.bound, f.role,
                        f.subject,
                    ]
                    for f in doc.figures
                ],
            )  # fmt: skip
        _write_entities(con, doc)
        _write_mentions(con, doc)
        _write_claims(con, doc)
    return STORED


def _write_claims(con: duckdb.DuckDBPyConnection, doc: Document) -> None:
    if not doc.claims:
        return
    con.executemany(
        "INSERT INTO claims VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?)",
        [
            [
                c.claim_id, doc.doc_id, c.seg_no, c.start, c.end, c.text, c.lang, c.speaker,
                c.stance, c.stance_score, c.claim_score, c.context, c.translation_of,
                list(c.stance_probs),
            ]
            for c in doc.claims
        ],
    )  # fmt: skip
    con.executemany(
        "INSERT INTO claim_vectors VALUES (?, ?, ?)",
        [[c.claim_id, default_embedder().name, list(c.vector)] for c in doc.claims],
    )


def _write_entities(con: duckdb.DuckDBPyConnection, doc: Document) -> None:
    if doc.entities:
        con.executemany(
            "INSERT INTO entities VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                [doc.doc_id, e.seg_no, e.start, e.end, e.text, e.label, e.canonical, e.known]
                for e in doc.entities
            ],
        )


def _write_mentions(con: duckdb.DuckDBPyConnection, doc: Document) -> None:
    for i, m in enumerate(doc.deal_mentions):
        mention_id = f"{doc.doc_id}:{i}"
        con.execute(
            "INSERT INTO deal_mentions VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [mention_id, doc.doc_id, m.seg_no, m.kind, m.provider, m.customer, m.site, m.location],
        )
        if m.figures:
            con.executemany(
                "INSERT INTO deal_mention_figures VALUES (?, ?, ?, ?)",
                [[mention_id, doc.doc_id, name, figure_id] for name, figure_id in m.figures],
            )


def prune_file(con: duckdb.DuckDBPyConnection, file: str, keep: Iterable[str]) -> int:
    """Remove documents a multi-record file no longer holds; return how many."""
    kept = set(keep)
    rows = con.execute(
        "SELECT path FROM documents WHERE path = ? OR starts_with(path, ?)", [file, file + "#"]
    ).fetchall()
    gone = [row[0] for row in rows if row[0] not in kept]
    if gone:
        with transaction(con):
            _delete_paths(con, gone)
    return len(gone)


def record_file(con: duckdb.DuckDBPyConnection, path: str, sha256: str) -> None:
    con.execute(
        "INSERT OR REPLACE INTO ingested_files VALUES (?, ?, ?)",
        [path, sha256, datetime.now(UTC)],
    )


def file_unchanged(con: duckdb.DuckDBPyConnection, path: str, sha256: str) -> bool:
    row = con.execute("SELECT sha256 FROM ingested_files WHERE path = ?", [path]).fetchone()
    return row is not None and row[0] == sha256


def set_derived_from(con: duckdb.DuckDBPyConnection, derived: dict[str, str]) -> None:
    """Rewrite documents.derived_from for the whole store in one transaction."""
    with transaction(con):
        con.execute("UPDATE documents SET derived_from = NULL WHERE derived_from IS NOT NULL")
        for doc_id, original in sorted(derived.items()):
            con.execute(
                "UPDATE documents SET derived_from = ? WHERE doc_id = ?", [original, doc_id]
            )


_PER_DOCUMENT_TABLES = (
    "deal_mention_figures", "deal_mentions", "entities", "figures", "segments", "claims",
)  # fmt: skip


def _delete_paths(con: duckdb.DuckDBPyConnection, paths: list[str]) -> None:
    for path in paths:
        con.execute(
            "DELETE FROM claim_vectors WHERE claim_id IN (SELECT claim_id FROM claims "
            "WHERE doc_id IN (SELECT doc_id FROM documents WHERE path = ?))",
            [path],
        )
        for table in _PER_DOCUMENT_TABLES:
            con.execute(
                f"DELETE FROM {table} "
                "WHERE doc_id IN (SELECT doc_id FROM documents WHERE path = ?)",
                [path],
            )
        con.execute("DELETE FROM documents WHERE path = ?", [path])
