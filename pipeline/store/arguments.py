"""Queries and writes for arguments: claims to place, argument sums, members, results."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np
import numpy.typing as npt

from pipeline.store.bulk import insert


@dataclass(frozen=True)
class ClaimRow:
    claim_id: str
    claim_seq: int
    doc_id: str
    lang: str
    text: str
    vector_key: str
    translation_of: str | None
    shared_probs: tuple[float, ...]
    speaker_probs: tuple[float, ...]
    argument_id: int | None
    stance: str
    stance_score: float


_CLAIM = (
    "claim_id, claim_seq, doc_id, lang, text, vector_key, translation_of, "
    "coalesce(shared_probs, stance_probs), coalesce(speaker_probs, []), argument_id, stance, "
    "stance_score"
)


def _claim_rows(rows: Iterable[tuple[Any, ...]]) -> list[ClaimRow]:
    return [
        ClaimRow(r[0], int(r[1]), r[2], r[3], r[4], r[5], r[6], tuple(r[7] or ()),
                 tuple(r[8] or ()), r[9], r[10], r[11])
        for r in rows
    ]  # fmt: skip


def claims_of_documents(con: duckdb.DuckDBPyConnection, doc_ids: Sequence[str]) -> list[ClaimRow]:
    """The documents' claims, in ingest order."""
    rows = con.execute(
        f"SELECT {_CLAIM} FROM claims WHERE doc_id IN (SELECT unnest(?::VARCHAR[])) "
        "ORDER BY claim_seq",
        [list(doc_ids)],
    ).fetchall()
    return _claim_rows(rows)


def all_claims(con: duckdb.DuckDBPyConnection) -> list[ClaimRow]:
    rows = con.execute(f"SELECT {_CLAIM} FROM claims ORDER BY claim_seq").fetchall()
    return _claim_rows(rows)


def members_of(con: duckdb.DuckDBPyConnection, argument_ids: Iterable[int]) -> list[ClaimRow]:
    """The claims of these arguments, in ingest order."""
    rows = con.execute(
        f"SELECT {_CLAIM} FROM claims WHERE argument_id IN (SELECT unnest(?::INTEGER[])) "
        "ORDER BY claim_seq",
        [sorted(set(argument_ids))],
    ).fetchall()
    return _claim_rows(rows)


def _ints(values: Iterable[int]) -> str:
    """An SQL list of integers: DuckDB prunes row groups by a literal list, not by a join."""
    return "(" + ",".join(str(int(v)) for v in sorted(set(values))) + ")"


def claims_at(con: duckdb.DuckDBPyConnection, seqs: Iterable[int]) -> dict[int, tuple[int, str]]:
    """claim_seq -> (argument_id, text) for grouped claims."""
    seqs = set(seqs)
    if not seqs:
        return {}
    rows = con.execute(
        "SELECT claim_seq, argument_id, text FROM claims WHERE argument_id IS NOT NULL "
        f"AND claim_seq IN {_ints(seqs)}"
    ).fetchall()
    return {int(r[0]): (int(r[1]), r[2]) for r in rows}


