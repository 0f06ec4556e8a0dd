"""A deal summary in Chinese, as Markdown: written for Chinese readers, not translated.

Numbers follow Chinese conventions (12.5 亿美元/月, 22 万块 GPU, 300 兆瓦),
places go from large to small (田纳西州孟菲斯), and companies keep the Latin
name Chinese financial press uses unless the gazetteer gives a short Han name.
"""

from __future__ import annotations

import re

from pipeline.summarize import numbers as n
from pipeline.summarize.changes import Change
from pipeline.summarize.facts import DealFacts, Fact
from pipeline.summarize.select import References, stance_sections

_HEDGE = {"=": "", "~": "约 ", ">": "超过 ", "<": "至多 "}
# Chinese puts no space between Chinese words; the templates join names with spaces
# so Latin names (xAI, Anthropic) stay apart, and this takes the others out.
_SPACE_BETWEEN_HAN = re.compile(r"(?<=[\u4e00-\u9fff])[ ]+(?=[\u4e00-\u9fff])")
_KIND = {"transcript": "文字稿", "article": "文章", "summary": "摘要", "discussion": "讨论"}
STANCE_HEADINGS = {"skeptical": "看空与质疑", "positive": "看多与支持", "neutral": "中性"}
_LANGS = {"en": "英文", "zh": "中文"}
FIELD_NAMES = {
    "capacity_mw": "容量", "gpus": "GPU 数量", "usd_per_month": "月租金", "usd_total": "交易总额",
    "term_days": "租期", "notice_days": "解约通知期", "site": "设施", "location": "地点",
}  # fmt: skip


def format_value(name: str, value: float | str) -> str:
    if isinstance(value, str):
        return value
    if name == "capacity_mw":
        return n.power_zh(value)
    if name == "gpus":
        return f"{n.gpus_zh(value)} GPU"
    if name == "usd_per_month":
        return f"每月 {n.usd_zh(value)}"
    if name == "usd_total":
        return n.usd_zh(value)
    if name in ("term_days", "notice_days"):
        return n.days_zh(value)
    return n.trim(value)


def render(deal: DealFacts, changes: list[Change] | None) -> str:
    refs = References()
    lines = [f"# {_title(deal)}", "", "## 交易概况", "", _deal_sentence(deal, refs)]
    lines += _economics(deal, refs)
    lines += _arguments(deal, refs)
    lines += _sources(deal)
    lines += _disagreements(deal, refs)
    if changes:
        lines += ["", "## 自上次摘要以来的变化", ""]
        lines += [f"- {_change(c)}" for c in changes]
    lines += ["", "## 引用", ""]
    text = _SPACE_BETWEEN_HAN.sub("", "\n".join(lines))
    references = [
        f"{i}. 《{c.title}》（{_KIND.get(c.kind, c.kind)}，文档 {c.doc_id}）"
        f"第 {c.seg_no} 段：“{c.quote}”"
        for i, c in enumerate(refs.cites, start=1)
    ]
    return "\n".join([text, *references]) + "\n"


def _name(deal: DealFacts, name: str | None) -> str:
    return deal.names_zh.get(name, name) if name else "未具名一方"


def _place(deal: DealFacts, location: str) -> str:
    """ "Memphis, Tennessee" -> 田纳西州孟菲斯: the larger place first, no separator."""
    parts = [deal.names_zh.get(p, p) for p in reversed(location.split(", "))]
    return "".join(parts) if all(not p.isascii() for p in parts) else " ".join(parts)


def _title(deal: DealFacts) -> str:
    provider, customer = _name(deal, deal.provider), _name(deal, deal.customer)
    site = deal.value("site")
    if deal.kind == "compute_lease":
        return f"{provider} 向 {customer} 出租{f' {site} ' if site else ''}算力"
    if deal.kind == "acquisition":
        return f"{customer} 收购 {provider}"
    if deal.kind == "investment":
        return f"{customer} 投资 {provider}"
    if deal.kind == "supply":
        return f"{provider} 向 {customer} 供货"
    return f"{provider} 与 {customer} 的交易"


def _figure(fact: Fact, refs: References) -> str:
    hedge = _HEDGE.get(fact.bound, "")
    return f"{hedge}{format_value(fact.field, fact.value)}{refs.mark(*fact.cites)}"


def _deal_sentence(deal: DealFacts, refs: References) -> str:
    f = deal.facts
    provider, customer = _name(deal, deal.provider), _name(deal, deal.customer)
    if deal.kind == "compute_lease":
        where = ""
        if "location" in f:
            where = (
                f"位于{_place(deal, str(f['location'].value))}{refs.mark(*f['location'].cites)}的"
            )
        site = (
            f" {f['site'].value}{refs.mark(*f['site'].cites)} 数据中心" if "site" in f else "算力"
        )
        head = f"{provider} 将{where}{site}出租给 {customer}"
    elif deal.kind == "acquisition":
        price = f"以 {_figure(f['usd_total'], refs)} " if "usd_total" in f else ""
        return f"{customer} {price}收购 {provider}。".replace("  ", " ")
    elif deal.kind == "investment":
        amount = f" {_figure(f['usd_total'], refs)}" if "usd_total" in f else ""
        return f"{customer} 向 {provider} 投资{amount}。"
    else:
        head = f"{provider} 与 {customer} 达成交易"
    details = []
    if "capacity_mw" in f:
        details.append(f"总容量 {_figure(f['capacity_mw'], refs)}")
    if "gpus" in f:
        details.append(f"{_figure(f['gpus'], refs)}")
    if "usd_per_month" in f:
        money = f["usd_per_month"]
        details.append(
            f"租金{_HEDGE.get(money.bound, '')}{format_value('usd_per_month', money.value)}"
            f"{refs.mark(*money.cites)}"
        )
    if "usd_total" in f:
        details.append(f"总价值 {_figure(f['usd_total'], refs)}")
    if "term_days" in f:
        details.append(f"租期 {_figure(f['term_days'], refs)}")
    sentence = head + ("，" + "，".join(details) if details else "") + "。"
    if "notice_days" in f:
        sentence += f"双方均可提前 {_figure(f['notice_days'], refs)}通知解约。"
    return sentence


