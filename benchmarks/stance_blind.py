"""Claims and stance on commentary written blind: benchmarks/data/stance_blind.jsonl.

The passages (forum threads, analyst notes, financial press and wire copy,
trade press, blogs, podcast transcripts; English, Chinese in both scripts,
bilingual) were written by helpers who had not seen corpus/stance/ or
pipeline/stance/. Every sentence is labelled: a claim or not, and for a claim
its stance toward the deal or company discussed, whether it is attributed to
someone else, and its target. Each passage has a `split`: "dev" may be looked
at while fixing the models, "test" never is.

Each passage is rendered as a document (paragraphs; a transcript's turns as
"Speaker: text") and ingested into a fresh store, as a user's file would be;
the claims table is read back. Scores, per split, language and genre:
- claim precision and recall: an emitted claim is right when a gold claim's
  sentence lies inside it (or it inside that sentence); a gold claim is found
  when an emitted claim holds it; a passage's title is not labelled, so a claim
  emitted from a title is not scored;
- stance macro-F1 on the found claims (what a user of the store sees);
- stance macro-F1 on every gold claim, scored by the stance model with the
  sentence before as context (the stance model alone, whatever claim
  detection did), and its accuracy on attributed and on own claims.

Run with `python -m benchmarks.stance_blind [--first-run]`; writes
benchmarks/results/stance_blind.json. --first-run records the scores as the
"first run" (before any change); otherwise they are written as "now", beside it.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "data" / "stance_blind.jsonl"
RESULTS = ROOT / "benchmarks" / "results" / "stance_blind.json"
STANCES = ("neutral", "positive", "skeptical")
Record = dict[str, Any]


def load(path: Path = DATA) -> list[Record]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _han(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" for ch in text)


def sentence_lang(text: str) -> str:
    return "zh" if _han(text) else "en"


def render(passage: Record) -> str:
    """The passage as a user's text file: its title line, then one paragraph per `para`."""
    paras: dict[int, list[Record]] = {}
    for s in passage["sentences"]:
        paras.setdefault(s["para"], []).append(s)
    blocks = []
    for _, sentences in sorted(paras.items()):
        text = ""
        for s in sentences:
            if text and not (_han(text[-1]) and _han(s["text"][0])):
                text += " "
            text += s["text"]
        speaker = sentences[0].get("speaker")
        blocks.append(f"{speaker}: {text}" if speaker else text)
    title = (passage.get("title") or "").strip()
    return "\n\n".join([title, *blocks] if title else blocks) + "\n"


def _norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split()).lower()


def _holds(claim: str, sentence: str) -> bool:
    c, s = _norm(claim), _norm(sentence)
    return bool(s) and (s in c or (c in s and len(c) >= 0.6 * len(s)))


def macro_f1(gold: list[str], predicted: list[str]) -> float | None:
    if not gold:
        return None
    f1s = []
    for label in STANCES:
        tp = sum(g == p == label for g, p in zip(gold, predicted, strict=True))
        fp = sum(p == label != g for g, p in zip(gold, predicted, strict=True))
        fn = sum(g == label != p for g, p in zip(gold, predicted, strict=True))
        if tp + fp + fn:
            f1s.append(2 * tp / (2 * tp + fp + fn))
    return round(sum(f1s) / len(f1s), 3)


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 3) if b else None


def ingest_passages(passages: list[Record]) -> dict[str, list[Record]]:
    """Each passage's stored claims (text, stance), read back from a fresh store."""
    import duckdb

    from pipeline.flow import ingest
    from pipeline.models import load_models

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "passages"
        folder.mkdir()
        for p in passages:
            (folder / f"{p['id']}.txt").write_text(render(p), encoding="utf-8")
        db = Path(tmp) / "blind.duckdb"
        report = ingest([folder], db, models=load_models())
        if report.failed:
            raise SystemExit(f"ingest failed on {report.failures}")
        con = duckdb.connect(str(db), read_only=True)
        rows = con.execute(
            "SELECT regexp_extract(d.path, '([^/]+)\\.txt$', 1), c.text, c.stance "
            "FROM claims c JOIN documents d USING (doc_id) ORDER BY d.path, c.seg_no, c.start"
        ).fetchall()
        con.close()
    out: dict[str, list[Record]] = {p["id"]: [] for p in passages}
    for pid, text, stance in rows:
        out[pid].append({"text": text, "stance": stance})
    return out


