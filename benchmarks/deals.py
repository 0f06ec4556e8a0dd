"""Deal and figure extraction on coverage written blind: benchmarks/data/deals_*.jsonl.

The passages (wire copy, trade press, blogs, forums, transcripts, Chinese
financial media in both scripts, bilingual) and the negative sentences were
written by helpers who had not read pipeline/extract/, with gold deals (kind,
provider, customer, status, fields) and gold figures. Each passage has a
`split`: "dev" may be looked at while fixing the extractor, "test" never is.

Each passage is built alone (the per-document stages of the runner, then
consolidation of that document's mentions, as the store does), so deals of
one passage cannot borrow from another's.

Scores, per split and language:
- pair recall: gold deals with a predicted deal of the same provider and
  customer (names match the gold canonical name, any surface form the text
  uses, or the gazetteer's canonical name for one of those; a joint venture's
  partners in either order); deal recall also wants the kind;
- precision: predicted deals in the passages that match a gold deal;
- field accuracy: gold numeric fields (capacity_mw, gpus, usd_per_month,
  usd_total, term_days, notice_days) that the matched deal gives within 2%;
  a field of an unmatched deal counts as wrong;
- negatives creating a deal: negative sentences that give any deal row;
- figure F1: predicted figures against the gold figures, by quantity, unit and
  value (value_max for ranges), each gold figure matched once.

Run with `python -m benchmarks.deals [--first-run]`; writes
benchmarks/results/deals.json. --first-run records the scores as the "first
run" (before any fix); otherwise they are written as "now", beside it.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from benchmarks.figures import same_value

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "benchmarks" / "data"
PASSAGES = DATA / "deals_passages.jsonl"
NEGATIVES = DATA / "deals_negatives.jsonl"
RESULTS = ROOT / "benchmarks" / "results" / "deals.json"
NUMERIC = ("capacity_mw", "gpus", "usd_per_month", "usd_total", "term_days", "notice_days")
_FIELD_TOLERANCE = 0.02

Record = dict[str, Any]
Predicted = dict[str, tuple[list[Record], list[Record]]]  # id: (deal rows, figures)


def load(path: Path) -> list[Record]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def group(item: Record) -> str:
    """The language group a passage is scored in: en, zh (Simplified), zh_traditional, bi."""
    if item["lang"] == "zh" and item.get("script") == "traditional":
        return "zh_traditional"
    return str(item["lang"])


def norm(name: str) -> str:
    folded = unicodedata.normalize("NFKC", name).casefold()
    return re.sub(r"[\W_]+", "", folded)


def names_of(deal: Record, role: str) -> set[str]:
    """The gold name, every surface form of it, and the canonical names the shipped gazetteer
    gives those forms (so "Baidu" for 百度智能云 is a naming choice, not a wrong party)."""
    forms = [deal[role], *deal.get(f"{role}_aliases", [])]
    names = {norm(f) for f in forms}
    for form in forms:
        entry = _gazetteer().lookup(form)
        if entry is not None:
            names.add(norm(entry.canonical))
    return names


_GAZETTEER: list[Any] = []


def _gazetteer() -> Any:
    if not _GAZETTEER:
        from pipeline.models import load_gazetteer

        _GAZETTEER.append(load_gazetteer())
    return _GAZETTEER[0]


def same_parties(pred: Record, gold: Record) -> bool:
    provider, customer = names_of(gold, "provider"), names_of(gold, "customer")
    p, c = norm(pred["provider"]), norm(pred["customer"])
    if p in provider and c in customer:
        return True
    return gold["kind"] == "joint_venture" and p in customer and c in provider


def predict(items: list[Record]) -> Predicted:
    """Each item's predicted deals (as deals-table rows) and figures, by id."""
    from pipeline.consolidate import document_deals
    from pipeline.flow import build_documents
    from pipeline.models import load_models
    from pipeline.records import RawDocument

    models = load_models()
    raws = [RawDocument(path=f"{item['id']}.txt", text=item["text"]) for item in items]
    out: Predicted = {}
    for item, doc in zip(items, build_documents(raws, models), strict=True):
        deals = document_deals(doc)
        rows = [
            {
                "kind": d.kind,
                "provider": d.provider,
                "customer": d.customer,
                "status": getattr(d, "status", None),
                **d.values,
            }
            for d in deals
        ]
        found = [
            {
                "text": f.text,
                "quantity": f.quantity,
                "value": f.value,
                "value_max": f.value_max,
                "unit": f.unit,
                "period": f.period,
                "per_unit": f.per_unit,
                "bound": f.bound,
            }
            for f in doc.figures
        ]
        out[item["id"]] = (rows, found)
    return out


