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
import tempfile
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from pipeline.embeddings import Embedder, embedder_from_spec
from pipeline.models import SPACE_FILE
from pipeline.stance.encoder import (
    ENCODER_FILE,
    StanceEncoder,
    load_encoder,
    read_archive,
    soup,
    write_archive,
)
from pipeline.stance.head import (
    HEAD_FILE,
    Calibration,
    Features,
    Head,
    Ngrams,
    aligned,
    blend,
    features,
    margins,
    ngram_texts,
    softmax,
    stance_proba,
)
from pipeline.vectors import Space

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
_WEIGHT_GRID = (0.0, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1.0)
_TEMPERATURES = tuple(float(t) for t in np.geomspace(0.25, 8.0, 31))
# Linear-head margins under which the encoder is run; the smallest whose held-out macro-F1
# is within the tolerance of running it on every claim is kept.
_MARGIN_GRID = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
_CASCADE_TOLERANCE = 0.005
# The shipped encoder averages the weights of fine-tunes with these seeds (encoder.soup).
ENCODER_SEEDS = (0, 1, 2)

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
    """Accuracy and macro-F1 of a linear head alone."""
    if not len(y):
        return {}
    return prediction_scores([head.classes[i] for i in head.proba(x).argmax(axis=1)], y)


def prediction_scores(predicted: Sequence[str], y: Sequence[str]) -> dict[str, float]:
    accuracy = sum(p == t for p, t in zip(predicted, y, strict=True)) / len(y)
    return {
        "n": len(y),
        "accuracy": round(accuracy, 3),
        "macro_f1": round(_macro_f1(predicted, y), 3),
    }


def _macro_f1(predicted: Sequence[str], y: Sequence[str]) -> float:
    f1s = []
    for label in sorted(set(y)):
        tp = sum(p == t == label for p, t in zip(predicted, y, strict=True))
        fp = sum(p == label != t for p, t in zip(predicted, y, strict=True))
        fn = sum(t == label != p for p, t in zip(predicted, y, strict=True))
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return float(np.mean(f1s))


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
    embedder: Embedder | None = None,
    out: Path = HEAD_FILE,
    results: Path = RESULTS,
    *,
    encoder: bool = False,
    encoder_file: Path = ENCODER_FILE,
    space_file: Path = SPACE_FILE,
    progress: Callable[[str], None] = lambda _: None,
) -> dict[str, Any]:
    """Fit both heads on the training split, write them to `out`, return the scores.

    With `encoder`, the stance encoder's adapters are fine-tuned too (torch,
    minutes); otherwise an encoder already in `encoder_file` is reused. The
    temperatures and the encoder's share of the stance probabilities are
    fitted on the held-out split; the independent test sets play no part in
    any choice.
    """
    embedder = embedder or embedder_from_spec(HEAD_EMBEDDER)
    items = load(TRAIN_DIR)
    train_items, held = split(items)
    report: dict[str, Any] = {"embedder": embedder.name, "train": len(train_items)}
    ngrams = fit_ngrams(train_items)
    heads = {}
    for task in ("claim", "stance"):
        progress(f"fitting the {task} head")
        x, y = _xy(embedder, ngrams, train_items, task)
        heads[task] = fit(x, y)
    encoder_report: dict[str, Any] = {}
    if encoder:
        encoder_report = _train_encoder(items, train_items, encoder_file, progress)
    stance_encoder = _load_encoder(encoder_file)
    calibration = Calibration()
    if stance_encoder is not None:
        progress("calibrating the stance models on the held-out split")
        calibration = _calibrate(embedder, ngrams, heads["stance"], stance_encoder, held)
        encoder_report = encoder_report or _stored_encoder_report(encoder_file)
    for task in ("claim", "stance"):
        scorer = _Blend(heads[task], stance_encoder if task == "stance" else None, calibration)
        report[task] = _evaluate(embedder, ngrams, scorer, task, held)
        for name, file in TEST_FILES.items():
            if file.exists():
                report[task][name] = _evaluate(embedder, ngrams, scorer, task, load(file))
    report["stance"]["calibration"] = calibration.to_json()
    report["stance"]["cross_lingual_en_to_zh_linear"] = _cross_lingual(
        embedder, items, with_ngrams=True
    )
    # English n-grams say nothing about Chinese text: this is what the embeddings carry alone.
    report["stance"]["cross_lingual_en_to_zh_embeddings_only"] = _cross_lingual(
        embedder, items, with_ngrams=False
    )
    if encoder_report:
        report["stance"]["encoder"] = encoder_report
    model = {
        "embedder": embedder.name,
        "claim": heads["claim"].to_json(),
        "stance": heads["stance"].to_json(),
        "claim_threshold": 0.5,
        "ngrams": ngrams.to_json(),
        "calibration": calibration.to_json(),
        "scores": report,
    }
    out.write_text(json.dumps(model) + "\n", encoding="utf-8")
    # The similarity space: each language's mean vector over the training texts (vectors.py).
    space = Space.fit(embedder.encode([i["text"] for i in items]), [i["lang"] for i in items])
    space_file.write_text(json.dumps(space.to_json()) + "\n", encoding="utf-8")
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return report


@dataclass(frozen=True)
class _Blend:
    """What is scored: the linear head, with the encoder's share when there is one."""

    head: Head
    encoder: StanceEncoder | None
    calibration: Calibration

    def predict(self, x: Features, items: list[Item]) -> list[str]:
        texts = [i["text"] for i in items]
        contexts = [i.get("context", "") for i in items]
        probs = stance_proba(self.head, self.calibration, self.encoder, x, texts, contexts)
        return [self.head.classes[i] for i in probs.argmax(axis=1)]


