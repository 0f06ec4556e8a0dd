"""Library entry points that recompute from the stored rows: `rebuild` and `rescore`."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from pipeline.errors import NeocloudError
from pipeline.flow import lookup_texts, store_similarity
from pipeline.incremental import Progress
from pipeline.incremental import rebuild as rebuild_store
from pipeline.models import Models
from pipeline.stance.arguments import DocClaim, document_probs
from pipeline.stance.head import features_from_vectors
from pipeline.store import open_store
from pipeline.store.claims import claim_inputs, set_scores

_QUIET: Progress = lambda step, done, total: None  # noqa: E731


def rebuild(db: Path, progress: Progress = _QUIET) -> dict[str, int]:
    """Recompute derived documents, deals and arguments of the store at `db`."""
    if not db.exists():
        raise NeocloudError(f"{db}: no store here; run `neocloud ingest PATH...` first")
    con = open_store(db)
    try:
        return rebuild_store(con, db, store_similarity(), progress)
    finally:
        con.close()


def rescore(db: Path, models: Models) -> int:
    """Score every stored claim with the current heads and stance encoder, then rebuild."""
    con = open_store(db)
    try:
        rows = claim_inputs(con)
        if not rows:
            return 0
        texts = [r.text for r in rows]
        contexts = [r.context for r in rows]
        vectors = lookup_texts(con, [*texts, *(c for c in contexts if c)], models)
        x = features_from_vectors(vectors.__getitem__, texts, contexts, models.stance.ngrams)
        claim_p = models.stance.claim_proba(x)
        stance_p = models.stance.stance_proba(x, texts, contexts)
        by_doc: dict[str, list[DocClaim]] = defaultdict(list)
        probs = {}
        for r, p in zip(rows, stance_p, strict=True):
            probs[r.claim_id] = tuple(round(float(v), 4) for v in p)
            by_doc[r.doc_id].append(DocClaim(r.claim_id, r.speaker, probs[r.claim_id],
                                             r.translation_of))  # fmt: skip
        shared = {k: v for claims in by_doc.values() for k, v in document_probs(claims).items()}
        classes = models.stance.stance.classes
        set_scores(
            con,
            [(r.claim_id, classes[int(p.argmax())], round(float(p.max()), 4), round(float(c), 4),
              probs[r.claim_id], *shared[r.claim_id])
             for r, p, c in zip(rows, stance_p, claim_p, strict=True)],
        )  # fmt: skip
        rebuild_store(con, db, store_similarity())
        return len(rows)
    finally:
        con.close()
