"""Ingest throughput and memory: the seed corpus copied N times (each copy made unique).

Writes benchmarks/results/ingest.json. Run with `make bench`.
"""

from __future__ import annotations

import json
import resource
import sys
import tempfile
import time
from pathlib import Path

from pipeline.ingest import ingest

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"


def make_corpus(folder: Path, copies: int) -> int:
    chars = 0
    for i in range(copies):
        for seed in sorted((ROOT / "corpus" / "documents").glob("*.txt")):
            text = seed.read_text(encoding="utf-8") + f"\n\nCopy {i} of this document.\n"
            (folder / f"{i:03d}-{seed.name}").write_text(text, encoding="utf-8")
            chars += len(text)
    return chars


def main(copies: int = 20) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        folder.mkdir()
        chars = make_corpus(folder, copies)
        db = Path(tmp) / "bench.duckdb"
        start = time.perf_counter()
        report = ingest([folder], db)
        elapsed = time.perf_counter() - start
        again = time.perf_counter()
        ingest([folder], db)
        rerun = time.perf_counter() - again
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {
        "documents": report.stored,
        "characters": chars,
        "seconds": round(elapsed, 2),
        "documents_per_s": round(report.stored / elapsed, 2),
        "characters_per_s": round(chars / elapsed),
        "unchanged_rerun_seconds": round(rerun, 2),
        "peak_rss_mb": round(peak_mb),
        "note": "includes loading the spaCy and sentence-encoder models once",
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "ingest.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