def _load_encoder(path: Path) -> StanceEncoder | None:
    if not path.exists():
        return None
    return load_encoder(path)


def _calibrate(
    embedder: Embedder, ngrams: Ngrams, head: Head, encoder: StanceEncoder, held: list[Item]
) -> Calibration:
    """Temperatures that minimize each model's log-loss, then the share that maximizes macro-F1."""
    x, y = _xy(embedder, ngrams, held, "stance")
    claims = [i for i in held if i["label"] in STANCES]
    texts = ngram_texts([i["text"] for i in claims], [i.get("context", "") for i in claims])
    gold = np.array([head.classes.index(label) for label in y])
    linear_logits = np.asarray(x @ head.coef.T) + head.intercept
    encoder_logits = aligned(encoder.logits(texts), encoder.classes, head.classes)

    def temperature(logits: npt.NDArray[np.float32]) -> float:
        def log_loss(t: float) -> float:
            probs = softmax(logits / t)
            return float(-np.log(probs[np.arange(len(gold)), gold] + 1e-9).mean())

        return float(min(_TEMPERATURES, key=log_loss))

    linear_t, encoder_t = temperature(linear_logits), temperature(encoder_logits)
    linear, encoded = softmax(linear_logits / linear_t), softmax(encoder_logits / encoder_t)

    def macro_f1(weight: float) -> float:
        probs = blend(linear, encoded, Calibration(weight))
        return _macro_f1([head.classes[i] for i in probs.argmax(axis=1)], y)

    weight = max(_WEIGHT_GRID, key=macro_f1)
    blended = blend(linear, encoded, Calibration(weight))
    best = macro_f1(weight)

    def cascade_f1(margin: float) -> float:
        probs = np.where((margins(linear) < margin)[:, None], blended, linear)
        return _macro_f1([head.classes[i] for i in probs.argmax(axis=1)], y)

    # The encoder is most of a claim's cost: run it on the fewest rows that keep the blend.
    margin = min(
        (m for m in _MARGIN_GRID if cascade_f1(m) >= best - _CASCADE_TOLERANCE), default=2.0
    )
    return Calibration(float(weight), round(linear_t, 3), round(encoder_t, 3), margin)


def _train_encoder(
    items: list[Item],
    train_items: list[Item],
    encoder_file: Path,
    progress: Callable[[str], None],
    seeds: Sequence[int] = ENCODER_SEEDS,
) -> dict[str, Any]:
    """Fine-tune once per seed on the training split and ship their soup.

    The cross-lingual score fine-tunes once (the first seed) on English only
    and tests on Chinese: a soup of several would cost as many runs again.
    """
    from pipeline.stance.finetune import finetune

    def stance_items(pool: list[Item]) -> list[Item]:
        return [i for i in pool if i["label"] in STANCES]

    def run(pool: list[Item], path: Path, what: str, seed: int) -> None:
        pool = stance_items(pool)
        texts = ngram_texts([i["text"] for i in pool], [i.get("context", "") for i in pool])
        progress(f"fine-tuning the stance encoder (seed {seed}) on {len(pool)} {what} claims")
        finetune(texts, [i["label"] for i in pool], STANCES, path, seed=seed, progress=progress)

    with tempfile.TemporaryDirectory() as tmp:
        members = []
        for seed in seeds:
            member = Path(tmp) / f"seed{seed}.npz"
            run(train_items, member, "training", seed)
            members.append(read_archive(member))
        write_archive(encoder_file, *soup(members))
        english_only = Path(tmp) / "english.npz"
        run([i for i in items if i["lang"] == "en"], english_only, "English", seeds[0])
        chinese = stance_items([i for i in items if i["lang"] == "zh"])
        texts = ngram_texts([i["text"] for i in chinese], [i.get("context", "") for i in chinese])
        english_encoder = load_encoder(english_only)
        predicted = [
            english_encoder.classes[i] for i in english_encoder.proba(texts).argmax(axis=1)
        ]
    report = {
        "cross_lingual_en_to_zh_encoder_only": prediction_scores(
            predicted, [i["label"] for i in chinese]
        )
    }
    _annotate(encoder_file, report)
    return report


def _annotate(path: Path, report: dict[str, Any]) -> None:
    """Keep the encoder's training-time scores inside its file, for later runs to report."""
    arrays, meta = read_archive(path)
    write_archive(path, arrays, {**meta, "scores": report})


def _stored_encoder_report(path: Path) -> dict[str, Any]:
    stored: dict[str, Any] = read_archive(path)[1].get("scores", {})
    return stored


def _evaluate(
    embedder: Embedder, ngrams: Ngrams, scorer: _Blend, task: str, items: list[Item]
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, subset in (
        ("all", items),
        ("en", [i for i in items if i["lang"] == "en"]),
        ("zh", [i for i in items if i["lang"] == "zh"]),
        ("zh_traditional", [i for i in items if i.get("script") == "traditional"]),
    ):
        x, y = _xy(embedder, ngrams, subset, task)
        kept = [i for i in subset if task != "stance" or i["label"] in STANCES]
        out[name] = prediction_scores(scorer.predict(x, kept), y) if y else {}
    return out


def _cross_lingual(embedder: Embedder, items: list[Item], with_ngrams: bool) -> dict[str, float]:
    english = [i for i in items if i["lang"] == "en"]
    ngrams = fit_ngrams(english) if with_ngrams else None
    x, y = _xy(embedder, ngrams, english, "stance")
    head = fit(x, y)
    xz, yz = _xy(embedder, ngrams, [i for i in items if i["lang"] == "zh"], "stance")
    return scores(head, xz, yz)
