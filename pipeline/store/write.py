"""Writes: documents in bulk, replaced by path; the vector cache; ingested files.

The runner (flow.py) calls these inside one transaction per batch; a batch that
fails is retried one document per transaction, so one bad document never loses
the others. Every insert names its columns (bulk.insert).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

import duckdb

from pipeline.records import Document
from pipeline.store.bulk import insert
from pipeline.store.pending import add_pending

_PER_DOCUMENT_TABLES = (
    "deal_mention_figures", "deal_mentions", "entities", "figures", "segments", "claims",
    "doc_keys", "doc_state",
)  # fmt: skip


def stored_documents(
    con: duckdb.DuckDBPyConnection, doc_ids: Sequence[str]
) -> dict[str, tuple[str, int | None]]:
    """For each stored doc_id: its path and the pipeline version that analyzed it."""
    if not doc_ids:
        return {}
    rows = con.execute(
        "SELECT d.doc_id, d.path, s.pipeline FROM documents d LEFT JOIN doc_state s USING (doc_id) "
        "WHERE d.doc_id IN (SELECT unnest(?::VARCHAR[]))",
        [list(doc_ids)],
    ).fetchall()
    return {doc_id: (path, version) for doc_id, path, version in rows}


def next_sequence(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """The next free doc_seq and claim_seq (never one handed out before)."""
    used = dict(con.execute("SELECT name, value FROM counters").fetchall())
    return int(used.get("doc_seq", 0)) + 1, int(used.get("claim_seq", 0)) + 1


def store_id(con: duckdb.DuckDBPyConnection) -> str:
    """This store's identity, made when it was created."""
    row = con.execute("SELECT id FROM store_identity").fetchone()
    return str(row[0]) if row else ""


def last_claim_seq(con: duckdb.DuckDBPyConnection) -> int:
    """The last claim_seq handed out, 0 before any."""
    row = con.execute("SELECT value FROM counters WHERE name = 'claim_seq'").fetchone()
    return int(row[0]) if row else 0


def write_documents(
    con: duckdb.DuckDBPyConnection, docs: Sequence[Document], pipeline: int, doc_seq: int,
    claim_seq: int,
) -> tuple[int, int]:  # fmt: skip
    """Insert every row of `docs` (the caller holds the transaction); return the next free
    doc_seq and claim_seq. Documents are queued for the store-wide steps (pending)."""
    now = datetime.now(UTC)
    insert(con, "documents", _DOC_COLUMNS, [_doc_row(d, now) for d in docs])
    insert(
        con, "segments", ("doc_id", "seg_no", "lang", "speaker", "text", "translation_of"),
        [[d.doc_id, s.seg_no, s.lang, s.speaker, s.text, s.translation_of]
         for d in docs for s in d.segments],
    )  # fmt: skip
    insert(con, "figures", _FIGURE_COLUMNS, [
        [f.figure_id, d.doc_id, f.seg_no, f.start, f.end, f.text, f.quantity, f.value,
         f.value_max, f.unit, f.period, f.per_unit, f.bound, f.role, f.subject]
        for d in docs for f in d.figures
    ])  # fmt: skip
    insert(con, "entities", _ENTITY_COLUMNS, [
        [d.doc_id, e.seg_no, e.start, e.end, e.text, e.label, e.canonical, e.known]
        for d in docs for e in d.entities
    ])  # fmt: skip
    _write_mentions(con, docs)
    claim_rows = []
    for d in docs:
        for c in d.claims:
            claim_rows.append(
                [c.claim_id, d.doc_id, c.seg_no, c.start, c.end, c.text, c.lang, c.speaker,
                 c.stance, c.stance_score, c.claim_score, c.context, c.translation_of,
                 list(c.stance_probs), c.vector_key, claim_seq, list(c.shared_probs),
                 list(c.speaker_probs) if c.speaker_probs else None]
            )  # fmt: skip
            claim_seq += 1
    insert(con, "claims", _CLAIM_COLUMNS, claim_rows)
    state_rows, key_rows = [], []
    for d in docs:
        keys = d.keys
        assert keys is not None, "flow computes every document's keys before writing"
        state_rows.append([d.doc_id, doc_seq, pipeline, keys.kind_rank, keys.length,
                           d.published_on, keys.minhash])  # fmt: skip
        key_rows += [[d.doc_id, kind, key, part] for kind, key, part in keys.keys]
        doc_seq += 1
    insert(con, "doc_state", _STATE_COLUMNS, state_rows)
    insert(con, "doc_keys", ("doc_id", "kind", "key", "part"), key_rows)
    add_pending(con, "doc", [d.doc_id for d in docs])
    con.execute("DELETE FROM counters")
    insert(
        con, "counters", ("name", "value"), [["doc_seq", doc_seq - 1], ["claim_seq", claim_seq - 1]]
    )
    return doc_seq, claim_seq


_DOC_COLUMNS = ("doc_id", "path", "title", "kind", "languages", "publisher", "source_url",
                "published_on", "derived_from", "ingested_at")  # fmt: skip
