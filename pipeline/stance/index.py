"""The argument index: every grouped claim's similarity vector in a usearch HNSW graph.

A new claim looks up its nearest claims here instead of being compared with
every stored one. The index is a cache of the store, kept beside the store
file and keyed by claims.claim_seq, in two parts so that an ingest costs the
same in a large store as in a small one:

- the base, `<store>.claims.usearch`, memory-mapped (only the graph nodes a
  search visits are read);
- the delta, `<store>.claims.delta.usearch`, the claims added since the base
  was last written, loaded and rewritten by each ingest. When it outgrows a
  quarter of the base (and 20,000 claims) it is merged into the base: a
  full write whose cost is spread over the ingests that filled it.

Claims of removed documents stay in the graph until the next merge or
rebuild; the store, asked for each neighbour, no longer knows them. The index
is rebuilt from the store's vectors when its newest key is not the store's (a
copied store, a run killed between the commit and the index write).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

Vector = npt.NDArray[np.float32]
_MERGE_AT = 20_000  # delta claims before it may be merged into the base
_DTYPE = "i8"  # 8-bit components (the vectors are rescored exactly): a quarter of float32


def index_path(db: Path) -> Path:
    return db.with_name(db.name + ".claims.usearch")


def _owner_path(base: Path) -> Path:
    return base.with_name(base.name.removesuffix(".usearch") + ".owner")


def _delta_path(base: Path) -> Path:
    return base.with_name(base.name.removesuffix(".usearch") + ".delta.usearch")


class ClaimIndex:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.owner = ""  # the identity of the store it was saved for
        self._base: Any = None  # memory-mapped, read-only
        self._delta: Any = None  # in memory; made on the first add, when the size is known
        self._cleared = False

    @classmethod
    def open(cls, path: Path) -> ClaimIndex:
        """The index saved at `path`, or an empty one when there is none (or it is unreadable)."""
        from usearch.index import Index

        index = cls(path)
        owner = _owner_path(path)
        index.owner = owner.read_text(encoding="utf-8").strip() if owner.exists() else ""
        try:
            if path.exists():
                index._base = Index.restore(str(path), view=True)
            if _delta_path(path).exists():
                index._delta = Index.restore(str(_delta_path(path)))
        except (RuntimeError, ValueError, OSError):
            index._base = index._delta = None  # a broken file is a cache miss: rebuilt
            index._cleared = True
        return index

    def _parts(self) -> list[Any]:
        return [p for p in (self._base, self._delta) if p is not None and len(p)]

    def __len__(self) -> int:
        return sum(len(p) for p in self._parts())

    def newest(self) -> int:
        """The largest key held, 0 when empty."""
        keys = [int(np.max(np.asarray(p.keys, dtype=np.int64))) for p in self._parts()]
        return max(keys, default=0)

    def add(self, keys: list[int], vectors: Vector, threads: int = 1) -> None:
        """Add claims; one thread (the default) builds the same graph on every run."""
        if not keys:
            return
        if self._delta is None:
            self._delta = _new(vectors.shape[1])
        self._delta.add(np.asarray(keys, dtype=np.uint64), vectors, threads=threads)

    def search(self, vector: Vector, k: int) -> list[tuple[int, float]]:
        """Up to `k` (key, cosine similarity) pairs, nearest first."""
        found: list[tuple[int, float]] = []
        for part in self._parts():
            hits = part.search(vector, min(k, len(part)), threads=1)
            found += [(int(key), 1.0 - float(d)) for key, d in zip(hits.keys, hits.distances,
                                                                     strict=True)]  # fmt: skip
        found.sort(key=lambda hit: (-hit[1], hit[0]))
        return found[:k]

    def clear(self) -> None:
        self._base = self._delta = None
        self._cleared = True

    def save(self) -> None:
        """Write the delta (or, once it is large, everything into the base), atomically."""
        if self.path is None:
            return
        if self._cleared:
            self.path.unlink(missing_ok=True)
            _delta_path(self.path).unlink(missing_ok=True)
        owner = _owner_path(self.path)
        if not owner.exists() or owner.read_text(encoding="utf-8").strip() != self.owner:
            partial = owner.with_name(owner.name + ".partial")
            partial.write_text(self.owner + "\n", encoding="utf-8")
            os.replace(partial, owner)
        if self._delta is None or not len(self._delta):
            return
        base = len(self._base) if self._base is not None else 0
        if self._cleared or len(self._delta) >= max(_MERGE_AT, base // 4):
            self._merge()
        else:
            _write(self._delta, _delta_path(self.path))

    def _merge(self) -> None:
        """The base with the delta added, written as the new base; the delta file goes."""
        from usearch.index import Index

        assert self.path is not None and self._delta is not None
        merged = _new(self._delta.ndim)
        if self._base is not None and len(self._base):
            merged = Index.restore(str(self.path))  # a writable copy of the base
        keys = np.asarray(self._delta.keys, dtype=np.uint64)
        vectors = np.stack([np.asarray(v, dtype=np.float32).reshape(-1)
                            for v in self._delta.get(keys, dtype=np.float32)])  # fmt: skip
        merged.add(keys, vectors, threads=0)
        _write(merged, self.path)
        _delta_path(self.path).unlink(missing_ok=True)
        self._base, self._delta, self._cleared = (
            Index.restore(str(self.path), view=True),
            None,
            False,
        )


def _new(dim: int) -> Any:
    from usearch.index import Index

    return Index(ndim=dim, metric="cos", dtype=_DTYPE)


def _write(index: Any, path: Path) -> None:
    partial = path.with_name(path.name + ".partial")
    index.save(str(partial))
    os.replace(partial, path)
