"""Figure extraction quality and speed: neocloud against quantulum3 and Recognizers-Text.

Scores every system on two hand-labelled sets, tests/data/figures_testset.jsonl
(the development set the grammar was built against) and
benchmarks/data/figures_heldout.jsonl (written later by another hand, first
scored before any fix), and writes benchmarks/results/figures.json and figures.md.
Run with `make bench` (needs the `bench` extra: `pip install -e ".[bench]"`).

Matching: a predicted figure is right when quantity, unit and value (and
value_max for ranges) equal a gold figure's ("value+unit", the NewsQuant
criterion). For neocloud the full record is scored too: period, per_unit and
bound as well. Each gold figure matches at most one prediction.
"""

from __future__ import annotations

import json
import math
import re
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TESTSET = ROOT / "tests" / "data" / "figures_testset.jsonl"
HELDOUT = ROOT / "benchmarks" / "data" / "figures_heldout.jsonl"
RESULTS = ROOT / "benchmarks" / "results"

Record = dict[str, Any]
System = Callable[[str, str], list[Record]]
_FULL = ("period", "per_unit", "bound")
_GPU_WORDS = re.compile(
    r"^\s*(?:[A-Z]+\d+\w*\s+)?(?:GPUs?|chips|accelerators|H100s|块|张|卡)", re.I
)


def load_testset(path: Path = TESTSET) -> list[Record]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


_PIPELINES: dict[str, Any] = {}  # this benchmark's spaCy pipelines, built once per language


def pipeline_for(lang: str) -> Any:
    if lang not in _PIPELINES:
        from pipeline.extract.pipelines import build_pipeline
        from pipeline.models import load_gazetteer

        _PIPELINES[lang] = build_pipeline(lang, load_gazetteer())
    return _PIPELINES[lang]


def neocloud(text: str, lang: str) -> list[Record]:
    doc = pipeline_for("zh" if lang == "zh" else "en")(text)
    return [
        {k: getattr(m, k) for k in ("quantity", "value", "value_max", "unit", *_FULL)}
        for m, _ in doc._.figures
    ]


def quantulum(text: str, lang: str) -> list[Record]:
    from quantulum3 import parser

    out = []
    for q in parser.parse(text):
        name = q.unit.name.lower()
        after = text[q.span[1] :]
        record = _from_unit_name(name, float(q.value), after, q.unit.currency_code)
        if record:
            out.append(record)
    return out


def _from_unit_name(name: str, value: float, after: str, currency: str | None) -> Record | None:
    if currency or "dollar" in name or "euro" in name or "yuan" in name:
        return {"quantity": "money", "value": value, "unit": currency or "USD"}
    watts = {"gigawatt": 1e3, "megawatt": 1.0, "kilowatt": 1e-3, "watt": 1e-6}
    for unit, factor in watts.items():
        if name.startswith(unit):
            return {"quantity": "power", "value": value * factor, "unit": "MW"}
    days = {"day": 1.0, "week": 7.0, "month": 30.4375, "year": 365.25}
    for unit, factor in days.items():
        if name.startswith(unit):
            return {"quantity": "duration", "value": value * factor, "unit": "day"}
    if name == "dimensionless" and _GPU_WORDS.match(after):
        return {"quantity": "gpus", "value": value, "unit": "GPU"}
    return None


def recognizers(text: str, lang: str) -> list[Record]:
    from recognizers_suite import (
        Culture,
        recognize_currency,
        recognize_datetime,
        recognize_dimension,
        recognize_number,
    )

    culture = Culture.Chinese if lang == "zh" else Culture.English
    out: list[Record] = []
    for r in recognize_currency(text, culture):
        res = r.resolution or {}
        if res.get("value") is not None:
            unit = res.get("isoCurrency") or "USD"
            out.append({"quantity": "money", "value": float(res["value"]), "unit": unit})
    for r in recognize_dimension(text, culture):
        res = r.resolution or {}
        record = _from_unit_name(str(res.get("unit", "")).lower(), _num(res), "", None)
        if record and record["quantity"] == "power":
            out.append(record)
    for r in recognize_datetime(text, culture):
        for value in (r.resolution or {}).get("values", []):
            if value.get("type") == "duration" and value.get("value"):
                days = float(value["value"]) / 86400
                out.append({"quantity": "duration", "value": days, "unit": "day"})
                break
    for r in recognize_number(text, culture):
        if _GPU_WORDS.match(text[r.end + 1 :]):
            out.append({"quantity": "gpus", "value": _num(r.resolution), "unit": "GPU"})
    return out


def _num(resolution: Any) -> float:
    try:
        return float((resolution or {}).get("value"))
    except (TypeError, ValueError):
        return math.nan


