"""The runner: files to stored facts, in batches, with constant cost per new document.

    read ─ segment ─ analyze ─ cache lookup ─ encode ─ pair ─ resolve ─ deals ─ claims
    ingest/  ingest/   extract/    store/       one e5 pass per new sentence, batched
                       (spaCy)     vectors      across documents; then the heads
      ─ persist ─ store-wide steps
        store/    incremental.py (derived documents, deals, arguments: what changed only)

Every stage is a function over records; models come in once, from models.py.
Files are taken a wave at a time. A wave's documents are prepared (segmented
and parsed), their sentences looked up in the vector cache, finished (every
sentence the cache lacks encoded in one batch, then translation pairs,
entities, deals and claims) and written in one transaction; the store-wide
steps for what it changed run while the next wave is finished. With `workers`
> 1 the prepare and finish stages run in that many processes, each loading the
models once; this process writes.

A document whose batch fails to write is retried alone, so one bad document
never loses the others; a wave killed half-way leaves the store as it was
before the wave, and store-wide work left undone is finished by the next run.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import numpy.typing as npt

from pipeline.errors import NeocloudError, UnreadableFile
from pipeline.extract.analyze import SegmentAnalysis, analyze
from pipeline.extract.deals import find_deals
from pipeline.extract.resolve import resolve_entities
from pipeline.incremental import Similarity, update
from pipeline.ingest.derived import DocInfo, document_keys
from pipeline.ingest.document import language_shares, segment_document
from pipeline.ingest.readers import find_files, read_file
from pipeline.ingest.translation import pair_translations
from pipeline.models import CacheNames, Models, cache_names
from pipeline.records import (
    Document,
    RawDocument,
    ReadError,
    Segment,
    SegmentedDocument,
)
from pipeline.stance.arguments import DocClaim, document_probs
from pipeline.stance.claims import Candidate, claim_candidates, claim_spans, score_claims
from pipeline.stance.head import Matrix, softmax
from pipeline.store import open_store, write
from pipeline.store import vectors as vector_store
from pipeline.store.connect import transaction
from pipeline.store.pending import pending
from pipeline.vectors import Space, pack_many, text_key, unit, unpack

PIPELINE_VERSION = 2  # bump when a change means stored documents must be analyzed again
WAVE = 16  # documents per worker per wave: enough to batch the encoder, few enough to stream

OnFile = Callable[[Path], None]


@dataclass
class IngestReport:
    files: int = 0
    stored: int = 0
    skipped: int = 0
    failures: list[ReadError] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return len(self.failures)

    def summary(self) -> str:
        return (
            f"{self.files} file{'s' if self.files != 1 else ''} read: "
            f"{self.stored} documents stored, {self.skipped} skipped, {self.failed} failed"
        )


# -- the stages ------------------------------------------------------------------------


@dataclass(frozen=True)
class Prepared:
    """Documents segmented and parsed, with the texts whose vectors they need."""

    docs: tuple[SegmentedDocument, ...]
    analyses: tuple[dict[int, SegmentAnalysis], ...]
    texts: tuple[tuple[str, str], ...]  # (text, lang), each once
    failures: tuple[ReadError, ...] = ()


@dataclass(frozen=True)
class Built:
    documents: tuple[Document, ...]
    # New cache entries by model name: text key -> sentence vector (or stance logits).
    cache: dict[str, dict[str, bytes]]
    failures: tuple[ReadError, ...] = ()


@dataclass(frozen=True)
class Cached:
    vectors: dict[str, bytes]
    logits: dict[str, bytes]
    similar: dict[str, bytes]


def prepare(raws: Sequence[RawDocument], models: Models) -> Prepared:
    """Segment and parse; a document that cannot be segmented is a failure, not an error."""
    docs: list[SegmentedDocument] = []
    failures: list[ReadError] = []
    for raw in raws:
        try:
            docs.append(segment_document(raw))
        except UnreadableFile as exc:
            failures.append(ReadError(raw.path, _reason(exc, raw.path)))
    analyses = analyze([(d.doc_id, d.segments) for d in docs], models.nlp, models.gazetteer)
    texts: dict[str, str] = {}
    for doc, found in zip(docs, analyses, strict=True):
        for seg in doc.segments:
            for text in _texts(seg, found[seg.seg_no]):
                texts.setdefault(text, seg.lang)
    return Prepared(tuple(docs), tuple(analyses), tuple(texts.items()), tuple(failures))


def _texts(seg: Segment, analysis: SegmentAnalysis) -> Iterator[str]:
    """The sentences of a segment, and its claim spans (a tag question with its answer)."""
    for start, end in (*analysis.sentences, *claim_spans(seg.text, analysis.sentences)):
        text = seg.text[start:end].strip()
        if text:
            yield text


def lookup(con: duckdb.DuckDBPyConnection, prepared: Prepared, names: CacheNames) -> Cached:
    """What the vector cache already has for these texts."""
    keys = [text_key(t) for t, _ in prepared.texts]
    similar = {}
    if names.similarity is not None:
        similar = vector_store.cached(con, names.similarity, keys)
    # Stance logits are keyed by the encoder's input, known only after the claim head: the
    # cache is asked for every text (most claims are a sentence on its own).
    return Cached(
        vector_store.cached(con, names.vectors, keys),
        vector_store.cached(con, names.logits, keys),
        similar,
    )


def finish(prepared: Prepared, cached: Cached, models: Models) -> Built:
    """Encode what the cache lacks, then pair, resolve, find deals and claims."""
    texts = [t for t, _ in prepared.texts]
    langs = dict(prepared.texts)
    vectors, fresh = _encode(texts, cached.vectors, models.encoder.encode)
    if models.similarity is None:
        space_of = _centred(vectors, langs, models.space)
        similar_fresh: dict[str, bytes] = {}
    else:
        raw, similar_fresh = _encode(texts, cached.similar, models.similarity.encode)
        space_of = {t: unit(v[None, :])[0] for t, v in raw.items()}
    logits = _Logits(models, cached.logits)
    stance = replace(models.stance, encoder=logits) if models.stance.encoder else models.stance
    staged = []
    for doc, found in zip(prepared.docs, prepared.analyses, strict=True):
        staged.append(_link(doc, found, space_of, vectors.__getitem__, models))
    scored = score_claims(
        [(d.doc_id, segs, cands) for d, segs, _, _, cands in staged],
        stance,
        vectors.__getitem__,
        space_of.__getitem__,
    )
    documents = tuple(
        _document(doc, segs, found, mentions, claims)
        for (doc, segs, found, mentions, _), claims in zip(staged, scored, strict=True)
    )
    cache = {vector_model(models): fresh, logit_model(models): logits.fresh}
    if models.similarity is not None:
        cache[models.similarity.name] = similar_fresh
    return Built(documents, cache, prepared.failures)


def _encode(
    texts: Sequence[str],
    cached: dict[str, bytes],
    encode: Callable[[Sequence[str]], npt.NDArray[np.float32]],
) -> tuple[dict[str, npt.NDArray[np.float32]], dict[str, bytes]]:
    """Every text's vector: from the cache, or encoded now in one batch (and returned as new)."""
    keys = {t: text_key(t) for t in texts}
    have = [t for t in texts if keys[t] in cached]
    out = dict(zip(have, unpack([cached[keys[t]] for t in have]), strict=True))
    missing = [t for t in texts if keys[t] not in cached]
    encoded = encode(missing)
    out.update(zip(missing, encoded, strict=True))
    fresh = dict(zip([keys[t] for t in missing], pack_many(encoded), strict=True))
    return out, fresh


