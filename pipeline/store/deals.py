"""Queries and writes for deals: the mentions of some deal keys, and replacing those deals."""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from pipeline.consolidate import FIELDS, Deal, Evidence, Mention, StatedFigure
from pipeline.store.bulk import insert

Key = tuple[str, str, str]  # kind, provider, customer
_SEP = chr(31)


def key_text(key: Key) -> str:
    """A deal key as one string (for the pending queue)."""
    return _SEP.join(key)


def key_of(text: str) -> Key:
    kind, provider, customer = text.split(_SEP)
    return kind, provider, customer


def keys_of_documents(con: duckdb.DuckDBPyConnection, doc_ids: Sequence[str]) -> set[Key]:
    rows = con.execute(
        "SELECT DISTINCT kind, provider, customer FROM deal_mentions "
        "WHERE doc_id IN (SELECT unnest(?::VARCHAR[]))",
        [list(doc_ids)],
    ).fetchall()
    return {(r[0], r[1], r[2]) for r in rows}


def all_keys(con: duckdb.DuckDBPyConnection) -> set[Key]:
    rows = con.execute("SELECT DISTINCT kind, provider, customer FROM deal_mentions").fetchall()
    return {(r[0], r[1], r[2]) for r in rows}


def mentions_of(
    con: duckdb.DuckDBPyConnection, keys: Sequence[Key]
) -> tuple[list[Mention], list[StatedFigure]]:
    """Every stored mention of these deal keys, and the figures they state."""
    if not keys:
        return [], []
    wanted = [key_text(k) for k in keys]
    mentions = [
        Mention(*row)
        for row in con.execute(
            "SELECT mention_id, doc_id, seg_no, kind, provider, customer, site, location, "
            "coalesce(status, 'announced') FROM deal_mentions "
            "WHERE kind || chr(31) || provider || chr(31) || customer "
            "IN (SELECT unnest(?::VARCHAR[])) ORDER BY mention_id",
            [wanted],
        ).fetchall()
    ]
    stated = [
        StatedFigure(*row)
        for row in con.execute(
            """
            SELECT m.mention_id, m.field, m.figure_id, f.doc_id, f.seg_no, f.value, f.bound, f.text
            FROM deal_mention_figures m JOIN figures f USING (figure_id)
            WHERE m.mention_id IN (SELECT unnest(?::VARCHAR[]))
            ORDER BY m.mention_id, m.field, m.figure_id
            """,
            [[m.mention_id for m in mentions]],
        ).fetchall()
    ]
    return mentions, stated


def roots_of(con: duckdb.DuckDBPyConnection, doc_ids: Sequence[str]) -> dict[str, str]:
    """Each document's original: derived copies count with the document they derive from."""
    rows = con.execute(
        """
        WITH RECURSIVE up(start, doc_id, depth) AS (
            SELECT doc_id, doc_id, 0 FROM documents WHERE doc_id IN (SELECT unnest(?::VARCHAR[]))
            UNION ALL
            SELECT up.start, d.derived_from, up.depth + 1
            FROM up JOIN documents d ON d.doc_id = up.doc_id
            WHERE d.derived_from IS NOT NULL AND up.depth < 64
        )
        SELECT start, arg_max(doc_id, depth) FROM up GROUP BY start
        """,
        [list(doc_ids)],
    ).fetchall()
    return dict(rows)


def replace_deals(
    con: duckdb.DuckDBPyConnection,
    deal_ids: Sequence[str],
    deals: Sequence[Deal],
    evidence: Sequence[Evidence],
) -> None:
    """Drop the deals `deal_ids` and their evidence, store `deals` and `evidence` in their place,
    and give the figures involved their deal (a figure is a deal's when it is evidence for that
    deal only)."""
    ids = [list(deal_ids)]
    figures = con.execute(
        "SELECT DISTINCT figure_id FROM deal_evidence WHERE figure_id IS NOT NULL "
        "AND deal_id IN (SELECT unnest(?::VARCHAR[]))",
        ids,
    ).fetchall()
    touched = {r[0] for r in figures} | {e.figure_id for e in evidence if e.figure_id}
    con.execute("DELETE FROM deal_evidence WHERE deal_id IN (SELECT unnest(?::VARCHAR[]))", ids)
    con.execute("DELETE FROM deals WHERE deal_id IN (SELECT unnest(?::VARCHAR[]))", ids)
    insert(
        con, "deals",
        ("deal_id", "kind", "provider", "customer", "site", "location", *FIELDS, "sources",
         "documents", "conflicts", "status"),
        [[d.deal_id, d.kind, d.provider, d.customer, d.site, d.location,
          *(d.values[name] for name in FIELDS), d.sources, d.documents, list(d.conflicts),
          d.status]
         for d in deals],
    )  # fmt: skip
    insert(
        con, "deal_evidence",
        ("deal_id", "field", "figure_id", "doc_id", "seg_no", "value", "text", "chosen"),
        [[e.deal_id, e.field, e.figure_id, e.doc_id, e.seg_no, e.value, e.text, e.chosen]
         for e in evidence],
    )  # fmt: skip
    if touched:
        con.execute(
            """
            UPDATE figures SET deal_id = owner.deal_id
            FROM (SELECT f.figure_id,
                         CASE WHEN count(DISTINCT e.deal_id) = 1 THEN any_value(e.deal_id) END
                           AS deal_id
                  FROM (SELECT unnest(?::VARCHAR[]) AS figure_id) f
                  LEFT JOIN deal_evidence e ON e.figure_id = f.figure_id
                  GROUP BY f.figure_id) AS owner
            WHERE figures.figure_id = owner.figure_id
            """,
            [sorted(touched)],
        )