def same_value(pred: Record, gold: Record) -> bool:
    if pred["quantity"] != gold["quantity"] or pred["unit"] != gold["unit"]:
        return False
    if not math.isclose(pred["value"], gold["value"], rel_tol=1e-6):
        return False
    want, got = gold.get("value_max"), pred.get("value_max")
    return want is None or (got is not None and math.isclose(got, want, rel_tol=1e-6))


def _same_record(pred: Record, gold: Record) -> bool:
    return same_value(pred, gold) and all(pred.get(k) == gold.get(k) for k in _FULL)


def score(
    items: Iterable[Record], system: System, same: Callable[[Record, Record], bool]
) -> dict[str, Any]:
    tp = fp = fn = 0
    misses: list[dict[str, Any]] = []
    for item in items:
        predicted = system(item["text"], item["lang"])
        gold = list(item["figures"])
        for pred in predicted:
            hit = next((g for g in gold if same(pred, g)), None)
            if hit is None:
                fp += 1
                misses.append({"id": item["id"], "false_positive": pred})
            else:
                tp += 1
                gold.remove(hit)
        fn += len(gold)
        misses.extend({"id": item["id"], "missed": g} for g in gold)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "errors": misses,
    }


def component_share(items: list[Record], repeats: int = 3) -> dict[str, Any]:
    """Time of each pipeline component over the test sentences; the figure component's share."""
    from pipeline.extract.registry import FIGURES

    shares: dict[str, Any] = {}
    for lang in ("en", "zh"):
        nlp = pipeline_for(lang)
        texts = [i["text"] for i in items if i["lang"] == lang] * repeats
        spent = {"tokenizer": 0.0} | {name: 0.0 for name in nlp.pipe_names}
        for text in texts:
            start = time.perf_counter()
            doc = nlp.make_doc(text)
            spent["tokenizer"] += time.perf_counter() - start
            for name, proc in nlp.pipeline:
                start = time.perf_counter()
                doc = proc(doc)
                spent[name] += time.perf_counter() - start
        total = sum(spent.values())
        shares[lang] = {
            "sentences": len(texts),
            "sentences_per_s": round(len(texts) / total, 1),
            "figures_share": round(spent[FIGURES] / total, 4),
            "seconds_by_component": {k: round(v, 4) for k, v in spent.items()},
        }
    return shares


def evaluate(items: list[Record]) -> dict[str, Any]:
    """Value+unit scores of every system, and neocloud's full-record score, per language."""
    systems: dict[str, System] = {
        "neocloud": neocloud,
        "quantulum3": quantulum,
        "recognizers-text": recognizers,
    }
    report: dict[str, Any] = {
        "sentences": len(items),
        "figures": sum(len(i["figures"]) for i in items),
    }
    for lang in ("en", "zh", "all"):
        subset = [i for i in items if lang in ("all", i["lang"])]
        report[lang] = {name: _scored(name, subset, fn) for name, fn in systems.items()}
        report[lang]["neocloud (full record)"] = score(subset, neocloud, _same_record)
    return report


def _scored(name: str, items: list[Record], system: System) -> dict[str, Any]:
    """A comparison system that cannot run here (quantulum3's pickled classifier does not
    load with scikit-learn 1.9) is reported as such instead of stopping the benchmark."""
    if name == "neocloud":
        return score(items, system, same_value)
    try:
        return score(items, system, same_value)
    except Exception as exc:  # any failure of a third-party system
        return {"unavailable": f"{type(exc).__name__}: {exc}"}


def main() -> None:
    testset = load_testset(TESTSET)
    report = {"testset": evaluate(testset), "heldout": evaluate(load_testset(HELDOUT))}
    report["speed"] = component_share(testset)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "figures.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    (RESULTS / "figures.md").write_text(_markdown(report), encoding="utf-8")
    print(_markdown(report))


def _markdown(report: dict[str, Any]) -> str:
    lines: list[str] = []
    for key in ("testset", "heldout"):
        part = report[key]
        lines += [
            f"{key}: {part['sentences']} sentences, {part['figures']} figures.",
            "",
            "| system | EN P / R / F1 | ZH P / R / F1 | all F1 |",
            "|---|---|---|---|",
        ]
        for name in part["all"]:
            if "unavailable" in part["all"][name]:
                lines.append(
                    f"| {name} | unavailable: {part['all'][name]['unavailable'][:60]} | | |"
                )
                continue
            cells = [
                " / ".join(f"{part[lang][name][k]:.3f}" for k in ("precision", "recall", "f1"))
                for lang in ("en", "zh")
            ]
            lines.append(f"| {name} | {cells[0]} | {cells[1]} | {part['all'][name]['f1']:.3f} |")
        lines.append("")
    for lang, speed in report["speed"].items():
        lines.append(
            f"- {lang} pipeline: {speed['sentences_per_s']} sentences/s on this machine, "
            f"figure component {100 * speed['figures_share']:.1f}% of pipeline time"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