def _centred(
    vectors: dict[str, npt.NDArray[np.float32]], langs: dict[str, str], space: Space
) -> dict[str, npt.NDArray[np.float32]]:
    texts = list(vectors)
    if not texts:
        return {}
    centred = space.centred(np.stack([vectors[t] for t in texts]), [langs[t] for t in texts])
    return dict(zip(texts, centred, strict=True))


def _link(
    doc: SegmentedDocument,
    found: dict[int, SegmentAnalysis],
    space_of: dict[str, npt.NDArray[np.float32]],
    vector_of: Callable[[str], npt.NDArray[np.float32]],
    models: Models,
) -> tuple[
    SegmentedDocument, tuple[Segment, ...], dict[int, SegmentAnalysis], Any, list[Candidate]
]:
    """Translation pairs from segment vectors (the mean of their sentences'), then the
    entities resolved across languages, the deal mentions and the claim candidates."""
    segment_vectors = np.stack(
        [_segment_vector(s, found[s.seg_no], space_of) for s in doc.segments]
    )
    pairs = pair_translations(
        [s.lang for s in doc.segments], [s.text for s in doc.segments], segment_vectors
    )
    segments = tuple(replace(s, translation_of=pairs.get(s.seg_no)) for s in doc.segments)
    resolved = resolve_entities(segments, found)
    mentions = find_deals(segments, resolved, models.gazetteer, models.relations, vector_of)
    return doc, segments, resolved, mentions, claim_candidates(segments, resolved)


