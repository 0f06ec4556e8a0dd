"""A deal summary in English, as Markdown, every figure followed by its reference."""

from __future__ import annotations

from pipeline.summarize import numbers as n
from pipeline.summarize.changes import Change
from pipeline.summarize.facts import DealFacts, Fact
from pipeline.summarize.select import References, stance_sections

_HEDGE = {"=": "", "~": "about ", ">": "more than ", "<": "up to "}
_KIND = {"transcript": "transcript", "article": "article", "summary": "summary",
         "discussion": "discussion"}  # fmt: skip
STANCE_HEADINGS = {"skeptical": "Skeptical", "positive": "Positive", "neutral": "Neutral"}
FIELD_NAMES = {
    "capacity_mw": "capacity", "gpus": "GPUs", "usd_per_month": "monthly price",
    "usd_total": "total value", "term_days": "term", "notice_days": "notice period",
    "site": "site", "location": "location",
}  # fmt: skip


def format_value(name: str, value: float | str) -> str:
    if isinstance(value, str):
        return value
    if name == "capacity_mw":
        return n.power_en(value)
    if name == "gpus":
        return f"{n.count_en(value)} GPUs"
    if name in ("usd_per_month", "usd_total"):
        return n.usd_en(value) + (" a month" if name == "usd_per_month" else "")
    if name in ("term_days", "notice_days"):
        return n.days_en(value)
    return n.trim(value)


def render(deal: DealFacts, changes: list[Change] | None) -> str:
    refs = References()
    lines = [f"# {_title(deal)}", "", "## The deal", "", _deal_sentence(deal, refs)]
    lines += _economics(deal, refs)
    lines += _arguments(deal, refs)
    lines += _sources(deal)
    lines += _disagreements(deal, refs)
    if changes:
        lines += ["", "## What changed since the last summary", ""]
        lines += [f"- {_change(c)}" for c in changes]
    lines += ["", "## References", ""]
    lines += [
        f"{i}. *{c.title}* ({_KIND.get(c.kind, c.kind)}, doc {c.doc_id}), segment {c.seg_no}: "
        f"“{c.quote}”"
        for i, c in enumerate(refs.cites, start=1)
    ]
    return "\n".join(lines) + "\n"


def _title(deal: DealFacts) -> str:
    provider, customer = deal.provider or "?", deal.customer or "?"
    site = deal.value("site")
    if deal.kind == "compute_lease":
        return f"{provider} leases {site or 'compute'} to {customer}"
    if deal.kind == "acquisition":
        return f"{customer} acquires {provider}"
    if deal.kind == "investment":
        return f"{customer} invests in {provider}"
    if deal.kind == "supply":
        return f"{provider} supplies {customer}"
    return f"{provider} and {customer}: {deal.kind.replace('_', ' ')}"


def _figure(fact: Fact | None, refs: References) -> str:
    if fact is None:
        return ""
    hedge = _HEDGE.get(fact.bound, "")
    return f"{hedge}{format_value(fact.field, fact.value)} {refs.mark(*fact.cites)}"


def _deal_sentence(deal: DealFacts, refs: References) -> str:
    f = deal.facts
    site = f"{f['site'].value} {refs.mark(*f['site'].cites)}" if "site" in f else "compute"
    place = ""
    if "location" in f:
        place = f" in {f['location'].value} {refs.mark(*f['location'].cites)}"
    provider, customer = deal.provider or "an unnamed party", deal.customer or "an unnamed party"
    if deal.kind == "compute_lease":
        head = f"{provider} leases {site}{place} to {customer}"
    elif deal.kind == "acquisition":
        head = f"{customer} acquires {provider}"
    elif deal.kind == "investment":
        head = f"{customer} invests in {provider}"
    else:
        head = f"{provider} and {customer} have a {deal.kind.replace('_', ' ')} deal{place}"
    details = [
        text
        for text in (
            _figure(f.get("capacity_mw"), refs),
            _figure(f.get("gpus"), refs),
        )
        if text
    ]
    sentence = head + (": " + ", ".join(details) if details else "")
    if "usd_per_month" in f:
        sentence += f", for {_figure(f['usd_per_month'], refs)}"
    if "usd_total" in f:
        sentence += f", worth {_figure(f['usd_total'], refs)}"
    if "term_days" in f:
        sentence += f", for a term of {_figure(f['term_days'], refs)}"
    sentence += "."
    if "notice_days" in f:
        notice = f["notice_days"]
        sentence += (
            f" Either side can cancel with {_HEDGE.get(notice.bound, '')}"
            f"{format_value('notice_days', notice.value)}' notice {refs.mark(*notice.cites)}."
        )
    return sentence.replace(" ,", ",").replace("  ", " ")


