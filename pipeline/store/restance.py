"""Re-score the stored claims with the current stance head, then regroup arguments."""

from __future__ import annotations

import duckdb

from pipeline.stance.head import load_model
from pipeline.store.arguments import rebuild_arguments
from pipeline.store.connect import transaction


def rescore_claims(con: duckdb.DuckDBPyConnection) -> int:
    rows = con.execute("SELECT claim_id, text, coalesce(context, '') FROM claims").fetchall()
    if not rows:
        return 0
    load_model.cache_clear()
    model = load_model()
    x = model.features([r[1] for r in rows], [r[2] for r in rows])
    stance = model.stance_proba(x, [r[1] for r in rows], [r[2] for r in rows])
    claim = model.claim.proba(x)[:, model.claim.classes.index("claim")]
    with transaction(con):
        con.executemany(
            "UPDATE claims SET stance = ?, stance_score = ?, claim_score = ?, stance_probs = ? "
            "WHERE claim_id = ?",
            [
                [model.stance.classes[int(p.argmax())], round(float(p.max()), 4),
                 round(float(c), 4), [round(float(v), 4) for v in p], r[0]]
                for r, p, c in zip(rows, stance, claim, strict=True)
            ],
        )  # fmt: skip
    rebuild_arguments(con)
    return len(rows)