def _segment_vector(
    seg: Segment, analysis: SegmentAnalysis, space_of: dict[str, npt.NDArray[np.float32]]
) -> npt.NDArray[np.float32]:
    sentences = [seg.text[s:e].strip() for s, e in analysis.sentences]
    rows = [space_of[t] for t in sentences if t]
    if not rows:  # a segment of blanks: like nothing else
        return np.zeros(len(next(iter(space_of.values()), ())), dtype=np.float32)
    mean: npt.NDArray[np.float32] = unit(np.mean(rows, axis=0, keepdims=True))[0]
    return mean


def _document(
    doc: SegmentedDocument,
    segments: tuple[Segment, ...],
    found: dict[int, SegmentAnalysis],
    mentions: Any,
    claims: tuple[Any, ...],
) -> Document:
    probs = document_probs(
        [DocClaim(c.claim_id, c.speaker, c.stance_probs, c.translation_of) for c in claims]
    )
    claims = tuple(
        replace(c, shared_probs=probs[c.claim_id][0], speaker_probs=probs[c.claim_id][1])
        for c in claims
    )
    text = "\n\n".join(s.text for s in segments)
    keys = document_keys(DocInfo(doc.doc_id, doc.title, doc.kind, text, doc.published_on))
    return Document(
        doc_id=doc.doc_id,
        path=doc.path,
        title=doc.title,
        kind=doc.kind,
        languages=language_shares(segments),
        segments=segments,
        publisher=doc.publisher,
        source_url=doc.source_url,
        published_on=doc.published_on,
        figures=tuple(f for a in found.values() for f in a.figures),
        entities=tuple(e for a in found.values() for e in a.entities),
        deal_mentions=mentions,
        claims=claims,
        keys=keys,
    )


class _Logits:
    """The stance encoder behind the logits cache: known inputs are not run again."""

    def __init__(self, models: Models, cached: dict[str, bytes]) -> None:
        encoder = models.stance.encoder
        assert encoder is not None
        self._encoder = encoder
        self.classes = encoder.classes
        self._cached = cached
        self.fresh: dict[str, bytes] = {}

    def proba(self, texts: Sequence[str], temperature: float = 1.0) -> Matrix:
        return softmax(self.logits(texts) / temperature)

    def logits(self, texts: Sequence[str]) -> Matrix:
        keys = [text_key(t) for t in texts]
        known = {**self._cached, **self.fresh}
        missing = list(dict.fromkeys(t for t, k in zip(texts, keys, strict=True) if k not in known))
        if missing:
            computed = self._encoder.logits(missing)
            for text, row in zip(missing, computed, strict=True):
                self.fresh[text_key(text)] = np.asarray(row, dtype=np.float32).tobytes()
            known = {**self._cached, **self.fresh}
        out: Matrix = (
            np.stack([np.frombuffer(known[k], dtype=np.float32) for k in keys])
            if keys
            else (np.zeros((0, len(self.classes)), dtype=np.float32))
        )
        return out


def vector_model(models: Models) -> str:
    """The cache's name for the shared encoder's vectors."""
    return _names(models).vectors


def logit_model(models: Models) -> str:
    """The cache's name for stance logits: they change with the shipped encoder file."""
    return _names(models).logits


def _names(models: Models) -> CacheNames:
    if models.names is None:
        raise NeocloudError("models without cache names: load them with models.load_models")
    return models.names


