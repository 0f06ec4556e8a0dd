"""Re-score the stored claims with the current stance head, then regroup arguments."""

from __future__ import annotations

import duckdb

from pipeline.embeddings import embedder_from_spec
from pipeline.stance.claims import head_contexts
from pipeline.stance.head import features, load_model
from pipeline.store.arguments import rebuild_arguments
from pipeline.store.connect import transaction


def rescore_claims(con: duckdb.DuckDBPyConnection) -> int:
    rows = con.execute("SELECT claim_id, text, coalesce(context, '') FROM claims").fetchall()
    if not rows:
        return 0
    load_model.cache_clear()
    model = load_model()
    texts = [r[1] for r in rows]
    x = features(
        embedder_from_spec(model.embedder_name), texts, head_contexts(texts, [r[2] for r in rows])
    )
    stance = model.stance.proba(x)
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