def score_deals(items: list[Record], predicted: Predicted) -> tuple[Record, list[str]]:
    gold_deals = matched_pairs = matched_kind = 0
    fields = fields_right = 0
    status_seen = status_right = 0
    predicted_deals = predicted_right = 0
    misses: list[str] = []
    for item in items:
        rows = predicted[item["id"]][0]
        used: set[int] = set()
        for gold in item["deals"]:
            gold_deals += 1
            candidates = [i for i, r in enumerate(rows) if same_parties(r, gold)]
            best = next((i for i in candidates if rows[i]["kind"] == gold["kind"]), None)
            if best is None and candidates:
                best = candidates[0]
            wanted = [f for f in NUMERIC if gold["fields"].get(f) is not None]
            fields += len(wanted)
            if best is None:
                misses.append(f"{item['id']}: {gold['kind']} {gold['provider']}/{gold['customer']}")
                continue
            used.add(best)
            row = rows[best]
            matched_pairs += 1
            matched_kind += row["kind"] == gold["kind"]
            if row.get("status") is not None:
                status_seen += 1
                status_right += row["status"] == gold.get("status")
            for f in wanted:
                got = row.get(f)
                fields_right += got is not None and math.isclose(
                    got, gold["fields"][f], rel_tol=_FIELD_TOLERANCE
                )
        predicted_deals += len(rows)
        predicted_right += len(used)
    return {
        "gold_deals": gold_deals,
        "pair_recall": _ratio(matched_pairs, gold_deals),
        "deal_recall": _ratio(matched_kind, gold_deals),
        "precision": _ratio(predicted_right, predicted_deals),
        "predicted_deals": predicted_deals,
        "fields": fields,
        "field_accuracy": _ratio(fields_right, fields),
        "status_accuracy": _ratio(status_right, status_seen) if status_seen else None,
    }, misses


def score_negatives(items: list[Record], predicted: Predicted) -> tuple[Record, list[str]]:
    created = [i["id"] for i in items if predicted[i["id"]][0]]
    return {"negatives": len(items), "creating_a_deal": _ratio(len(created), len(items))}, created


def score_figures(items: list[Record], predicted: Predicted) -> Record:
    tp = fp = fn = 0
    for item in items:
        found = list(predicted[item["id"]][1])
        for gold in item["figures"]:
            hit = next((n for n, p in enumerate(found) if same_value(p, gold)), None)
            if hit is None:
                fn += 1
            else:
                tp += 1
                found.pop(hit)
        fp += len(found)
    precision, recall = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
    f1 = _ratio(2 * precision * recall, precision + recall) if precision + recall else 0.0
    return {"figures": tp + fn, "precision": precision, "recall": recall, "f1": f1}


def _ratio(a: float, b: float) -> float:
    return round(a / b, 3) if b else 0.0


def by_group(items: Iterable[Record]) -> dict[str, list[Record]]:
    groups: dict[str, list[Record]] = defaultdict(list)
    for item in items:
        groups["all"].append(item)
        groups[group(item)].append(item)
    return dict(groups)


def run(first_run: bool) -> dict[str, Any]:
    passages, negatives = load(PASSAGES), load(NEGATIVES)
    predicted = predict([*passages, *negatives])
    scores: dict[str, Any] = {}
    details: dict[str, Any] = {}
    for split in ("dev", "test"):
        part = [p for p in passages if p["split"] == split]
        negs = [n for n in negatives if n["split"] == split]
        scores[split] = {}
        for name, items in by_group(part).items():
            deals, misses = score_deals(items, predicted)
            scores[split][name] = {**deals, "figures": score_figures(items, predicted)}
            if name == "all" and split == "dev":
                details["dev_misses"] = misses
        for name, items in by_group(negs).items():
            neg, created = score_negatives(items, predicted)
            scores[split].setdefault(name, {})["negatives"] = neg
            if name == "all" and split == "dev":
                details["dev_negatives_creating"] = created
    old = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    report = {
        "passages": len(passages),
        "negatives": len(negatives),
        "first_run": scores if first_run else old.get("first_run"),
        "now": scores,
        "dev_details": details,
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
            neg = s.get("negatives", {})
            print(
                f"{split:4} {name:15} pairs {s.get('pair_recall', '-')!s:5} "
                f"deals {s.get('deal_recall', '-')!s:5} precision {s.get('precision', '-')!s:5} "
                f"fields {s.get('field_accuracy', '-')!s:5} "
                f"negatives {neg.get('creating_a_deal', '-')!s:5} "
                f"figures F1 {s.get('figures', {}).get('f1', '-')}"
            )


if __name__ == "__main__":
    main()