def store_similarity(names: CacheNames | None = None, space: Space | None = None) -> Similarity:
    """Where the store-wide steps read claims' similarity vectors from (no model loaded)."""
    from pipeline.models import SPACE_FILE
    from pipeline.vectors import load_space

    names = names or cache_names()
    if names.similarity is None:
        return Similarity(names.vectors, space or load_space(SPACE_FILE))
    return Similarity(names.similarity, None)


def lookup_texts(
    con: duckdb.DuckDBPyConnection, texts: Sequence[str], models: Models
) -> dict[str, npt.NDArray[np.float32]]:
    """The shared encoder's vectors of `texts`: from the cache, the rest encoded and cached."""
    unique = list(dict.fromkeys(texts))
    model = vector_model(models)
    cached = vector_store.cached(con, model, [text_key(t) for t in unique])
    vectors, fresh = _encode(unique, cached, models.encoder.encode)
    vector_store.remember(con, model, fresh)
    return vectors


def build_documents(raws: Sequence[RawDocument], models: Models) -> list[Document]:
    """The per-document stages without a store (no cache): for tests and library use."""
    prepared = prepare(raws, models)
    if prepared.failures:
        raise UnreadableFile(prepared.failures[0].reason)
    return list(finish(prepared, Cached({}, {}, {}), models).documents)


# -- the run -----------------------------------------------------------------------------