def _economics(deal: DealFacts, refs: References) -> list[str]:
    e = deal.economics
    if e is None:
        return []
    u, f = e.unit, deal.facts
    parts = [f"{n.usd_en(u.usd_per_year)} a year" if u.usd_per_year else ""]
    if u.usd_per_gpu_hour:
        parts.append(f"${u.usd_per_gpu_hour:.2f} per GPU-hour (730 hours a month)")
    if u.usd_per_mw_month:
        parts.append(f"{n.usd_en(u.usd_per_mw_month)} per MW-month")
    if u.kw_per_gpu:
        parts.append(f"{u.kw_per_gpu:.2f} kW per GPU")
    inputs = [name for name in ("usd_per_month", "gpus", "capacity_mw") if name in f]
    used = ", ".join(f"{FIELD_NAMES[name]} {refs.mark(*f[name].cites)}" for name in inputs)
    lines = ["", "## Economics", "", f"{'; '.join(p for p in parts if p)}, from the {used}."]
    if e.capex and e.capex_cite:
        payback = (
            f"this lease alone would repay it in {e.payback_months:.1f} months"
            if e.payback_months is not None
            else "this lease alone would not repay it"
        )
        lines.append(
            f"Against the {e.capex_cite.quote} build cost the sources state "
            f"{refs.mark(e.capex_cite)}, {payback}; `neocloud economics` combines "
            "leases that share a site."
        )
    return lines


def _arguments(deal: DealFacts, refs: References) -> list[str]:
    lines = ["", "## Arguments", ""]
    if not deal.arguments:
        return [*lines, "No opinions about this deal were found in its sources."]
    for stance, total, named in stance_sections(deal):
        lines += [f"### {STANCE_HEADINGS[stance]} ({_plural(total, 'argument')})", ""]
        for a in named:
            who = ", ".join(a.speakers) if a.speakers else "unattributed"
            spread = f"{_plural(a.claims, 'claim')} in {_plural(a.documents, 'document')}"
            lines.append(
                f"- “{a.label}” — {who}; {spread} ({', '.join(a.languages)}) {refs.mark(a.cite)}"
            )
        lines.append("")
    return lines[:-1]


def _sources(deal: DealFacts) -> list[str]:
    docs = deal.documents
    lines = [
        "",
        "## Sources",
        "",
        f"{_plural(len(docs), 'document')}, {deal.independent_sources} independent "
        "(a copy, summary or retelling counts with its original):",
        "",
    ]
    for d in docs:
        about = ", ".join(x for x in (_KIND.get(d.kind, d.kind), d.publisher) if x)
        origin = f", derived from *{d.derived_from}*" if d.derived_from else ""
        lines.append(f"- *{d.title}* ({about}){origin}")
    return lines


def _disagreements(deal: DealFacts, refs: References) -> list[str]:
    lines = ["", "## Where sources disagree", ""]
    if not deal.disagreements:
        return [*lines, "The sources agree on every figure of this deal."]
    for d in deal.disagreements:
        readings = [
            f"{format_value(d.field, n.stored_value(value))} {refs.mark(cite)}"
            for value, cite in d.readings
        ]
        name = FIELD_NAMES.get(d.field, d.field)
        lines.append(f"- {name}: {' vs '.join(readings)} (the first is used above)")
    return lines


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' * (count != 1)}"


def _change(c: Change) -> str:
    if c.kind == "field":
        name = FIELD_NAMES.get(c.what, c.what)
        if c.before is None:
            return f"New {name}: {format_value(c.what, c.after)}."
        if c.after is None:
            return f"No longer stated: {name} ({format_value(c.what, c.before)})."
        before, after = format_value(c.what, c.before), format_value(c.what, c.after)
        return f"{name.capitalize()}: {before} → {after}."
    if c.kind == "document":
        return f"New source: *{c.after}*." if c.after else f"Source removed: *{c.before}*."
    if c.kind == "sources":
        return f"Independent sources: {c.before} → {c.after}."
    if c.kind == "argument":
        return (
            f"New {c.what} argument: “{c.after}”."
            if c.after
            else f"Argument no longer made: “{c.before}”."
        )
    if c.kind == "disagreement":
        name = FIELD_NAMES.get(c.what, c.what)
        return (
            f"Sources now disagree on the {name}."
            if c.after
            else f"Sources now agree on the {name}."
        )
    return "References to the sources were updated."
