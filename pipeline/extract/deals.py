"""Deal statements: who leases, sells or buys what from whom, with the figures that go with it.

Each sentence is masked: organization entities become ⟦O0⟧, ⟦O1⟧..., facilities
⟦F0⟧..., places ⟦L0⟧... and money figures ⟦M0⟧..., so the constructions below
read like the grammar they encode ("⟦Op⟧ ... rents ... to ⟦Oc⟧", "⟦Oc⟧ 将买下 ⟦Op⟧ 位于
… 数据中心"). A construction names the provider (lessor, seller, acquired
company) and customer (lessee, buyer, investor); "a similar partnership"
borrows the kind and provider of the previous deal in the document; "it"/"它"
is the nearest other organization before it. Figures attach from the same
sentence, and from the next two sentences while they state no deal of their
own ("The fees are enormous, ramping to $1.25bn/month"); a plural reference there ("both",
"这些合作") makes money a combined figure and a notice period everyone's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from pipeline.extract.analyze import SegmentAnalysis
from pipeline.extract.gazetteer import Gazetteer
from pipeline.extract.relations import NO_DEAL, Party, RelationModel, VectorOf, other_spans
from pipeline.records import DealMention, Entity, Figure, Segment

LEASE, ACQUISITION, INVESTMENT, SUPPLY = "compute_lease", "acquisition", "investment", "supply"

_O = r"⟦O\d+⟧"
_OS = rf"{_O}(?:(?:\s*,\s*|\s+and\s+|\s*和\s*|\s*与\s*|\s*及\s*|\s*、\s*){_O})*"
_GAP = r"[^.;。;!?]"
# Between a party and its verb: no other organization, so the nearest one is the party.
_NEAR = r"(?:(?!⟦O)[^.;。;!?])"
_COMPUTE_EN = r"(?:compute|computing|capacity|GPUs?|cluster|data\s*cent(?:er|re)s?|infrastructure)"
_LEASE_VERB_EN = r"(?:rent|rents|rented|renting|lease|leases|leased|leasing|sublease[sd]?)"
_PROVIDE_EN = r"(?:provid(?:e|es|ed|ing)|offer(?:s|ed|ing)?|transferr?(?:ing|ed|s)?)"
# Selling capacity is leasing it; selling GPUs is supplying hardware.
_SELL_EN = (
    r"(?:sell|sells|selling|sold|suppl(?:y|ies|ied|ying)|deliver(?:s|ed|ing)?|ship(?:s|ped|ping)?)"
)
_TAKE_EN = (
    r"(?:tak(?:e|es|ing)\s+over|took\s+over|secur\w+|reserv\w+|rent|rents|rented|renting|"
    r"lease|leases|leased|leasing)(?:\s+out)?"
)
_BUY_EN = r"(?:buy|buys|bought|buying|purchas\w+|acquir\w+)(?:\s+out)?"
_CAPACITY_EN = r"(?:compute|computing|capacity)"
_DEAL_NOUN_EN = r"(?:partnerships?|deals?|agreements?|contracts?|arrangements?)"
_ACQUIRE_EN = r"(?:acquired|acquires|acquiring|acquire|bought|buys|buy|took\s+over|takes\s+over)"
_COMPUTE_ZH = r"(?:算力|计算能力|计算资源|計算能力|計算資源|数据中心|數據中心|GPU|容量|集群|集群)"
_LEASE_ZH = r"(?:出租|租赁|租賃|提供|出售|转租|轉租)"
_TAKE_ZH = r"(?:买下|买断|買下|買斷|租用|租下|租赁|承租|接管|包下|购买|購買)"
_SIGN_ZH = r"(?:达成|签署|签订|簽署|簽訂|達成|宣布)"
_DEAL_ZH = r"(?:协议|合作|交易|协定|合同|協議|合約|合同)"


@dataclass(frozen=True)
class _Rule:
    kind: str
    pattern: re.Pattern[str]
    needs_figure: bool = False  # supply and investment statements count only with a figure


def _r(kind: str, pattern: str, needs_figure: bool = False) -> _Rule:
    return _Rule(kind, re.compile(pattern, re.IGNORECASE), needs_figure)


RULES: tuple[_Rule, ...] = (
    # "xAI rents GPUs to Google", "xAI's deal to sell its compute capacity to Anthropic"
    _r(
        LEASE,
        rf"(?P<p>{_O}){_NEAR}{{0,60}}?\b(?:{_LEASE_VERB_EN}|{_PROVIDE_EN})\b"
        rf"{_GAP}{{0,60}}?{_COMPUTE_EN}{_GAP}{{0,40}}?\bto\s+(?P<c>{_OS})",
    ),
    _r(
        LEASE,
        rf"(?P<p>{_O}){_NEAR}{{0,60}}?\b{_SELL_EN}\b{_GAP}{{0,40}}?\b{_CAPACITY_EN}\b"
        rf"{_GAP}{{0,40}}?\bto\s+(?P<c>{_OS})",
    ),
    _r(
        LEASE,
        rf"(?P<p>{_O}){_NEAR}{{0,60}}?\b{_LEASE_VERB_EN}\b(?:\s+out)?{_GAP}{{0,60}}?\bto\s+(?P<c>{_OS})",
    ),
    # "Anthropic buying all the compute capacity at xAI's Colossus 1", "CoreWeave rents GPUs from..."
    _r(
        LEASE,
        rf"(?P<c>{_O}){_NEAR}{{0,60}}?\b{_TAKE_EN}\b{_GAP}{{0,60}}?\b{_COMPUTE_EN}\b"
        rf"{_GAP}{{0,40}}?\b(?:at|from|of|in|with)\s+[\[“\"]*(?:the\s+)?(?:(?P<p>{_O})|(?P<f>⟦F\d+⟧))",
    ),
    # buying capacity (not hardware) is renting it: "the Claude-maker buying out all of the compute"
    _r(
        LEASE,
        rf"(?P<c>{_O}){_NEAR}{{0,60}}?\b{_BUY_EN}\b{_GAP}{{0,60}}?\b{_CAPACITY_EN}\b"
        rf"{_GAP}{{0,40}}?\b(?:at|from|of|in|with)\s+[\[“\"]*(?:the\s+)?(?:(?P<p>{_O})|(?P<f>⟦F\d+⟧))",
    ),
    # buying hardware is supply: "Meta bought 350,000 H100s from Nvidia"
    _r(
        SUPPLY,
        rf"(?P<c>{_O}){_NEAR}{{0,60}}?\b{_BUY_EN}\b{_GAP}{{0,60}}?\bfrom\s+(?P<p>{_O})",
        True,
    ),
    # "xAI announced a partnership with Anthropic to provide access"
    _r(
        LEASE,
        rf"(?P<p>{_O})(?:['’]s)?{_NEAR}{{0,40}}?\b{_DEAL_NOUN_EN}\s+with\s+(?P<c>{_OS})"
        rf"{_GAP}{{0,40}}?\b(?:to\s+)?(?:{_PROVIDE_EN}|{_LEASE_VERB_EN}|giv\w+)\b",
    ),
    # "Anthropic signed a deal with CoreWeave to rent capacity"
    _r(
        LEASE,
        rf"(?P<c>{_O}){_NEAR}{{0,40}}?\b{_DEAL_NOUN_EN}\s+with\s+(?P<p>{_O})"
        rf"{_GAP}{{0,30}}?\bto\s+(?:rent|lease|use|access|buy|secure)\b{_GAP}{{0,40}}?{_COMPUTE_EN}",
    ),
    # "xAI's cumulative lease revenue from Anthropic and Google"
    _r(
        LEASE,
        rf"(?P<p>{_O})['’]s\s+(?:[\w-]+\s+){{0,3}}?(?:lease|leasing|rental|rent)\s+"
        rf"(?:revenue|income|payments?)\s+from\s+(?P<c>{_OS})",
    ),
    # "Google announced a similar partnership"
    _r("similar", rf"(?P<c>{_O}){_NEAR}{{0,40}}?\b(?:a\s+)?similar\s+{_DEAL_NOUN_EN}"),
    # acquisitions
    _r(
        ACQUISITION,
        rf"(?P<c>{_O}){_NEAR}{{0,30}}?\bpaid\s+⟦M\d+⟧\s+(?:for|to\s+(?:buy|acquire))\s+(?:(?P<p>{_O})|(?P<it>it)\b)",
    ),
    _r(
        ACQUISITION,
        rf"(?P<p>{_O})[\s,]+(?:post[\s-]+|after\s+(?:its|the|an?)\s+)?acquisition\s+(?:from|by)\s+(?P<c>{_O})",
    ),
    _r(
        ACQUISITION,
        rf"(?P<c>{_O})['’]s\s+(?:⟦M\d+⟧\s+)?(?:acquisition|purchase|takeover)\s+of\s+(?P<p>{_O})",
    ),
    _r(ACQUISITION, rf"(?P<c>{_O})\s+(?:[\w-]+\s+){{0,3}}?{_ACQUIRE_EN}\s+(?P<p>{_O})(?!['’]s)"),
    # investments: "Microsoft invested $10 billion in OpenAI"
    _r(
        INVESTMENT,
        rf"(?P<c>{_O})\s+(?:[\w-]+\s+){{0,3}}?invest(?:s|ed|ing)?\s+(?:⟦M\d+⟧\s+)?(?:\w+\s+){{0,2}}?in(?:to)?\s+(?P<p>{_O})",
        True,
    ),
    # supply: "Nvidia will supply 100,000 GPUs to xAI"
    _r(
        SUPPLY,
        rf"(?P<p>{_O}){_NEAR}{{0,40}}?\b{_SELL_EN}\b{_GAP}{{0,60}}?\bto\s+(?P<c>{_O})",
        True,
    ),
    # Chinese: "xAI 与 Anthropic 和 Google 达成…协议，向其出租了…"
    _r(
        LEASE,
        rf"(?P<p>{_O}){_NEAR}{{0,20}}?与\s*(?P<c>{_OS}){_GAP}{{0,20}}?{_SIGN_ZH}{_GAP}{{0,30}}?{_DEAL_ZH}"
        rf"[^。;!?]{{0,10}}?向其\s*(?:{_LEASE_ZH})",
    ),
    # "xAI 会…向 Google 和 Anthropic 等竞争对手出租…"
    _r(
        LEASE,
        rf"(?P<p>{_OS}){_NEAR}{{0,40}}?向\s*(?P<c>{_OS})(?:\s*等)?[^。;!?，,]{{0,12}}?{_LEASE_ZH}",
    ),
    # "Anthropic 将买下 xAI 位于田纳西州 Colossus 1 数据中心的所有计算能力"
    _r(
        LEASE,
        rf"(?P<c>{_O}){_NEAR}{{0,20}}?{_TAKE_ZH}(?:了)?\s*[“\"「]?\s*(?:(?P<p>{_O})|位于|在)"
        rf"{_GAP}{{0,40}}?{_COMPUTE_ZH}",
    ),
    # "CoreWeave 与 Meta 达成合作，为其提供…算力"
    _r(
        LEASE,
        rf"(?P<p>{_O}){_NEAR}{{0,20}}?与\s*(?P<c>{_OS}){_GAP}{{0,20}}?{_SIGN_ZH}(?:了)?{_GAP}{{0,20}}?"
        rf"{_DEAL_ZH}[^。;!?]{{0,10}}?(?:为其|向其|为对方|向对方|為其)?\s*(?:提供|出租|供应)"
        rf"{_GAP}{{0,30}}?{_COMPUTE_ZH}",
    ),
    _r(
        LEASE,
        rf"(?P<c>{_O}){_NEAR}{{0,20}}?与\s*(?P<p>{_O}){_GAP}{{0,20}}?{_SIGN_ZH}{_GAP}{{0,20}}?{_DEAL_ZH}"
        rf"{_GAP}{{0,20}}?(?:租用|租赁|承租|使用)",
    ),
    _r(
        "similar",
        rf"(?P<c>{_O}){_NEAR}{{0,20}}?(?:宣布|达成|签署|达成了)?(?:了)?(?:一项)?类似的?(?:{_DEAL_ZH})",
    ),
    # "xAI 在被 SpaceX 收购后", "SpaceX 为它支付了 2500 亿美元", "微软收购了…"
    _r(ACQUISITION, rf"(?P<p>{_O})\s*(?:在|已|已经)?\s*被\s*(?P<c>{_O})\s*(?:收购|并购|收購|併購)"),
    _r(
        ACQUISITION,
        rf"(?P<c>{_O}){_NEAR}{{0,20}}?为\s*(?:(?P<it>它|其)|(?P<p>{_O}))\s*支付了?\s*⟦M\d+⟧",
    ),
    _r(
        ACQUISITION,
        rf"(?P<c>{_O})\s*(?:已|已经|将|宣布)?\s*(?:以\s*⟦M\d+⟧\s*)?(?:收购|并购|收購|併購)了?\s*(?P<p>{_O})",
    ),
    _r(INVESTMENT, rf"(?P<c>{_O}){_NEAR}{{0,10}}?向\s*(?P<p>{_O})\s*(?:投资|注资|投資|注資)", True),
)

_PLURAL = re.compile(
    r"\b(?:both|each|all|these\s+deals|the\s+deals|both\s+deals)\b|两者|双方|這些|这些|均", re.I
)
_VALUE_CUE = re.compile(
    r"\b(?:worth|valued|value|total|totall?ing|contract|deal|for|paid|pay)\b|价值|價值|总额|總額|总价|金额|合同额|支付",
    re.I,
)
_FIELD_BY_DURATION_ROLE = {"notice": "notice_days", "term": "term_days"}
_QUESTION = re.compile(r"[?？]\s*[\"'”’」』)）]*\s*$|吗\s*[?？]?\s*$|嗎\s*[?？]?\s*$")
_CONDITIONAL = re.compile(r"\b(?:if|unless|would|could)\b|如果|假如|假设|若", re.I)
# The figures of a deal come at most this many sentences after its statement.
_CONTEXT_SENTENCES = 2


@dataclass
class _Found:
    kind: str
    provider: str
    customer: str
    seg_no: int
    site: str | None
    location: str | None
    figures: list[tuple[str, str]] = field(default_factory=list)
    status: str = "announced"

    def key(self) -> tuple[str, str, str]:
        return (self.kind, self.provider, self.customer)


def find_deals(
    segments: Sequence[Segment],
    analyses: dict[int, SegmentAnalysis],
    gazetteer: Gazetteer,
    relations: RelationModel | None = None,
    vector_of: VectorOf | None = None,
) -> tuple[DealMention, ...]:
    """Deal mentions of one document, in reading order: the constructions below, and the
    learned relation model (relations.py) for pairs they do not name, when given with
    `vector_of` (a sentence's e5 vector)."""
    found: list[_Found] = []
    # Per language: the last deal sentence's mentions and how many sentences may follow it.
    previous: dict[str, tuple[list[_Found], int]] = {}
    for seg in segments:
        analysis = analyses.get(seg.seg_no)
        if analysis is None:
            continue
        for start, end in analysis.sentences:
            ents = [e for e in analysis.entities if start <= e.start < end]
            figs = [f for f in analysis.figures if start <= f.start < end]
            here = list(_sentence_deals(seg, start, end, ents, figs, found, gazetteer))
            if relations is not None and vector_of is not None:
                here += _learned(
                    seg, (start, end), ents, figs, here, gazetteer, relations, vector_of
                )
            if here:
                found.extend(here)
                previous[seg.lang] = (here, _CONTEXT_SENTENCES)
            elif seg.lang in previous:
                last, left = previous.pop(seg.lang)
                _attach_context(seg.text[start:end], figs, last, found)
                if left > 1:
                    previous[seg.lang] = (last, left - 1)
    return tuple(_merge(found))


def _sentence_deals(
    seg: Segment,
    start: int,
    end: int,
    ents: list[Entity],
    figs: list[Figure],
    earlier: list[_Found],
    gazetteer: Gazetteer,
) -> Iterator[_Found]:
    text = seg.text[start:end]
    if _QUESTION.search(text):
        return  # "Is Amazon about to rent more capacity from Cipher?" states no deal
    masked, slots = _mask(text, start, ents, figs)
    site = next((e.canonical for e in ents if e.label == "FAC"), None)
    location = _location(ents, gazetteer)
    seen: set[tuple[str, str]] = set()  # the first construction that names a pair wins
    for rule in RULES:
        if rule.needs_figure and not figs:
            continue
        for m in rule.pattern.finditer(masked):
            for kind, provider, customer in _roles(rule.kind, m, slots, masked, earlier, gazetteer):
                if provider == customer or (provider, customer) in seen:
                    continue
                seen.add((provider, customer))
                mention = _Found(kind, provider, customer, seg.seg_no, site, location)
                mention.figures = _fields(kind, figs, text, start, in_trigger=True)
                yield mention


def _learned(
    seg: Segment,
    span: tuple[int, int],
    ents: list[Entity],
    figs: list[Figure],
    known: list[_Found],
    gazetteer: Gazetteer,
    relations: RelationModel,
    vector_of: VectorOf,
) -> list[_Found]:
    """Deals the relation model reads between the sentence's organizations, for pairs the
    constructions did not name; none from a denied or hypothetical statement."""
    start, end = span
    text = seg.text[start:end]
    orgs = [e for e in ents if e.label == "ORG"]
    parties = [Party(e.start - start, e.end - start, e.canonical) for e in orgs]
    others = other_spans([e for e in ents if e.label != "ORG"], figs, start)
    if known:
        # The constructions name the parties and say a deal is there (their own negation
        # cues decide whether it is); the status head says how firmly.
        status = relations.status_of(text, parties, others, vector_of(text.strip()), stated=True)
        for mention in known:
            mention.status = status
    if len({e.canonical for e in orgs}) < 2 or not text.strip():
        return []
    named = {frozenset((f.provider, f.customer)) for f in known}
    site = next((e.canonical for e in ents if e.label == "FAC"), None)
    location = _location(ents, gazetteer)
    out = []
    for r in relations.find(text, parties, others, vector_of(text.strip())):
        if r.status in NO_DEAL or frozenset((r.provider, r.customer)) in named:
            continue
        named.add(frozenset((r.provider, r.customer)))
        mention = _Found(r.kind, r.provider, r.customer, seg.seg_no, site, location)
        mention.figures = _fields(r.kind, figs, text, start, in_trigger=True)
        mention.status = r.status
        out.append(mention)
    return out


def _mask(
    text: str, offset: int, ents: list[Entity], figs: list[Figure]
) -> tuple[str, dict[str, str]]:
    """Replace entities and money figures with slot tokens; return the masked text and slots."""
    spans: list[tuple[int, int, str, str]] = []
    counters = {"O": 0, "F": 0, "L": 0, "M": 0}
    kinds = {"ORG": "O", "FAC": "F", "GPE": "L"}
    items: list[tuple[int, int, str, str]] = [
        (e.start, e.end, kinds[e.label], e.canonical) for e in ents if e.label in kinds
    ] + [(f.start, f.end, "M", f.figure_id) for f in figs if f.quantity == "money"]
    for s, e, kind, value in sorted(items):
        if spans and s < spans[-1][1]:
            continue
        spans.append((s, e, kind, value))
    slots: dict[str, str] = {}
    out, pos = [], offset
    for s, e, kind, value in spans:
        token = f"⟦{kind}{counters[kind]}⟧"
        counters[kind] += 1
        slots[token] = value
        out.append(text[pos - offset : s - offset])
        out.append(token)
        pos = e
    out.append(text[pos - offset :])
    return "".join(out), slots


def _roles(
    kind: str,
    m: re.Match[str],
    slots: dict[str, str],
    masked: str,
    earlier: list[_Found],
    gazetteer: Gazetteer,
) -> Iterator[tuple[str, str, str]]:
    groups = m.groupdict()
    customers = [slots[t] for t in re.findall(r"⟦O\d+⟧", groups.get("c") or "")]
    if kind == "similar":
        if earlier and customers:
            yield earlier[-1].kind, earlier[-1].provider, customers[0]
        return
    # In "xAI and SpaceX rent to Google" the first named party is the provider.
    providers = re.findall(r"⟦O\d+⟧", groups.get("p") or "")
    provider = slots[providers[0]] if providers else None
    site_operator = _operator(groups.get("f"), slots, gazetteer) or _sentence_operator(
        slots, gazetteer
    )
    named = {v for t, v in slots.items() if t.startswith("⟦O")}
    if kind == LEASE and site_operator in named and site_operator not in customers:
        provider = site_operator  # the facility's operator is the lessor, not its parent
    if provider is None and groups.get("f"):
        provider = _operator(groups.get("f"), slots, gazetteer)
    if provider is None and groups.get("it"):
        provider = _antecedent(masked[: m.start("it")], slots, exclude=set(customers))
    if provider is None:
        return
    for customer in customers:
        yield kind, provider, customer


def _operator(token: str | None, slots: dict[str, str], gazetteer: Gazetteer) -> str | None:
    if not token or token not in slots:
        return None
    entry = gazetteer.entries.get(slots[token])
    return entry.operator if entry else None


def _sentence_operator(slots: dict[str, str], gazetteer: Gazetteer) -> str | None:
    for token, value in slots.items():
        if token.startswith("⟦F"):
            entry = gazetteer.entries.get(value)
            if entry and entry.operator:
                return entry.operator
    return None


def _antecedent(before: str, slots: dict[str, str], exclude: set[str]) -> str | None:
    """ "it"/"它": the nearest organization before it that is not the other party."""
    for token in reversed(re.findall(r"⟦O\d+⟧", before)):
        if slots[token] not in exclude:
            return slots[token]
    return None


def _location(ents: list[Entity], gazetteer: Gazetteer) -> str | None:
    """Places in the sentence, the most specific first ("Memphis, Tennessee")."""
    places = list(dict.fromkeys(e.canonical for e in ents if e.label == "GPE"))
    if not places:
        return None
    parents = {p for p in places if any(_parent(gazetteer, q) == p for q in places)}
    return ", ".join([p for p in places if p not in parents] + [p for p in places if p in parents])


def _parent(gazetteer: Gazetteer, place: str) -> str | None:
    entry = gazetteer.entries.get(place)
    return entry.parent if entry else None


def _fields(
    kind: str, figs: list[Figure], text: str, offset: int, in_trigger: bool
) -> list[tuple[str, str]]:
    out = []
    for fig in figs:
        name = field_for(kind, fig, text[: fig.start - offset], in_trigger)
        if name:
            out.append((name, fig.figure_id))
    return out


def field_for(kind: str, fig: Figure, before: str, in_trigger: bool) -> str | None:
    """The deal field a figure states, or None when it is not one of the deal's terms."""
    if fig.quantity == "power" and fig.period is None:
        return "capacity_mw"
    if fig.quantity == "gpus":
        return "gpus"
    if fig.quantity == "duration":
        role = _FIELD_BY_DURATION_ROLE.get(fig.role or "")
        return role if role == "notice_days" or (role and in_trigger) else None
    if fig.quantity != "money":
        return None
    prefix = "usd" if fig.unit == "USD" else fig.unit.lower()
    if fig.per_unit:
        return f"{prefix}_per_{fig.per_unit.lower()}_{fig.period or 'total'}"
    if fig.period:
        return f"{prefix}_per_{fig.period}"
    if kind in (ACQUISITION, INVESTMENT) or _VALUE_CUE.search(before[-40:]):
        return f"{prefix}_total"
    return None


def _attach_context(text: str, figs: list[Figure], last: list[_Found], found: list[_Found]) -> None:
    """Figures of the sentence after a deal statement belong to that statement's deals."""
    if not figs or _CONDITIONAL.search(text):
        return  # "if the deals continue for 18 months" is not a term of the deal
    plural = bool(_PLURAL.search(text))
    targets = (
        _distinct(found)[-2:]
        if plural and re.search(r"both|两者|双方", text, re.I)
        else (_distinct(found) if plural else last)
    )
    combined = len({t.key() for t in targets}) > 1
    for mention in targets:
        for fig in figs:
            name = field_for(mention.kind, fig, "", in_trigger=False)
            if name is None:
                continue
            if combined and fig.quantity != "duration":
                name = f"combined_{name}"
            mention.figures.append((name, fig.figure_id))


def _distinct(found: list[_Found]) -> list[_Found]:
    latest: dict[tuple[str, str, str], _Found] = {}
    for mention in found:
        latest.pop(mention.key(), None)
        latest[mention.key()] = mention
    return list(latest.values())


def _merge(found: list[_Found]) -> Iterator[DealMention]:
    for f in found:
        yield DealMention(
            seg_no=f.seg_no,
            kind=f.kind,
            provider=f.provider,
            customer=f.customer,
            site=f.site,
            location=f.location,
            figures=tuple(dict.fromkeys(f.figures)),
            status=f.status,
        )