def ingest(
    paths: Iterable[Path],
    db: Path,
    on_file: OnFile | None = None,
    *,
    models: Models | None = None,
    workers: int | None = None,
) -> IngestReport:
    """Read files and folders into the store at `db`; see the module docstring.

    `workers` processes (one core each) run the per-document stages; with more than
    one, the next wave is prepared while this process writes the current one. None:
    one per core, fewer for a few files (a worker costs ~5 s of model loading); with
    `models` given, everything runs here with them.
    """
    files = _expand(paths)
    if workers is None:
        workers = max(1, min(default_workers(), len(files) // WAVE))
    report = IngestReport()
    con = open_store(db)
    engine: _Engine | None = None
    try:
        waves = _chunks(files, WAVE * max(workers, 1))
        current = _read_wave(con, next(waves, []), report)
        started = None
        while current is not None:
            jobs, wave = current
            todo = [r for j in jobs for r in j.raws]
            if todo:
                engine = engine or _Engine(models, workers)
                started = started or engine.start(todo)
                prepared = engine.prepared(started)
                finishing = engine.finish(con, prepared)
                # The store-wide steps for what is stored so far, while the workers finish.
                _settle(con, db, engine)
                upcoming = _read_wave(con, next(waves, None), report)
                nxt = [r for j in upcoming[0] for r in j.raws] if upcoming else []
                started = engine.start(nxt) if nxt and engine.overlaps else None
                built = engine.built(finishing, [r.path for r in todo])
                _store_built(con, [j for j in jobs if j.raws], built, report)
            else:
                upcoming = _read_wave(con, next(waves, None), report)
            for path in wave:
                if on_file:
                    on_file(path)
            current = upcoming
        _settle(con, db, engine)
    finally:
        if engine:
            engine.close()
        con.close()
    return report


def _settle(con: duckdb.DuckDBPyConnection, db: Path, engine: _Engine | None) -> None:
    """Run the pending store-wide steps (derived documents, deals, arguments), if any."""
    if any(pending(con).values()):
        update(con, db, engine.similarity if engine else store_similarity())


def _read_wave(
    con: duckdb.DuckDBPyConnection, wave: list[Path] | None, report: IngestReport
) -> tuple[list[_Job], list[Path]] | None:
    if wave is None:
        return None
    return [_read(con, path, report) for path in wave], wave


@dataclass
class _Job:
    path: Path
    sha: str
    raws: list[RawDocument] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # record paths the file still holds
    failed: bool = False


def _read(con: duckdb.DuckDBPyConnection, path: Path, report: IngestReport) -> _Job:
    """Read a file unless it is unchanged; keep the records that need building."""
    report.files += 1
    try:
        data = path.read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        job = _Job(path, sha)
        if write.unchanged_files(con, [(str(path), sha)]):
            report.skipped += 1
            return job
        records = read_file(path, data)
    except (UnreadableFile, OSError) as exc:
        report.failures.append(ReadError(str(path), _reason(exc, path)))
        return _Job(path, "", failed=True)
    raws = []
    for record in records:
        if isinstance(record, ReadError):
            report.failures.append(record)
            job.failed = True
        else:
            job.kept.append(record.path)
            raws.append(record)
    job.raws = _needing_build(con, raws, report)
    if not job.raws:
        _finish_file(con, job)
    return job


def _needing_build(
    con: duckdb.DuckDBPyConnection, raws: list[RawDocument], report: IngestReport
) -> list[RawDocument]:
    """Records whose content is not stored yet (or was analyzed by an older pipeline)."""
    from pipeline.ingest.document import content_id

    ids = [content_id(r.text) for r in raws]
    stored = write.stored_documents(con, ids)
    out = []
    for raw, doc_id in zip(raws, ids, strict=True):
        path_version = stored.get(doc_id)
        if path_version and path_version[1] == PIPELINE_VERSION:
            report.skipped += 1  # unchanged here, or the same text stored from another path
            continue
        out.append(raw)
    return out


def _finish_file(con: duckdb.DuckDBPyConnection, job: _Job) -> None:
    """A file with nothing to build: drop what it no longer holds, remember it if it read fine."""
    with transaction(con):
        gone = [
            d for p, d in write.documents_of_file(con, str(job.path)).items() if p not in job.kept
        ]
        write.delete_documents(con, gone)
        if not job.failed:
            write.record_files(con, [(str(job.path), job.sha)])


def _store_built(
    con: duckdb.DuckDBPyConnection, jobs: list[_Job], built: Built, report: IngestReport
) -> None:
    """Write a wave's documents in one transaction; if that fails, one by one."""
    report.failures.extend(built.failures)
    failed_paths = {f.path for f in built.failures}
    docs = _unique(built.documents)
    stored = write.stored_documents(con, [d.doc_id for d in docs])
    # A text a wave still being prepared did not know was stored (another path's copy).
    fresh = [d for d in docs if stored.get(d.doc_id, ("", None))[1] != PIPELINE_VERSION]
    report.skipped += len(built.documents) - len(fresh)
    try:
        _store(con, jobs, fresh, built, failed_paths)
        report.stored += len(fresh)
    except duckdb.Error:
        for doc in fresh:  # the batch failed: find the document that cannot be written
            try:
                _store(con, [], [doc], built, failed_paths)
                report.stored += 1
            except duckdb.Error as exc:
                report.failures.append(ReadError(doc.path, f"cannot be stored ({exc})"))
                failed_paths.add(doc.path)
        _store(con, jobs, [], built, failed_paths)


def _unique(docs: Sequence[Document]) -> list[Document]:
    """One document per content: a text found twice in a wave is kept once."""
    seen: dict[str, Document] = {}
    for d in docs:
        seen.setdefault(d.doc_id, d)
    return list(seen.values())


def _store(
    con: duckdb.DuckDBPyConnection,
    jobs: list[_Job],
    docs: Sequence[Document],
    built: Built,
    failed_paths: set[str],
) -> None:
    """One transaction: replace what these documents' paths held, write them, and settle the
    files (pruned records dropped, a file remembered when all of it went in)."""
    with transaction(con):
        replaced = write.documents_at(con, [d.path for d in docs])
        for job in jobs:
            held = write.documents_of_file(con, str(job.path))
            replaced += [d for p, d in held.items() if p not in job.kept]
        # An older pipeline's analysis of the same text goes too.
        replaced += list(write.stored_documents(con, [d.doc_id for d in docs]))
        write.delete_documents(con, sorted(set(replaced)))
        doc_seq, claim_seq = write.next_sequence(con)
        write.write_documents(con, docs, PIPELINE_VERSION, doc_seq, claim_seq)
        for model, entries in built.cache.items():
            vector_store.remember(con, model, entries)
        complete = [j for j in jobs if not j.failed and not {str(j.path), *j.kept} & failed_paths]
        write.record_files(con, [(str(j.path), j.sha) for j in complete])


class _Engine:
    """Runs prepare and finish here, or in worker processes that each load the models once
    and use one core; this process looks up the cache between the two and writes."""

    def __init__(self, models: Models | None, workers: int) -> None:
        from pipeline.models import load_models

        self.pool: Any = None
        self.workers = 1 if models is not None else workers
        if self.workers > 1:
            import multiprocessing

            # spawn: a fresh interpreter per worker; forking a process that holds
            # onnxruntime's and DuckDB's threads is not safe.
            context = multiprocessing.get_context("spawn")
            self.pool = context.Pool(self.workers, _start_worker, (1,))
            self.models = None
            self.names = cache_names()
            self.similarity = store_similarity(self.names)
        else:
            self.models = models or load_models(threads=1)
            self.names = _names(self.models)
            self.similarity = store_similarity(self.names, self.models.space)

    @property
    def overlaps(self) -> bool:
        """Whether the next wave can be prepared while this one is written."""
        return self.pool is not None

    def start(self, raws: list[RawDocument]) -> Any:
        """Begin preparing `raws` (in the workers, or here at once)."""
        if self.pool is None:
            assert self.models is not None
            return [prepare(raws, self.models)]
        return [
            self.pool.apply_async(_prepare_in_worker, (c,)) for c in _balanced(raws, self.workers)
        ]

    def prepared(self, started: Any) -> list[Prepared]:
        return [s if isinstance(s, Prepared) else s.get() for s in started]

    def finish(self, con: duckdb.DuckDBPyConnection, prepared: list[Prepared]) -> Any:
        looked = [lookup(con, p, self.names) for p in prepared]
        if self.pool is None:
            assert self.models is not None
            return [finish(p, c, self.models) for p, c in zip(prepared, looked, strict=True)]
        return [
            self.pool.apply_async(_finish_in_worker, ((p, c),))
            for p, c in zip(prepared, looked, strict=True)
        ]

    def built(self, finishing: Any, order: Sequence[str]) -> Built:
        parts = [f if isinstance(f, Built) else f.get() for f in finishing]
        return _merged(parts, order)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
            self.pool.join()


def _balanced(raws: list[RawDocument], parts: int) -> list[list[RawDocument]]:
    """`raws` in `parts` chunks of about equal text, each in reading order."""
    load = [0] * parts
    chunks: list[list[tuple[int, RawDocument]]] = [[] for _ in range(parts)]
    for n, raw in sorted(enumerate(raws), key=lambda item: -len(item[1].text)):
        lightest = load.index(min(load))
        chunks[lightest].append((n, raw))
        load[lightest] += len(raw.text)
    return [
        [raw for _, raw in sorted(chunk, key=lambda item: item[0])] for chunk in chunks if chunk
    ]


def _merged(parts: Sequence[Built], order: Sequence[str]) -> Built:
    """The workers' results as one, documents back in reading order (`order`: their paths)."""
    place = {path: n for n, path in enumerate(order)}
    documents = sorted((d for b in parts for d in b.documents), key=lambda d: place[d.path])
    cache: dict[str, dict[str, bytes]] = {}
    for b in parts:
        for model, entries in b.cache.items():
            cache.setdefault(model, {}).update(entries)
    failures = tuple(f for b in parts for f in b.failures)
    return Built(tuple(documents), cache, failures)


_WORKER_MODELS: list[Models] = []  # the worker process's models, loaded once at its start


def _start_worker(threads: int) -> None:
    from pipeline.models import load_models

    _WORKER_MODELS.append(load_models(threads=threads))


def _prepare_in_worker(raws: list[RawDocument]) -> Prepared:
    return prepare(raws, _WORKER_MODELS[0])


def _finish_in_worker(job: tuple[Prepared, Cached]) -> Built:
    return finish(job[0], job[1], _WORKER_MODELS[0])


def default_workers() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def _chunks(items: list[Path], size: int) -> Iterator[list[Path]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _expand(paths: Iterable[Path]) -> list[Path]:
    try:
        return list(find_files(paths))
    except UnreadableFile as exc:
        raise NeocloudError(str(exc)) from exc


def _reason(exc: Exception, path: object) -> str:
    """The error's message without a leading "path:", which the report prints itself."""
    message = str(exc)
    prefix = f"{path}: "
    return message[len(prefix) :] if message.startswith(prefix) else message
