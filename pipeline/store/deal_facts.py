"""Queries a deal summary is gathered from (summarize/gather.py makes the choices)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb


def deals(con: duckdb.DuckDBPyConnection) -> list[tuple[Any, ...]]:
    return con.execute(
        "SELECT deal_id, kind, provider, customer, site, location, capacity_mw, gpus, "
        "usd_per_month, usd_total, term_days, notice_days, sources, conflicts "
        "FROM deals ORDER BY deal_id"
    ).fetchall()


def titles(con: duckdb.DuckDBPyConnection) -> list[tuple[Any, ...]]:
    """(doc_id, title or file name, kind, publisher, derived_from), originals first."""
    return con.execute(
        "SELECT doc_id, coalesce(title, regexp_extract(path, '[^/]+$')), kind, publisher, "
        "derived_from FROM documents ORDER BY derived_from IS NOT NULL, path"
    ).fetchall()


def evidence(con: duckdb.DuckDBPyConnection) -> list[tuple[Any, ...]]:
    """Every deal's evidence, with the words it quotes and its figure's hedge."""
    return con.execute(
        # A name's evidence has no text of its own: quote the name as the segment writes it.
        """
        SELECT e.deal_id, e.field, e.figure_id, e.doc_id, e.seg_no, e.value,
               coalesce(e.text,
                        (SELECT min(n.text) FROM entities n WHERE n.doc_id = e.doc_id
                         AND n.seg_no = e.seg_no AND n.canonical = e.value),
                        -- "Abilene, Texas": the segment may name only the town, or in Chinese
                        (SELECT min(n.text) FROM entities n WHERE n.doc_id = e.doc_id
                         AND n.seg_no = e.seg_no
                         AND n.canonical = split_part(e.value, ', ', 1))),
               e.chosen, f.bound
        FROM deal_evidence e LEFT JOIN figures f USING (figure_id)
        ORDER BY e.deal_id, e.field, e.doc_id, e.seg_no, e.figure_id
        """
    ).fetchall()


def claims_with_names(con: duckdb.DuckDBPyConnection) -> list[tuple[Any, ...]]:
    """Every claim with the canonical names its sentence mentions."""
    return con.execute(
        """
        SELECT c.claim_id, c.doc_id, c.seg_no, c.text, c.lang, c.speaker, c.argument_id,
               list(DISTINCT e.canonical) FILTER (WHERE e.canonical IS NOT NULL),
               c.stance_score
        FROM claims c LEFT JOIN entities e
          ON e.doc_id = c.doc_id AND e.seg_no = c.seg_no AND e.start >= c.start
             AND e.start < c."end"
        GROUP BY ALL ORDER BY c.doc_id, c.seg_no, c.claim_id
        """
    ).fetchall()


def argument_meta(
    con: duckdb.DuckDBPyConnection, argument_ids: Sequence[int]
) -> dict[int, tuple[Any, ...]]:
    """argument_id -> (label, stance)."""
    return {
        r[0]: r[1:]
        for r in con.execute(
            "SELECT argument_id, label, stance FROM arguments WHERE argument_id IN "
            "(SELECT unnest(?::INTEGER[]))",
            [list(argument_ids)],
        ).fetchall()
    }


def untyped_totals(con: duckdb.DuckDBPyConnection, doc_ids: Sequence[str]) -> list[Any]:
    """Dollar totals (no period, no unit price) in these documents, with their segment text."""
    return con.execute(
        """
        SELECT f.value, f.text, s.text, f.start, f."end", f.doc_id, f.seg_no
        FROM figures f JOIN segments s USING (doc_id, seg_no)
        WHERE f.quantity = 'money' AND f.unit = 'USD' AND f.period IS NULL
          AND f.per_unit IS NULL AND f.doc_id IN (SELECT unnest(?::VARCHAR[]))
        ORDER BY f.doc_id, f.seg_no, f.start
        """,
        [list(doc_ids)],
    ).fetchall()
