"""The store-wide steps, incremental: derived documents, deals and arguments for what changed.

After each batch of new documents, `update` takes the work queued in the store
(`pending`: new documents, removed documents' deals and arguments) and redoes
only what it touches:

- derived_from for the new documents and for the stored ones they may be the
  source of, among candidates the store's keys find (ingest/derived.py);
- deals for the deal keys (kind, provider, customer) the new or removed
  documents mention, and for documents whose original changed;
- arguments: each new claim placed through the argument index
  (stance/arguments.py, stance/index.py); the arguments it joins are
  relabelled and their claims' stances re-weighed.

`rebuild` recomputes all three from the stored rows, replaying the claims in
ingest order, and so gives what incremental ingest gave. The pure decisions live
in the modules named above; store/ reads and writes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import numpy.typing as npt

from pipeline.consolidate import consolidate, deal_id_for
from pipeline.ingest.derived import DocInfo, choose_original, document_keys, originality
from pipeline.stance import arguments as arg
from pipeline.stance.index import ClaimIndex, index_path
from pipeline.store import arguments as arg_store
from pipeline.store import deals as deal_store
from pipeline.store import derived as derived_store
from pipeline.store.bulk import insert
from pipeline.store.connect import transaction
from pipeline.store.pending import clear_pending, pending
from pipeline.store.vectors import cached
from pipeline.store.write import last_claim_seq, store_id
from pipeline.vectors import Space, unit, unpack

Progress = Callable[[str, int, int], None]  # step, done, total
_QUIET: Progress = lambda step, done, total: None  # noqa: E731
_BATCH = 500  # documents per query in rebuild


@dataclass(frozen=True)
class Similarity:
    """Where claims' similarity vectors come from: the cache's `model` rows, centred by `space`
    (None for another backend, whose vectors are used as they are)."""

    model: str
    space: Space | None

    def of(
        self, con: duckdb.DuckDBPyConnection, rows: Sequence[arg_store.ClaimRow]
    ) -> npt.NDArray[np.float32]:
        if not rows:
            return np.zeros((0, 0), dtype=np.float32)
        blobs = cached(con, self.model, [r.vector_key for r in rows])
        missing = [r.claim_id for r in rows if r.vector_key not in blobs]
        if missing:
            raise RuntimeError(f"claims without a stored vector: {missing[:3]}")
        vectors = unpack([blobs[r.vector_key] for r in rows])
        if self.space is None:
            return unit(vectors)
        return self.space.centred(vectors, [r.lang for r in rows])


def update(con: duckdb.DuckDBPyConnection, db: Path, similarity: Similarity) -> None:
    """Do the pending store-wide work in one transaction; then save the argument index."""
    index = open_index(con, db, similarity)
    with transaction(con):
        work = pending(con)
        new_docs = work["doc"]
        changed = update_derived(con, new_docs, work["derived"])
        moved = derived_store.descendants(con, changed)
        keys = deal_store.keys_of_documents(con, [*new_docs, *moved])
        keys |= {deal_store.key_of(k) for k in work["deal"]}
        update_deals(con, sorted(keys))
        rows = arg_store.claims_of_documents(con, new_docs)
        place_claims(con, index, similarity, rows, {int(a) for a in work["argument"]})
        clear_pending(con)
    index.save()


def update_derived(
    con: duckdb.DuckDBPyConnection, new_docs: Sequence[str], orphans: Sequence[str]
) -> list[str]:
    """Recompute derived_from where new documents may change it; return the documents whose
    derived_from changed."""
    if not new_docs and not orphans:
        return []
    first = derived_store.candidates(con, new_docs)
    infos = derived_store.doc_infos(con, sorted({*new_docs, *orphans, *_union(first.values())}))
    touched = {*new_docs, *(d for d in orphans if d in infos)}
    for doc in new_docs:
        touched |= {
            c for c in first[doc] if c in infos and originality(infos[c]) > originality(infos[doc])
        }
    more = derived_store.candidates(con, sorted(touched - set(new_docs)))
    found = {**first, **more}
    infos |= derived_store.doc_infos(con, sorted(_union(found.values()) - set(infos)))
    return _apply_derived(con, {d: found[d] for d in touched}, infos)


def _union(sets: Iterable[set[str]]) -> set[str]:
    return set().union(*sets)


def _apply_derived(
    con: duckdb.DuckDBPyConnection, candidates: dict[str, set[str]], infos: dict[str, DocInfo]
) -> list[str]:
    chosen = {
        doc: choose_original(infos[doc], [infos[c] for c in sorted(cands) if c in infos])
        for doc, cands in candidates.items()
    }
    old = derived_store.derived_of(con, sorted(chosen))
    changed = {doc: original for doc, original in chosen.items() if old.get(doc) != original}
    derived_store.set_derived(con, changed)
    return sorted(changed)


def update_deals(con: duckdb.DuckDBPyConnection, keys: Sequence[deal_store.Key]) -> int:
    """Consolidate the deals of these keys again from all their mentions; return their number."""
    if not keys:
        return 0
    mentions, stated = deal_store.mentions_of(con, keys)
    docs = sorted({m.doc_id for m in mentions} | {f.doc_id for f in stated})
    deals, evidence = consolidate(mentions, stated, deal_store.roots_of(con, docs))
    deal_store.replace_deals(con, [deal_id_for(*k) for k in keys], deals, evidence)
    return len(deals)


def open_index(con: duckdb.DuckDBPyConnection, db: Path, similarity: Similarity) -> ClaimIndex:
    """The argument index, rebuilt from the store's vectors if it does not match the store.

    It matches when it holds the newest grouped claim and nothing newer than the last
    claim_seq handed out; keys of removed claims may linger (searches skip them).
    """
    index = ClaimIndex.open(index_path(db))
    count, newest = arg_store.grouped_claim_stats(con)
    owner = store_id(con)
    if (
        index.owner == owner
        and newest <= index.newest() <= last_claim_seq(con)
        and len(index) >= count
    ):
        return index
    index.clear()
    index.owner = owner
    grouped = [r for r in arg_store.all_claims(con) if r.argument_id is not None]
    for start in range(0, len(grouped), 2000):
        chunk = grouped[start : start + 2000]
        index.add([r.claim_seq for r in chunk], similarity.of(con, chunk))
    return index


_CHUNK = 2000  # claims placed per index search: their mutual similarities are computed exactly


def place_claims(
    con: duckdb.DuckDBPyConnection,
    index: ClaimIndex,
    similarity: Similarity,
    rows: Sequence[arg_store.ClaimRow],
    lost: Iterable[int] = (),
    progress: Callable[[int], None] = lambda n: None,
) -> None:
    """Put new claims (in ingest order) into arguments; refresh the arguments they joined and
    those in `lost` (which lost claims to a removed document).

    A claim's neighbours are the nearest among all claims placed before it: those already
    in the index, found in one batched search, and those of its own chunk, compared
    exactly; the chunking does not change which claims those are.
    """
    states = _recomputed(con, similarity, lost)
    argument_of: dict[str, int] = {}
    translated_by: dict[str, list[str]] = {}
    for r in rows:
        if r.translation_of:
            translated_by.setdefault(r.translation_of, []).append(r.claim_id)
    next_id = arg_store.next_argument_id(con)
    touched = set(states)
    done = 0
    for start in range(0, len(rows), _CHUNK):
        chunk = rows[start : start + _CHUNK]
        vectors = similarity.of(con, chunk)
        found = [index.search(v, arg.NEIGHBOURS) for v in vectors]
        stored = arg_store.claims_at(con, {k for hits in found for k, _ in hits})
        wanted = {a for a, _ in stored.values()} - set(states)
        states |= {a: arg.ArgumentState(a, *s) for a, s in arg_store.states(con, wanted).items()}
        within = vectors @ vectors.T
        for n, (row, vector) in enumerate(zip(chunk, vectors, strict=True)):
            near = [(sim, k, *stored[k]) for k, sim in found[n] if k in stored]
            near += [(float(within[n, j]), chunk[j].claim_seq, argument_of[chunk[j].claim_id],
                      chunk[j].text) for j in _nearest_before(within[n], n)]  # fmt: skip
            near.sort(key=lambda item: (-item[0], item[1]))
            neighbours = [arg.Neighbour(a, text) for _, _, a, text in near[: arg.NEIGHBOURS]]
            chosen = arg.choose_argument(
                row.text, vector, neighbours, _partner(row, argument_of, translated_by), states
            )
            if chosen is None:
                chosen, next_id = next_id, next_id + 1
                states[chosen] = arg.ArgumentState(chosen)
            states[chosen].add(vector, row.shared_probs)
            argument_of[row.claim_id] = chosen
            touched.add(chosen)
            progress(done + n + 1)
        index.add([r.claim_seq for r in chunk], vectors)
        done += len(chunk)
    arg_store.assign(con, argument_of)
    changed = {a: states[a] for a in touched}
    arg_store.save_states(con, {a: (s.n, s.vector_sum, s.prob_sum) for a, s in changed.items()})
    _refresh(con, similarity, changed)


def _nearest_before(similarities: npt.NDArray[np.float32], n: int) -> Iterable[int]:
    """Indices under `n` that may be among the NEIGHBOURS most similar (all ties of the last
    kept), so the exact sort after sees the same neighbours as a sort of all `n`."""
    if n <= arg.NEIGHBOURS:
        return range(n)
    before = similarities[:n]
    kth = np.partition(before, n - arg.NEIGHBOURS)[n - arg.NEIGHBOURS]
    return (int(j) for j in np.flatnonzero(before >= kth))


def _partner(
    row: arg_store.ClaimRow, argument_of: dict[str, int], translated_by: dict[str, list[str]]
) -> int | None:
    """The argument of the claim this one translates, or of a translation of it, if placed."""
    if row.translation_of in argument_of:
        return argument_of[row.translation_of]
    for other in translated_by.get(row.claim_id, []):
        if other in argument_of:
            return argument_of[other]
    return None


def _recomputed(
    con: duckdb.DuckDBPyConnection, similarity: Similarity, argument_ids: Iterable[int]
) -> dict[int, arg.ArgumentState]:
    """Sums of arguments rebuilt from the claims they still have (a removed document's are gone)."""
    states = {a: arg.ArgumentState(a) for a in argument_ids}
    members = arg_store.members_of(con, states)
    for row, vector in zip(members, similarity.of(con, members), strict=True):
        assert row.argument_id is not None
        states[row.argument_id].add(vector, row.shared_probs)
    return states


def _refresh(
    con: duckdb.DuckDBPyConnection, similarity: Similarity, changed: dict[int, arg.ArgumentState]
) -> None:
    """Re-weigh the stances of the changed arguments' claims, then relabel and restance them."""
    live = {a: s for a, s in changed.items() if s.n}
    members = arg_store.members_of(con, live)
    stances = {}
    for m in members:
        assert m.argument_id is not None
        state = live[m.argument_id]
        stances[m.claim_id] = arg.final_stance(
            m.shared_probs, m.speaker_probs, state.prob_sum, state.n
        )
    arg_store.set_stances(con, stances)
    by_argument: dict[int, list[tuple[arg_store.ClaimRow, npt.NDArray[np.float32]]]] = {}
    for m, v in zip(members, similarity.of(con, members), strict=True):
        assert m.argument_id is not None
        by_argument.setdefault(m.argument_id, []).append((m, v))
    rows = []
    for a, group in sorted(by_argument.items()):
        text = arg.label([(m.text, m.lang, v) for m, v in group], live[a].vector_sum)
        stance = arg.argument_stance([stances[m.claim_id] for m, _ in group])
        rows.append((a, text, stance))
    arg_store.write_arguments(con, rows)


def rebuild(
    con: duckdb.DuckDBPyConnection, db: Path, similarity: Similarity, progress: Progress = _QUIET
) -> dict[str, int]:
    """Recompute derived documents, deals and arguments from the stored rows."""
    docs = derived_store.all_documents(con)
    with transaction(con):
        _refingerprint(con, docs, progress)
        derived_store.set_derived(con, dict.fromkeys(docs))
        for start in range(0, len(docs), _BATCH):
            chunk = docs[start : start + _BATCH]
            found = derived_store.candidates(con, chunk)
            infos = derived_store.doc_infos(con, sorted({*chunk, *_union(found.values())}))
            _apply_derived(con, {d: found[d] for d in chunk if d in infos}, infos)
            progress("derived documents", min(start + _BATCH, len(docs)), len(docs))
        keys = sorted(deal_store.all_keys(con))
        con.execute("DELETE FROM deal_evidence")
        con.execute("DELETE FROM deals")
        con.execute("UPDATE figures SET deal_id = NULL WHERE deal_id IS NOT NULL")
        deals = update_deals(con, keys)
        progress("deals", len(keys), len(keys))
        arg_store.reset_arguments(con)
        index = ClaimIndex(index_path(db))
        index.clear()  # the files on disk go when the new index is saved
        index.owner = store_id(con)
        rows = arg_store.all_claims(con)
        place_claims(con, index, similarity, rows,
                     progress=lambda n: progress("arguments", n, len(rows)))  # fmt: skip
        clear_pending(con)
    index.save()
    return {"documents": len(docs), "deals": deals, "claims": len(rows)}


def _refingerprint(con: duckdb.DuckDBPyConnection, docs: Sequence[str], progress: Progress) -> None:
    """Recompute every document's keys from its text (they follow code changes too)."""
    for start in range(0, len(docs), _BATCH):
        chunk = docs[start : start + _BATCH]
        infos = derived_store.doc_infos(con, chunk)
        con.execute("DELETE FROM doc_keys WHERE doc_id IN (SELECT unnest(?::VARCHAR[]))", [chunk])
        rows = []
        for doc_id in chunk:
            keys = document_keys(infos[doc_id])
            con.execute(
                "UPDATE doc_state SET minhash = ?, kind_rank = ?, length = ? WHERE doc_id = ?",
                [keys.minhash, keys.kind_rank, keys.length, doc_id],
            )
            rows += [[doc_id, kind, key, part] for kind, key, part in keys.keys]
        insert(con, "doc_keys", ("doc_id", "kind", "key", "part"), rows)
        progress("fingerprints", min(start + _BATCH, len(docs)), len(docs))