def grouped_claim_stats(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """How many claims are grouped, and the newest claim_seq among them."""
    row = con.execute(
        "SELECT count(*), coalesce(max(claim_seq), 0) FROM claims WHERE argument_id IS NOT NULL"
    ).fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


State = tuple[int, npt.NDArray[np.float32], npt.NDArray[np.float64]]  # n, vector_sum, prob_sum


def states(con: duckdb.DuckDBPyConnection, argument_ids: Iterable[int]) -> dict[int, State]:
    """argument_id -> (size, vector sum, probability sum)."""
    argument_ids = set(argument_ids)
    if not argument_ids:
        return {}
    rows = con.execute(
        "SELECT argument_id, n, vector_sum, prob_sum FROM argument_state "
        f"WHERE argument_id IN {_ints(argument_ids)}"
    ).fetchall()
    return {
        int(r[0]): (
            int(r[1]), np.frombuffer(bytes(r[2]), dtype=np.float32).copy(),
            np.asarray(r[3], dtype=np.float64),
        )
        for r in rows
    }  # fmt: skip


def next_argument_id(con: duckdb.DuckDBPyConnection) -> int:
    row = con.execute("SELECT coalesce(max(argument_id), 0) + 1 FROM argument_state").fetchone()
    assert row is not None
    return int(row[0])


def save_states(con: duckdb.DuckDBPyConnection, changed: Mapping[int, State]) -> None:
    """Replace these arguments' sums; an argument left with no claims is dropped."""
    ids = [sorted(changed)]
    con.execute(
        "DELETE FROM argument_state WHERE argument_id IN (SELECT unnest(?::INTEGER[]))", ids
    )
    con.execute("DELETE FROM arguments WHERE argument_id IN (SELECT unnest(?::INTEGER[]))", ids)
    insert(
        con, "argument_state", ("argument_id", "n", "vector_sum", "prob_sum"),
        [[argument_id, n, vector_sum.astype(np.float32).tobytes(), [float(v) for v in prob_sum]]
         for argument_id, (n, vector_sum, prob_sum) in changed.items() if n],
    )  # fmt: skip


def assign(con: duckdb.DuckDBPyConnection, argument_of: Mapping[str, int]) -> None:
    """Set claims.argument_id."""
    if not argument_of:
        return
    con.register("_assign", {"claim_id": np.array(list(argument_of), dtype=object),
                             "argument_id": np.array(list(argument_of.values()))})  # fmt: skip
    try:
        con.execute(
            "UPDATE claims SET argument_id = a.argument_id FROM _assign a "
            "WHERE claims.claim_id = a.claim_id"
        )
    finally:
        con.unregister("_assign")


def set_stances(con: duckdb.DuckDBPyConnection, stances: Mapping[str, tuple[str, float]]) -> None:
    """Set claims' final stance and score."""
    if not stances:
        return
    con.register("_stances", {
        "claim_id": np.array(list(stances), dtype=object),
        "stance": np.array([s for s, _ in stances.values()], dtype=object),
        "score": np.array([v for _, v in stances.values()], dtype=np.float64),
    })  # fmt: skip
    try:
        con.execute(
            "UPDATE claims SET stance = s.stance, stance_score = s.score FROM _stances s "
            "WHERE claims.claim_id = s.claim_id"
        )
    finally:
        con.unregister("_stances")


def write_arguments(con: duckdb.DuckDBPyConnection, rows: Sequence[Sequence[Any]]) -> None:
    """Rows of (argument_id, label, stance); counts come from the claims themselves."""
    if not rows:
        return
    ids = [[r[0] for r in rows]]
    con.execute("DELETE FROM arguments WHERE argument_id IN (SELECT unnest(?::INTEGER[]))", ids)
    con.register("_args", {
        "argument_id": np.array([r[0] for r in rows]),
        "label": np.array([r[1] for r in rows], dtype=object),
        "stance": np.array([r[2] for r in rows], dtype=object),
    })  # fmt: skip
    try:
        con.execute(
            """
            INSERT INTO arguments (argument_id, label, stance, claims, documents, languages)
            SELECT a.argument_id, a.label, a.stance, count(*), count(DISTINCT c.doc_id),
                   list(DISTINCT c.lang ORDER BY c.lang)
            FROM _args a JOIN claims c USING (argument_id)
            GROUP BY a.argument_id, a.label, a.stance
            """
        )
    finally:
        con.unregister("_args")


def reset_arguments(con: duckdb.DuckDBPyConnection) -> None:
    """Forget every argument (rebuild starts from none)."""
    con.execute("DELETE FROM arguments")
    con.execute("DELETE FROM argument_state")
    con.execute("UPDATE claims SET argument_id = NULL WHERE argument_id IS NOT NULL")
