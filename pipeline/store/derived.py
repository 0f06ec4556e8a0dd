"""Queries and writes for derived documents: candidates by indexed keys, texts, derived_from."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

import duckdb

from pipeline.ingest.derived import DocInfo

_MIN_SHARED_QUOTES = 3  # as ingest/derived.py requires of the evidence

_CANDIDATES = """
WITH mine AS (
    SELECT doc_id, kind, key, part FROM doc_keys WHERE doc_id IN (SELECT unnest($ids::VARCHAR[]))
),
same_key AS (  -- a shared LSH band or title
    SELECT m.doc_id AS doc, o.doc_id AS other
    FROM mine m JOIN doc_keys o ON o.key = m.key AND o.kind = m.kind
    WHERE m.kind IN ('b', 't') AND o.doc_id <> m.doc_id
),
quoted_by_me AS (  -- documents that hold every trigram of 3+ of my quotations
    SELECT h.doc_id AS doc, h.other
    FROM (SELECT m.doc_id, m.part, o.doc_id AS other, count(DISTINCT m.key) AS found
          FROM mine m JOIN doc_keys o ON o.kind = 'g' AND o.key = m.key AND o.doc_id <> m.doc_id
          WHERE m.kind = 'q' GROUP BY ALL) h
    JOIN (SELECT doc_id, part, count(DISTINCT key) AS wanted FROM mine WHERE kind = 'q'
          GROUP BY ALL) w USING (doc_id, part)
    WHERE h.found = w.wanted
    GROUP BY ALL HAVING count(*) >= $quotes
),
quoting_me AS (  -- documents 3+ of whose quotations my text holds every trigram of
    SELECT h.doc, h.other
    FROM (SELECT m.doc_id AS doc, q.doc_id AS other, q.part, count(DISTINCT q.key) AS found
          FROM mine m JOIN doc_keys q ON q.kind = 'q' AND q.key = m.key AND q.doc_id <> m.doc_id
          WHERE m.kind = 'g' GROUP BY ALL) h
    JOIN (SELECT doc_id, part, count(DISTINCT key) AS wanted FROM doc_keys WHERE kind = 'q'
          GROUP BY ALL) w ON w.doc_id = h.other AND w.part = h.part
    WHERE h.found = w.wanted
    GROUP BY ALL HAVING count(*) >= $quotes
)
SELECT * FROM same_key UNION SELECT * FROM quoted_by_me UNION SELECT * FROM quoting_me
"""


def candidates(con: duckdb.DuckDBPyConnection, doc_ids: Sequence[str]) -> dict[str, set[str]]:
    """For each document, the stored documents it may derive from or be the source of."""
    out: dict[str, set[str]] = {d: set() for d in doc_ids}
    if not doc_ids:
        return out
    rows = con.execute(_CANDIDATES, {"ids": list(doc_ids), "quotes": _MIN_SHARED_QUOTES})
    for doc, other in rows.fetchall():
        out[doc].add(other)
    return out


def doc_infos(con: duckdb.DuckDBPyConnection, doc_ids: Sequence[str]) -> dict[str, DocInfo]:
    """Title, kind, date and text (segments joined by blank lines) of each document."""
    if not doc_ids:
        return {}
    rows = con.execute(
        """
        SELECT d.doc_id, d.title, d.kind, d.published_on,
               string_agg(s.text, '\n\n' ORDER BY s.seg_no)
        FROM documents d JOIN segments s USING (doc_id)
        WHERE d.doc_id IN (SELECT unnest(?::VARCHAR[]))
        GROUP BY ALL
        """,
        [list(doc_ids)],
    ).fetchall()
    return {r[0]: DocInfo(r[0], r[1], r[2], r[4], r[3]) for r in rows}


def derived_of(con: duckdb.DuckDBPyConnection, doc_ids: Sequence[str]) -> dict[str, str | None]:
    rows = con.execute(
        "SELECT doc_id, derived_from FROM documents WHERE doc_id IN (SELECT unnest(?::VARCHAR[]))",
        [list(doc_ids)],
    ).fetchall()
    return dict(rows)


def set_derived(con: duckdb.DuckDBPyConnection, derived: Mapping[str, str | None]) -> None:
    """Set derived_from of these documents (None: not derived)."""
    groups: dict[str | None, list[str]] = defaultdict(list)
    for doc_id, original in derived.items():
        groups[original].append(doc_id)
    for original, ids in groups.items():
        con.execute(
            "UPDATE documents SET derived_from = ? WHERE doc_id IN (SELECT unnest(?::VARCHAR[]))",
            [original, ids],
        )


def all_documents(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every doc_id, in ingest order."""
    rows = con.execute("SELECT doc_id FROM doc_state ORDER BY doc_seq").fetchall()
    return [r[0] for r in rows]


def descendants(con: duckdb.DuckDBPyConnection, doc_ids: Sequence[str]) -> list[str]:
    """The documents whose chain of derived_from passes through any of these (and these)."""
    if not doc_ids:
        return []
    rows = con.execute(
        """
        WITH RECURSIVE down(doc_id) AS (
            SELECT unnest(?::VARCHAR[])
            UNION
            SELECT d.doc_id FROM documents d JOIN down ON d.derived_from = down.doc_id
        )
        SELECT doc_id FROM down
        """,
        [list(doc_ids)],
    ).fetchall()
    return [r[0] for r in rows]
