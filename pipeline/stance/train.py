"""Train the claim detector and the stance head; report held-out and cross-lingual scores.

Data: corpus/stance/*.jsonl (labels skeptical / positive / neutral / fact).
A fixed 20% of it, stratified by label and language, is held out; the shipped
heads are fitted on the other 80%, so the held-out numbers stay honest. The
cross-lingual score fits on English only and tests on all Chinese claims.
The files of benchmarks/data/stance_test*.jsonl, written by other hands from
no training claim, are scored too.
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.embeddings import Embedder, embedder_from_spec
from pipeline.stance.head import HEAD_FILE, Features, Head, Ngrams, features, ngram_texts

ROOT = Path(__file__).resolve().parents[2]
TRAIN_DIR = ROOT / "corpus" / "stance"
TEST_FILES = {
    "independent_test": ROOT / "benchmarks" / "data" / "stance_test.jsonl",
    "independent_rhetoric_test": ROOT / "benchmarks" / "data" / "stance_test_rhetoric.jsonl",
}
RESULTS = ROOT / "benchmarks" / "results" / "stance.json"
STANCES = ("neutral", "positive", "skeptical")
_HELD_OUT = 0.2
# multilingual-e5 vectors sit in a narrow band: the head needs little regularization.
_C_GRID = (4.0, 16.0, 64.0, 256.0)
HEAD_EMBEDDER = "e5"

Item = dict[str, Any]


def load(path: Path) -> list[Item]:
    """One JSON Lines file, or every *.jsonl file of a folder."""
    files = sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
    return [
        json.loads(line)
        for file in files
        for line in file.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def split(items: list[Item], seed: int = 0) -> tuple[list[Item], list[Item]]:
    """Stratified by (label, lang): the same items are held out on every run."""
    groups: dict[tuple[str, str], list[Item]] = defaultdict(list)
    for item in items:
        groups[(item["label"], item["lang"])].append(item)
    rng = random.Random(seed)
    train: list[Item] = []
    held: list[Item] = []
    for key in sorted(groups):
        group = sorted(groups[key], key=lambda i: i["id"])
        rng.shuffle(group)
        cut = round(len(group) * _HELD_OUT)
        held += group[:cut]
        train += group[cut:]
    return train, held


def fit(x: Features, y: Sequence[str]) -> Head:
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_score

    best_c = max(
        _C_GRID,
        key=lambda c: cross_val_score(
            LogisticRegression(C=c, max_iter=5000), x, y, cv=5, scoring="f1_macro"
        ).mean(),
    )
    model = LogisticRegression(C=best_c, max_iter=5000).fit(x, y)
    return Head(
        tuple(str(c) for c in model.classes_),
        model.coef_.astype(np.float32),
        model.intercept_.astype(np.float32),
    )


def scores(head: Head, x: Features, y: Sequence[str]) -> dict[str, float]:
    if not len(y):
        return {}
    predicted = [head.classes[i] for i in head.proba(x).argmax(axis=1)]
    accuracy = sum(p == t for p, t in zip(predicted, y, strict=True)) / len(y)
    f1s = []
    for label in sorted(set(y)):
        tp = sum(p == t == label for p, t in zip(predicted, y, strict=True))
        fp = sum(p == label != t for p, t in zip(predicted, y, strict=True))
        fn = sum(t == label != p for p, t in zip(predicted, y, strict=True))
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return {"n": len(y), "accuracy": round(accuracy, 3), "macro_f1": round(float(np.mean(f1s)), 3)}


def _xy(
    embedder: Embedder, ngrams: Ngrams | None, items: list[Item], task: str
) -> tuple[Features, list[str]]:
    if task == "stance":
        items = [i for i in items if i["label"] in STANCES]
        labels = [i["label"] for i in items]
    else:
        labels = ["fact" if i["label"] == "fact" else "claim" for i in items]
    x = features(
        embedder, [i["text"] for i in items], [i.get("context", "") for i in items], ngrams
    )
    return x, labels


def fit_ngrams(items: list[Item]) -> Ngrams:
    return Ngrams.fit(
        ngram_texts([i["text"] for i in items], [i.get("context", "") for i in items])
    )


def train(
    embedder: Embedder | None = None, out: Path = HEAD_FILE, results: Path = RESULTS
) -> dict[str, Any]:
    """Fit both heads on the training split, write them to `out`, return the scores."""
    embedder = embedder or embedder_from_spec(HEAD_EMBEDDER)
    items = load(TRAIN_DIR)
    train_items, held = split(items)
    report: dict[str, Any] = {"embedder": embedder.name, "train": len(train_items)}
    ngrams = fit_ngrams(train_items)
    heads = {}
    for task in ("claim", "stance"):
        x, y = _xy(embedder, ngrams, train_items, task)
        heads[task] = fit(x, y)
        report[task] = _evaluate(embedder, ngrams, heads[task], task, held)
        for name, file in TEST_FILES.items():
            if file.exists():
                report[task][name] = _evaluate(embedder, ngrams, heads[task], task, load(file))
    report["stance"]["cross_lingual_en_to_zh"] = _cross_lingual(embedder, items, with_ngrams=True)
    # English n-grams say nothing about Chinese text: this is what the embeddings carry alone.
    report["stance"]["cross_lingual_en_to_zh_embeddings_only"] = _cross_lingual(
        embedder, items, with_ngrams=False
    )
    model = {
        "embedder": embedder.name,
        "claim": heads["claim"].to_json(),
        "stance": heads["stance"].to_json(),
        "claim_threshold": 0.5,
        "ngrams": ngrams.to_json(),
        "scores": report,
    }
    out.write_text(json.dumps(model) + "\n", encoding="utf-8")
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return report


def _evaluate(
    embedder: Embedder, ngrams: Ngrams, head: Head, task: str, items: list[Item]
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, subset in (
        ("all", items),
        ("en", [i for i in items if i["lang"] == "en"]),
        ("zh", [i for i in items if i["lang"] == "zh"]),
        ("zh_traditional", [i for i in items if i.get("script") == "traditional"]),
    ):
        x, y = _xy(embedder, ngrams, subset, task)
        out[name] = scores(head, x, y)
    return out


def _cross_lingual(embedder: Embedder, items: list[Item], with_ngrams: bool) -> dict[str, float]:
    english = [i for i in items if i["lang"] == "en"]
    ngrams = fit_ngrams(english) if with_ngrams else None
    x, y = _xy(embedder, ngrams, english, "stance")
    head = fit(x, y)
    xz, yz = _xy(embedder, ngrams, [i for i in items if i["lang"] == "zh"], "stance")
    return scores(head, xz, yz)