_FIGURE_COLUMNS = (
    "figure_id", "doc_id", "seg_no", "start", "end", "text", "quantity", "value", "value_max",
    "unit", "period", "per_unit", "bound", "role", "subject",
)  # fmt: skip
_ENTITY_COLUMNS = ("doc_id", "seg_no", "start", "end", "text", "label", "canonical", "known")
_CLAIM_COLUMNS = ("claim_id", "doc_id", "seg_no", "start", "end", "text", "lang", "speaker",
                  "stance", "stance_score", "claim_score", "context", "translation_of",
                  "stance_probs", "vector_key", "claim_seq", "shared_probs",
                  "speaker_probs")  # fmt: skip
_STATE_COLUMNS = ("doc_id", "doc_seq", "pipeline", "kind_rank", "length", "published_on",
                  "minhash")  # fmt: skip


def _doc_row(doc: Document, now: datetime) -> list[object]:
    return [doc.doc_id, doc.path, doc.title, doc.kind, list(doc.languages), doc.publisher,
            doc.source_url, doc.published_on, None, now]  # fmt: skip


def _write_mentions(con: duckdb.DuckDBPyConnection, docs: Sequence[Document]) -> None:
    mentions, figures = [], []
    for d in docs:
        for i, m in enumerate(d.deal_mentions):
            mention_id = f"{d.doc_id}:{i}"
            mentions.append([mention_id, d.doc_id, m.seg_no, m.kind, m.provider, m.customer,
                             m.site, m.location, m.status])  # fmt: skip
            figures += [[mention_id, d.doc_id, name, figure_id] for name, figure_id in m.figures]
    insert(con, "deal_mentions", ("mention_id", "doc_id", "seg_no", "kind", "provider",
                                  "customer", "site", "location", "status"),
           mentions)  # fmt: skip
    insert(con, "deal_mention_figures", ("mention_id", "doc_id", "field", "figure_id"), figures)


def delete_documents(con: duckdb.DuckDBPyConnection, doc_ids: Sequence[str]) -> list[int]:
    """Remove documents and every row they own; queue what the store-wide steps must redo.

    Returns the claim_seq of the removed claims (the argument index drops them).
    """
    if not doc_ids:
        return []
    ids = [list(doc_ids)]
    within = "doc_id IN (SELECT unnest(?::VARCHAR[]))"
    deal_keys = con.execute(
        f"SELECT DISTINCT kind || chr(31) || provider || chr(31) || customer FROM deal_mentions "
        f"WHERE {within}",
        ids,
    ).fetchall()
    add_pending(con, "deal", [r[0] for r in deal_keys])
    arguments = con.execute(
        f"SELECT DISTINCT argument_id FROM claims WHERE {within} AND argument_id IS NOT NULL", ids
    ).fetchall()
    add_pending(con, "argument", [str(r[0]) for r in arguments])
    children = con.execute(
        "SELECT doc_id FROM documents WHERE derived_from IN (SELECT unnest(?::VARCHAR[]))", ids
    ).fetchall()
    add_pending(con, "derived", [r[0] for r in children])
    removed = [
        int(r[0])
        for r in con.execute(
            f"SELECT claim_seq FROM claims WHERE {within} AND claim_seq IS NOT NULL", ids
        ).fetchall()
    ]
    for table in _PER_DOCUMENT_TABLES:
        con.execute(f"DELETE FROM {table} WHERE {within}", ids)
    con.execute(f"DELETE FROM documents WHERE {within}", ids)
    con.execute(
        "DELETE FROM pending WHERE kind = 'doc' AND key IN (SELECT unnest(?::VARCHAR[]))", ids
    )
    return removed


def documents_at(con: duckdb.DuckDBPyConnection, paths: Iterable[str]) -> list[str]:
    """doc_ids stored from these paths."""
    rows = con.execute(
        "SELECT doc_id FROM documents WHERE path IN (SELECT unnest(?::VARCHAR[]))", [list(paths)]
    ).fetchall()
    return [r[0] for r in rows]


def documents_of_file(con: duckdb.DuckDBPyConnection, file: str) -> dict[str, str]:
    """path -> doc_id for the documents a file (or its records, `file#N`) stored."""
    rows = con.execute(
        "SELECT path, doc_id FROM documents WHERE path = ? OR starts_with(path, ?)",
        [file, file + "#"],
    ).fetchall()
    return dict(rows)


def record_files(con: duckdb.DuckDBPyConnection, files: Sequence[tuple[str, str]]) -> None:
    """Remember each (path, sha256) as ingested, so an unchanged file is skipped next time."""
    if not files:
        return
    con.execute(
        "DELETE FROM ingested_files WHERE path IN (SELECT unnest(?::VARCHAR[]))",
        [[p for p, _ in files]],
    )
    now = datetime.now(UTC)
    insert(con, "ingested_files", ("path", "sha256", "ingested_at"),
           [[p, sha, now] for p, sha in files])  # fmt: skip


def unchanged_files(con: duckdb.DuckDBPyConnection, files: Sequence[tuple[str, str]]) -> set[str]:
    """The paths among (path, sha256) pairs that were ingested with that same content."""
    if not files:
        return set()
    rows = con.execute(
        "SELECT path, sha256 FROM ingested_files WHERE path IN (SELECT unnest(?::VARCHAR[]))",
        [[p for p, _ in files]],
    ).fetchall()
    known = dict(rows)
    return {p for p, sha in files if known.get(p) == sha}
