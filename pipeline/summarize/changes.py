"""What changed between the facts of the last summary and the facts of this one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Change:
    kind: str  # field, document, sources, argument, disagreement, references
    what: str  # the field, or the stance of an argument
    before: Any
    after: Any


def diff(before: dict[str, Any], after: dict[str, Any]) -> list[Change]:
    """Changes in a stable order: fields, documents, sources, arguments, disagreements."""
    out: list[Change] = []
    old_fields, new_fields = before.get("fields", {}), after.get("fields", {})
    for name in sorted(set(old_fields) | set(new_fields)):
        if old_fields.get(name) != new_fields.get(name):
            out.append(Change("field", name, old_fields.get(name), new_fields.get(name)))
    old_docs, new_docs = set(before.get("documents", [])), set(after.get("documents", []))
    out += [Change("document", "", None, d) for d in sorted(new_docs - old_docs)]
    out += [Change("document", "", d, None) for d in sorted(old_docs - new_docs)]
    if before.get("independent_sources") != after.get("independent_sources"):
        out.append(
            Change("sources", "", before.get("independent_sources"), after["independent_sources"])
        )
    old_args = {a[0]: a[1] for a in before.get("arguments", [])}
    new_args = {a[0]: a[1] for a in after.get("arguments", [])}
    out += [Change("argument", new_args[a], None, a) for a in sorted(set(new_args) - set(old_args))]
    out += [Change("argument", old_args[a], a, None) for a in sorted(set(old_args) - set(new_args))]
    old_dis = {d[0] for d in before.get("disagreements", [])}
    new_dis = {d[0] for d in after.get("disagreements", [])}
    out += [Change("disagreement", f, None, True) for f in sorted(new_dis - old_dis)]
    out += [Change("disagreement", f, True, None) for f in sorted(old_dis - new_dis)]
    return out or [Change("references", "", None, None)]
