"""Train the deal relation and status heads (relations.py) from corpus/deals/*.jsonl.

Each item is a sentence with its gold deals (kind, provider and customer as
written, status) or none, and why none (a denial, a hypothetical, a loan, two
companies merely named together...). The organizations of a pair example are
the gold parties, located in the text, plus whatever else spaCy and the
gazetteer recognize as an organization there (pairs with those are "none").
A fixed 20% of the items, stratified by language, is held out to choose the
probability threshold and to report scores; the shipped heads are then fitted
on every item. Run with `python -m pipeline.extract.train_relations`.
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.extract.analyze import analyze
from pipeline.extract.relations import (
    NONE,
    RELATIONS_FILE,
    Party,
    RelationModel,
    kind_of,
    label_of,
    masked,
    other_spans,
    unpaired,
)
from pipeline.models import Models
from pipeline.records import Segment
from pipeline.stance.head import Head, Ngrams

ROOT = Path(__file__).resolve().parents[2]
TRAIN_DIR = ROOT / "corpus" / "deals"
RESULTS = ROOT / "benchmarks" / "results" / "deal_relations.json"
_HELD_OUT = 0.2
_THRESHOLDS = (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7)
_C_GRID = (1.0, 4.0, 16.0, 64.0)
_WEIGHT = "balanced"
# Why a sentence states no deal -> the status its wording has; other reasons say nothing of it.
_STATUS_OF_NONE = {
    "denial": "denied",
    "hypothetical": "hypothetical",
    "conditional": "hypothetical",
    "speculation": "hypothetical",
    "question": "hypothetical",
    "collapsed": "hypothetical",
}

Item = dict[str, Any]


@dataclass
class Examples:
    pair_texts: list[str]
    pair_labels: list[str]
    pair_vectors: list[np.ndarray]
    pair_items: list[int]
    status_texts: list[str]
    status_labels: list[str]
    status_vectors: list[np.ndarray]


def load(directory: Path = TRAIN_DIR) -> list[Item]:
    items = []
    for path in sorted(directory.glob("*.jsonl")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                try:
                    items.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise ValueError(f"{path}:{n}: not JSON ({exc.msg})") from exc
    return items


def examples(items: Sequence[Item], models: Models) -> Examples:
    """Pair and status examples of `items`, read by the pipeline's own spaCy and encoder."""
    segments = [Segment(0, "zh" if i["lang"] in ("zh", "bi") else "en", i["text"]) for i in items]
    docs = [(str(n), [s]) for n, s in enumerate(segments)]
    analyses = analyze(docs, models.nlp, models.gazetteer)
    vectors = models.encoder.encode([i["text"] for i in items])
    out = Examples([], [], [], [], [], [], [])
    for n, (item, found) in enumerate(zip(items, analyses, strict=True)):
        text = item["text"]
        analysis = found[0]
        gold = _gold_parties(item)
        recognized = [
            Party(e.start, e.end, e.text)
            for e in analysis.entities
            if e.label == "ORG" and not any(e.start < g.end and g.start < e.end for g in gold)
        ]
        parties = sorted([*gold, *recognized], key=lambda p: p.start)
        labels = {}
        for deal in item.get("deals", []):
            labels[(deal["provider"], deal["customer"])] = label_of(deal["kind"], True)
            labels[(deal["customer"], deal["provider"])] = label_of(deal["kind"], False)
        others = [
            o
            for o in other_spans(analysis.entities, analysis.figures, 0)
            if not any(o[0] < p.end and p.start < o[1] for p in parties)
        ]
        for i, a in enumerate(parties):
            for b in parties[i + 1 :]:
                if a.name == b.name:
                    continue
                rest = [(p.start, p.end, "Ⓞ") for p in parties if p is not a and p is not b]
                out.pair_texts.append(masked(text, a, b, [*others, *rest]))
                out.pair_labels.append(labels.get((a.name, b.name), NONE))
                out.pair_vectors.append(vectors[n])
                out.pair_items.append(n)
        status = _status(item)
        if status:
            out.status_texts.append(unpaired(text, parties, others))
            out.status_labels.append(status)
            out.status_vectors.append(vectors[n])
    return out


def _gold_parties(item: Item) -> list[Party]:
    """The gold deals' parties, each at its first occurrence in the text."""
    names = {d[role] for d in item.get("deals", []) for role in ("provider", "customer")}
    parties: list[Party] = []
    for name in sorted(names, key=len, reverse=True):  # "Amazon Web Services" before "Amazon"
        start = item["text"].find(name)
        while start >= 0 and any(start < p.end and p.start < start + len(name) for p in parties):
            start = item["text"].find(name, start + 1)
        if start < 0:
            raise ValueError(f"{item['id']}: {name!r} is not in its text")
        parties.append(Party(start, start + len(name), name))
    return parties


def _status(item: Item) -> str | None:
    statuses = {d.get("status") for d in item.get("deals", [])}
    if item.get("deals"):
        return statuses.pop() if len(statuses) == 1 else None
    return _STATUS_OF_NONE.get(item.get("none_reason") or "")


def split(items: Sequence[Item], seed: int = 0) -> tuple[list[int], list[int]]:
    """Indices of the training and held-out items, stratified by language."""
    by_lang: dict[str, list[int]] = defaultdict(list)
    for n, item in enumerate(items):
        by_lang[f"{item['lang']}:{item.get('script')}"].append(n)
    rng = random.Random(seed)
    train, held = [], []
    for key in sorted(by_lang):
        group = sorted(by_lang[key], key=lambda n: items[n]["id"])
        rng.shuffle(group)
        cut = round(len(group) * _HELD_OUT)
        held += group[:cut]
        train += group[cut:]
    return train, held


