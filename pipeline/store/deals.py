"""Rebuild the deals, deal_evidence and figures.deal_id from every stored mention."""

from __future__ import annotations

import duckdb

from pipeline.consolidate import FIELDS, Mention, StatedFigure, consolidate
from pipeline.store.connect import transaction


def rebuild_deals(con: duckdb.DuckDBPyConnection) -> int:
    """Consolidate all deal mentions in the store; return the number of deals."""
    mentions = [
        Mention(*row)
        for row in con.execute(
            "SELECT mention_id, doc_id, seg_no, kind, provider, customer, site, location "
            "FROM deal_mentions ORDER BY mention_id"
        ).fetchall()
    ]
    stated = [
        StatedFigure(*row)
        for row in con.execute(
            """
            SELECT m.mention_id, m.field, m.figure_id, f.doc_id, f.seg_no, f.value, f.bound, f.text
            FROM deal_mention_figures m JOIN figures f USING (figure_id)
            ORDER BY m.mention_id, m.field, m.figure_id
            """
        ).fetchall()
    ]
    deals, evidence = consolidate(mentions, stated, _roots(con))
    with transaction(con):
        con.execute("DELETE FROM deal_evidence")
        con.execute("DELETE FROM deals")
        con.execute("UPDATE figures SET deal_id = NULL WHERE deal_id IS NOT NULL")
        if deals:
            con.executemany(
                f"INSERT INTO deals VALUES ({', '.join(['?'] * (9 + len(FIELDS)))})",
                [
                    [d.deal_id, d.kind, d.provider, d.customer, d.site, d.location]
                    + [d.values[name] for name in FIELDS]
                    + [d.sources, d.documents, list(d.conflicts)]
                    for d in deals
                ],
            )
        if evidence:
            con.executemany(
                "INSERT INTO deal_evidence VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    [e.deal_id, e.field, e.figure_id, e.doc_id, e.seg_no, e.value, e.text, e.chosen]
                    for e in evidence
                ],
            )
        # A figure belongs to a deal when it is evidence for exactly one deal.
        con.execute(
            """
            UPDATE figures SET deal_id = owner.deal_id
            FROM (SELECT figure_id, any_value(deal_id) AS deal_id FROM deal_evidence
                  WHERE figure_id IS NOT NULL GROUP BY figure_id
                  HAVING count(DISTINCT deal_id) = 1) AS owner
            WHERE figures.figure_id = owner.figure_id
            """
        )
    return len(deals)


def _roots(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Each document's original: derived copies count with the document they derive from."""
    parent = dict(con.execute("SELECT doc_id, derived_from FROM documents").fetchall())
    roots: dict[str, str] = {}
    for doc in parent:
        seen, current = {doc}, doc
        while parent.get(current) and parent[current] not in seen:
            current = parent[current]
            seen.add(current)
        roots[doc] = current
    return roots