def _economics(deal: DealFacts, refs: References) -> list[str]:
    e = deal.economics
    if e is None:
        return []
    u, f = e.unit, deal.facts
    parts = [f"年收入 {n.usd_zh(u.usd_per_year)}" if u.usd_per_year else ""]
    if u.usd_per_gpu_hour:
        parts.append(f"折合每块 GPU 每小时 {u.usd_per_gpu_hour:.2f} 美元（每月按 730 小时计）")
    if u.usd_per_mw_month:
        parts.append(f"每兆瓦每月 {n.usd_zh(u.usd_per_mw_month)}")
    if u.kw_per_gpu:
        parts.append(f"每块 GPU 约 {u.kw_per_gpu:.2f} 千瓦")
    inputs = [name for name in ("usd_per_month", "gpus", "capacity_mw") if name in f]
    used = "、".join(f"{FIELD_NAMES[name]}{refs.mark(*f[name].cites)}" for name in inputs)
    lines = ["", "## 经济性", "", f"根据{used}计算：{'；'.join(p for p in parts if p)}。"]
    if e.capex and e.capex_cite:
        payback = (
            f"仅靠这笔租约约 {e.payback_months:.1f} 个月即可收回"
            if e.payback_months is not None
            else "仅靠这笔租约无法收回"
        )
        lines.append(
            f"按资料所述约 {n.usd_zh(e.capex)}的建设成本{refs.mark(e.capex_cite)}，{payback}"
            "（同一设施的多笔租约合并计算见 `neocloud economics`）。"
        )
    return lines


def _arguments(deal: DealFacts, refs: References) -> list[str]:
    lines = ["", "## 各方观点", ""]
    if not deal.arguments:
        return [*lines, "来源中未发现对这笔交易的评论。"]
    for stance, total, named in stance_sections(deal):
        lines += [f"### {STANCE_HEADINGS[stance]}（共 {total} 个论点）", ""]
        for a in named:
            who = "、".join(a.speakers) if a.speakers else "未署名"
            quote = f"“{a.label_zh}”" if a.label_zh else f"“{a.label}”（英文原文）"
            cite = a.cite_zh if a.label_zh and a.cite_zh else a.cite
            langs = "、".join(_LANGS.get(x, x) for x in a.languages)
            lines.append(
                f"- {quote}——{who}；见于 {a.documents} 份文档的 {a.claims} 处表述（{langs}）"
                f"{refs.mark(cite)}"
            )
        lines.append("")
    return lines[:-1]


def _sources(deal: DealFacts) -> list[str]:
    docs = deal.documents
    lines = [
        "",
        "## 资料来源",
        "",
        f"共 {len(docs)} 份文档，其中独立来源 {deal.independent_sources} 个"
        "（转载、摘要和改写与原文合计为一个来源）：",
        "",
    ]
    for d in docs:
        about = "，".join(x for x in (_KIND.get(d.kind, d.kind), d.publisher) if x)
        origin = f"，源自《{d.derived_from}》" if d.derived_from else ""
        lines.append(f"- 《{d.title}》（{about}）{origin}")
    return lines


def _disagreements(deal: DealFacts, refs: References) -> list[str]:
    lines = ["", "## 来源之间的分歧", ""]
    if not deal.disagreements:
        return [*lines, "各来源对这笔交易的数字说法一致。"]
    for d in deal.disagreements:
        readings = [
            f"{format_value(d.field, n.stored_value(value))}{refs.mark(cite)}"
            for value, cite in d.readings
        ]
        lines.append(
            f"- {FIELD_NAMES.get(d.field, d.field)}：{' 与 '.join(readings)}（上文采用第一种说法）"
        )
    return lines


def _change(c: Change) -> str:
    if c.kind == "field":
        name = FIELD_NAMES.get(c.what, c.what)
        if c.before is None:
            return f"新增{name}：{format_value(c.what, c.after)}。"
        if c.after is None:
            return f"不再报道{name}（此前为 {format_value(c.what, c.before)}）。"
        return f"{name}：{format_value(c.what, c.before)} → {format_value(c.what, c.after)}。"
    if c.kind == "document":
        return f"新增来源：《{c.after}》。" if c.after else f"移除来源：《{c.before}》。"
    if c.kind == "sources":
        return f"独立来源：{c.before} 个 → {c.after} 个。"
    if c.kind == "argument":
        label = STANCE_HEADINGS.get(c.what, c.what)
        return f"新增{label}论点：“{c.after}”。" if c.after else f"不再出现的论点：“{c.before}”。"
    if c.kind == "disagreement":
        name = FIELD_NAMES.get(c.what, c.what)
        return f"各来源对{name}出现分歧。" if c.after else f"各来源对{name}的说法趋于一致。"
    return "更新了对来源的引用。"