def fit_model(ex: Examples, pair_rows: Sequence[int], status_rows: Sequence[int]) -> RelationModel:
    from pipeline.extract.relations import regions

    texts = [ex.pair_texts[i] for i in pair_rows]
    parts = [regions(t) for t in texts]
    before = Ngrams.fit([p[0] for p in parts])
    between = Ngrams.fit([p[1] for p in parts])
    after = Ngrams.fit([p[2] for p in parts])
    sentence = Ngrams.fit([ex.status_texts[i] for i in status_rows])
    empty = Head((NONE,), np.zeros((1, 1), np.float32), np.zeros(1, np.float32))
    model = RelationModel(before, between, after, empty, empty, empty, sentence, 0.5)
    x = model.pair_features(texts, np.stack([ex.pair_vectors[i] for i in pair_rows]))
    labels = [ex.pair_labels[i] for i in pair_rows]
    relation = _fit([kind_of(label)[0] for label in labels], x)
    deals = [n for n, label in enumerate(labels) if label != NONE]
    direction = _fit(["a" if kind_of(labels[n])[1] else "b" for n in deals], x[deals])
    xs = model.status_features(
        [ex.status_texts[i] for i in status_rows],
        np.stack([ex.status_vectors[i] for i in status_rows]),
    )
    status = _fit([ex.status_labels[i] for i in status_rows], xs)
    return RelationModel(before, between, after, relation, direction, status, sentence, 0.5)


def _fit(labels: Sequence[str], x: Any) -> Head:
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_score

    best_c = max(
        _C_GRID,
        key=lambda c: cross_val_score(
            LogisticRegression(C=c, max_iter=3000, class_weight=_WEIGHT),
            x,
            labels,
            cv=3,
            scoring="f1_macro",
        ).mean(),
    )
    model = LogisticRegression(C=best_c, max_iter=3000, class_weight=_WEIGHT).fit(x, labels)
    return Head(
        tuple(str(c) for c in model.classes_),
        model.coef_.astype(np.float32),
        model.intercept_.astype(np.float32),
    )


def pair_scores(
    model: RelationModel, ex: Examples, rows: Sequence[int], threshold: float
) -> dict[str, float]:
    """Precision, recall and F1 of deal pairs (kind and direction right) among `rows`."""
    x = model.pair_features(
        [ex.pair_texts[i] for i in rows], np.stack([ex.pair_vectors[i] for i in rows])
    )
    probs = model.relation.proba(x)
    forward = model.direction.proba(x)[:, model.direction.classes.index("a")] >= 0.5
    none = model.relation.classes.index(NONE)
    tp = fp = fn = 0
    for row, a_provides, i in zip(probs, forward, rows, strict=True):
        masked_row = row.copy()
        masked_row[none] = -1
        best = int(masked_row.argmax())
        predicted = (
            label_of(model.relation.classes[best], bool(a_provides))
            if row[best] >= threshold and row[best] >= row[none]
            else NONE
        )
        gold = ex.pair_labels[i]
        tp += predicted != NONE and predicted == gold
        fp += predicted != NONE and predicted != gold
        fn += gold != NONE and predicted != gold
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3)}


def train(models: Models, progress: Callable[[str], None] = lambda line: None) -> dict[str, Any]:
    items = load()
    if not items:
        raise ValueError(f"{TRAIN_DIR}: no training items (*.jsonl)")
    progress(f"reading {len(items)} sentences")
    ex = examples(items, models)
    held_items = split(items)[1]
    held_set = set(held_items)
    pair_train = [i for i, n in enumerate(ex.pair_items) if n not in held_set]
    pair_held = [i for i, n in enumerate(ex.pair_items) if n in held_set]
    status_item = _status_items(items)
    status_train = [i for i, n in enumerate(status_item) if n not in held_set]
    status_held = [i for i, n in enumerate(status_item) if n in held_set]
    progress(f"fitting on {len(pair_train)} pairs, {len(status_train)} statuses")
    model = fit_model(ex, pair_train, status_train)
    curve = {t: pair_scores(model, ex, pair_held, t) for t in _THRESHOLDS}
    threshold = max(_THRESHOLDS, key=lambda t: (curve[t]["f1"], -t))
    status_x = model.status_features(
        [ex.status_texts[i] for i in status_held],
        np.stack([ex.status_vectors[i] for i in status_held]),
    )
    predicted = [model.status.classes[i] for i in model.status.proba(status_x).argmax(axis=1)]
    status_accuracy = float(
        np.mean([p == ex.status_labels[i] for p, i in zip(predicted, status_held, strict=True)])
    )
    progress("fitting the shipped heads on every item")
    final = fit_model(ex, range(len(ex.pair_texts)), range(len(ex.status_texts)))
    final = replace(final, threshold=threshold)
    RELATIONS_FILE.write_text(json.dumps(final.to_json()) + "\n", encoding="utf-8")
    report = {
        "items": len(items),
        "pairs": len(ex.pair_texts),
        "deal_pairs": sum(label != NONE for label in ex.pair_labels),
        "held_out": {
            "threshold": threshold,
            "pairs": curve[threshold],
            "status_accuracy": round(status_accuracy, 3),
            "curve": {str(t): s for t, s in curve.items()},
        },
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    return report


def _status_items(items: Sequence[Item]) -> list[int]:
    """For each status example (in `examples` order), the item it came from."""
    return [n for n, item in enumerate(items) if _status(item)]


def main() -> None:
    from pipeline.models import load_models

    report = train(load_models(), progress=print)
    held = report["held_out"]
    print(f"deal pairs: held-out {json.dumps(held['pairs'])} at threshold {held['threshold']}")
    print(f"status: held-out accuracy {held['status_accuracy']}")


if __name__ == "__main__":
    main()
