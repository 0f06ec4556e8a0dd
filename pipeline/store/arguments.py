"""Rebuild arguments and claims.argument_id from every stored claim and its stored vector."""

from __future__ import annotations

import duckdb

from pipeline.stance.arguments import (
    ClaimPoint,
    consistent_stances,
    group_arguments,
    restanced,
)
from pipeline.store.connect import transaction


def rebuild_arguments(con: duckdb.DuckDBPyConnection) -> int:
    rows = con.execute(
        """
        SELECT c.claim_id, c.doc_id, c.lang, c.text, c.stance, c.stance_score, v.vector,
               c.translation_of, c.speaker, c.stance_probs
        FROM claims c JOIN claim_vectors v USING (claim_id)
        ORDER BY c.doc_id, c.seg_no, c.start
        """
    ).fetchall()
    points = [
        ClaimPoint(r[0], r[1], r[2], r[3], r[4], r[5], tuple(r[6]), r[7], r[8], tuple(r[9] or ()))
        for r in rows
    ]
    grouped = group_arguments(points)
    stances = consistent_stances(points, grouped)
    arguments = restanced(grouped, stances)  # arguments take their claims' final stances
    with transaction(con):
        con.execute("DELETE FROM arguments")
        con.execute("UPDATE claims SET argument_id = NULL")
        if stances:
            con.executemany(
                "UPDATE claims SET stance = ?, stance_score = ? WHERE claim_id = ?",
                [[stance, score, claim_id] for claim_id, (stance, score) in stances.items()],
            )
        if arguments:
            con.executemany(
                "INSERT INTO arguments VALUES (?, ?, ?, ?, ?, ?)",
                [
                    [a.argument_id, a.label, a.stance, a.claims, a.documents, list(a.languages)]
                    for a in arguments
                ],
            )
            con.executemany(
                "UPDATE claims SET argument_id = ? WHERE claim_id = ?",
                [[a.argument_id, claim_id] for a in arguments for claim_id in a.members],
            )
    return len(arguments)