def score_gold_claims(passages: list[Record]) -> dict[tuple[str, int], str]:
    """The stance model's label for every gold claim, the sentence before as context."""
    from pipeline.models import load_models
    from pipeline.stance.head import features_from_vectors

    models = load_models()
    keys, texts, contexts = [], [], []
    for p in passages:
        previous = ""
        for n, s in enumerate(p["sentences"]):
            if s["claim"]:
                keys.append((p["id"], n))
                texts.append(s["text"])
                contexts.append(previous)
            previous = s["text"]
    vectors = models.encoder.encode(texts + contexts)
    by_text = dict(zip(texts + contexts, vectors, strict=True))
    x = features_from_vectors(by_text.__getitem__, texts, contexts, models.stance.ngrams)
    probs = models.stance.stance_proba(x, texts, contexts)
    classes = models.stance.stance.classes
    return {k: classes[int(row.argmax())] for k, row in zip(keys, probs, strict=True)}


def score(
    passages: list[Record],
    stored: dict[str, list[Record]],
    direct: dict[tuple[str, int], str],
) -> Record:
    emitted = right = gold_claims = found = 0
    found_gold: list[str] = []
    found_pred: list[str] = []
    all_gold: list[str] = []
    all_pred: list[str] = []
    by_attribution: Counter[str] = Counter()
    for p in passages:
        sentences = p["sentences"]
        claims = [c for c in stored[p["id"]] if p.get("only") in (None, sentence_lang(c["text"]))]
        held: set[int] = set()
        for c in claims:
            inside = [n for n, s in enumerate(sentences) if _holds(c["text"], s["text"])]
            if not inside and _holds(c["text"], p.get("title") or ""):
                continue  # the title carries no label: neither right nor wrong
            emitted += 1
            gold_inside = [n for n in inside if sentences[n]["claim"]]
            right += bool(gold_inside)
            for n in gold_inside:
                if n not in held:
                    held.add(n)
                    found_gold.append(sentences[n]["stance"])
                    found_pred.append(c["stance"])
        for n, s in enumerate(sentences):
            if not s["claim"]:
                continue
            gold_claims += 1
            found += n in held
            predicted = direct[(p["id"], s.get("n", n))]
            all_gold.append(s["stance"])
            all_pred.append(predicted)
            side = "attributed" if s["attributed"] else "own"
            by_attribution[side] += 1
            by_attribution[side + "_right"] += predicted == s["stance"]
    return {
        "passages": len(passages),
        "gold_claims": gold_claims,
        "emitted": emitted,
        "claim_precision": _ratio(right, emitted),
        "claim_recall": _ratio(found, gold_claims),
        "stance_f1_found": macro_f1(found_gold, found_pred),
        "stance_f1_all_gold": macro_f1(all_gold, all_pred),
        "stance_accuracy_attributed": _ratio(
            by_attribution["attributed_right"], by_attribution["attributed"]
        ),
        "stance_accuracy_own": _ratio(by_attribution["own_right"], by_attribution["own"]),
        "predicted_mix": dict(Counter(all_pred)),
        "gold_mix": dict(Counter(all_gold)),
    }


def _only(passages: list[Record], lang: str, script: str | None = None) -> list[Record]:
    """The passages cut down to their sentences in one language (and script)."""
    out = []
    for p in passages:
        if script and p.get("script") != script:
            continue
        kept = [
            {**s, "n": n} for n, s in enumerate(p["sentences"]) if sentence_lang(s["text"]) == lang
        ]
        if kept:
            out.append({**p, "sentences": kept, "only": lang})
    return out


def groups(passages: list[Record]) -> Iterable[tuple[str, list[Record]]]:
    yield "all", passages
    yield "en", _only(passages, "en")
    yield "zh", _only(passages, "zh")
    yield "zh_traditional", _only(passages, "zh", "traditional")
    for genre in sorted({p["genre"] for p in passages}):
        yield f"genre:{genre}", [p for p in passages if p["genre"] == genre]


def run(first_run: bool) -> Record:
    passages = load()
    stored = ingest_passages(passages)
    direct = score_gold_claims(passages)
    scores: Record = {}
    for split in ("dev", "test"):
        part = [p for p in passages if p["split"] == split]
        scores[split] = {name: score(g, stored, direct) for name, g in groups(part) if g}
    old = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    report = {
        "passages": len(passages),
        "first_run": scores if first_run else old.get("first_run"),
        "now": scores,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--first-run", action="store_true", help="record as the first run")
    args = parser.parse_args()
    report = run(args.first_run)
    for split in ("dev", "test"):
        for name, s in report["now"][split].items():
            print(
                f"{split:4} {name:16} claims {s['gold_claims']:4} P {s['claim_precision']!s:5} "
                f"R {s['claim_recall']!s:5} stance F1 found {s['stance_f1_found']!s:5} "
                f"all {s['stance_f1_all_gold']!s:5} "
                f"attributed {s['stance_accuracy_attributed']!s:5} "
                f"own {s['stance_accuracy_own']!s:5}"
            )


if __name__ == "__main__":
    main()
