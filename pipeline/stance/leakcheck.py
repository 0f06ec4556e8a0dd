"""The stance training data against everything it must not restate (pipeline/leaks.py).

Protected: every sentence of the seed documents (corpus/documents/) and their
gold claims, the independent stance test sets, the argument set and the blind
commentary set (benchmarks/data/). `python -m pipeline.stance.leakcheck` lists
the training items that restate one of them and exits 1 if there are any;
`--drop` removes those items from corpus/stance/ instead (until none is left).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from pipeline.ingest.language import han_count
from pipeline.leaks import SEED_COSINE, Leak, Text, find_leaks
from pipeline.models import load_gazetteer
from pipeline.stance.train import ROOT, TEST_FILES, TRAIN_DIR, load

SEEDS = ROOT / "corpus" / "documents"
SEED_GOLD = ROOT / "tests" / "data" / "seeds.gold.json"
ARGUMENTS = ROOT / "benchmarks" / "data" / "arguments.jsonl"
BLIND = ROOT / "benchmarks" / "data" / "stance_blind.jsonl"
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+|(?<=[。！？])|\n+")
_MIN_CHARS = 12


def _lang(text: str) -> str:
    return "zh" if han_count(text) else "en"


def _lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def seed_texts() -> list[Text]:
    out = []
    for path in sorted(SEEDS.glob("*.txt")):
        for n, sentence in enumerate(_SENTENCE_END.split(path.read_text(encoding="utf-8"))):
            sentence = sentence.strip()
            if len(sentence) >= _MIN_CHARS:
                out.append(Text(f"seed {path.name}:{n}", sentence, _lang(sentence)))
    gold = json.loads(SEED_GOLD.read_text(encoding="utf-8"))
    for n, claim in enumerate(gold["claims"]):
        out.append(Text(f"seed gold claim {n}", claim["text"], _lang(claim["text"])))
    return out


def test_texts() -> list[Text]:
    out = [
        Text(f"{name} {item['id']}", item["text"], item["lang"])
        for name, path in TEST_FILES.items()
        for item in load(path)
    ]
    out += [
        Text(f"arguments {item['id']}", str(item["text"]), str(item["lang"]))
        for item in _lines(ARGUMENTS)
    ]
    if BLIND.exists():
        for passage in _lines(BLIND):
            sentences = passage["sentences"]
            assert isinstance(sentences, list)
            for n, s in enumerate(sentences):
                out.append(Text(f"blind {passage['id']}:{n}", s["text"], _lang(s["text"])))
    return out


def training_texts() -> list[Text]:
    return [Text(item["id"], item["text"], item["lang"]) for item in load(TRAIN_DIR)]


def check() -> list[Leak]:
    """Every leak of the training data into the seeds or a test set."""
    from pipeline.embeddings import embedder_from_spec
    from pipeline.models import SPACE_FILE
    from pipeline.vectors import load_space

    embedder, space = embedder_from_spec("e5"), load_space(SPACE_FILE)

    def vectorize(texts: Sequence[Text]) -> npt.NDArray[np.float32]:
        vectors = embedder.encode([t.text for t in texts])
        return space.centred(vectors, [t.lang for t in texts])

    gazetteer, training = load_gazetteer(), training_texts()
    return [
        *find_leaks(training, seed_texts(), vectorize, gazetteer, leak_cosine=SEED_COSINE),
        *find_leaks(training, test_texts(), vectorize, gazetteer),
    ]


def drop(ids: set[str]) -> int:
    """Remove the training items with these ids from corpus/stance/; how many went."""
    removed = 0
    for path in sorted(TRAIN_DIR.glob("*.jsonl")):
        lines = path.read_text(encoding="utf-8").splitlines()
        kept = [line for line in lines if not line or json.loads(line)["id"] not in ids]
        removed += len(lines) - len(kept)
        path.write_text("".join(line + "\n" for line in kept), encoding="utf-8")
    return removed


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drop", action="store_true", help="remove the leaking training items")
    args = parser.parse_args(argv)
    leaks = check()
    texts = {t.key: t.text for t in training_texts()}
    for leak in leaks:
        where = f"{leak.train} ~ {leak.protected} ({leak.cosine:.2f}, {leak.why})"
        print(f"{where}: {texts[leak.train]}")
    ids = {leak.train for leak in leaks}
    if args.drop:
        removed = 0
        # Dropping items changes each test text's nearest training texts: repeat until none.
        while ids:
            removed += drop(ids)
            ids = {leak.train for leak in check()}
        print(f"removed {removed} training items", file=sys.stderr)
        return 0
    print(f"{len(ids)} training items restate a seed or test text", file=sys.stderr)
    return 1 if ids else 0


if __name__ == "__main__":
    sys.exit(main())
