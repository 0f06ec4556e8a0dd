"""Entity names resolved across a document and its languages.

Three passes, each general:
1. Short person names ("Sean", "Kirsten") take the one full name in the
   document (an entity or a transcript speaker) that starts or ends with them.
2. Latin-script names inside Chinese segments ("Kirsten 尽力…", "Colossus 1")
   take the canonical name the English segments gave the same surface.
3. In a Chinese segment that translates an English one, names the gazetteer
   does not know take the canonical names of the English side's entities of
   the same label, matched in order.
4. A Chinese company's registered name ("北京智谱华章科技有限公司") is followed
   by its short name ("智谱华章"): the short name, wherever the document uses
   it, is the same organization.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace

from pipeline.extract.analyze import SegmentAnalysis
from pipeline.records import Entity, Segment

_NAME_LABELS = ("ORG", "PERSON", "GPE", "FAC", "PRODUCT")


def resolve_entities(
    segments: Sequence[Segment], analyses: dict[int, SegmentAnalysis]
) -> dict[int, SegmentAnalysis]:
    by_seg = {no: list(a.entities) for no, a in analyses.items()}
    texts = {s.seg_no: s.text for s in segments}
    full = _full_names(segments, by_seg)
    for seg in segments:
        by_seg[seg.seg_no] = _short_names(seg.text, seg.seg_no, by_seg[seg.seg_no], full)
    surfaces = {
        e.text: e
        for seg in segments
        if seg.lang == "en"
        for e in by_seg[seg.seg_no]
        if e.label in _NAME_LABELS
    }
    for seg in segments:
        if seg.lang != "en":
            by_seg[seg.seg_no] = _borrow_surfaces(seg, by_seg[seg.seg_no], surfaces)
    registered = _registered_names(segments, by_seg)
    for seg in segments:
        if registered and seg.lang != "en":
            by_seg[seg.seg_no] = _add_matches(seg, by_seg[seg.seg_no], registered)
    for seg in segments:
        partner = _partner(seg, segments)
        if seg.lang != "en" and partner is not None and partner.lang == "en":
            by_seg[seg.seg_no] = _from_translation(by_seg[seg.seg_no], by_seg[partner.seg_no])
    return {
        no: replace(
            a,
            entities=tuple(sorted(by_seg[no], key=lambda e: e.start)),
            figures=_resubject(a, by_seg[no], texts[no]),
        )
        for no, a in analyses.items()
    }


def _full_names(segments: Sequence[Segment], by_seg: dict[int, list[Entity]]) -> set[str]:
    names = {s.speaker for s in segments if s.speaker and " " in s.speaker}
    names |= {e.canonical for ents in by_seg.values() for e in ents if e.label == "PERSON"}
    return {n for n in names if len(n.split()) >= 2}


def _short_names(text: str, seg_no: int, ents: list[Entity], full: set[str]) -> list[Entity]:
    parts: dict[str, set[str]] = defaultdict(set)
    for name in full:
        words = name.split()
        parts[words[0]].add(name)
        parts[words[-1]].add(name)
    out = [
        replace(e, label="PERSON", canonical=next(iter(parts[e.text])))
        if e.text in parts and len(parts[e.text]) == 1 and not e.known
        else e
        for e in ents
    ]
    covered = _covered(out)
    for short, names in parts.items():
        if len(names) != 1 or len(short) < 3:
            continue
        for m in re.finditer(rf"(?<![\w’'-]){re.escape(short)}(?![\w-])", text):
            if not covered.intersection(range(m.start(), m.end())):
                out.append(Entity(seg_no, m.start(), m.end(), short, "PERSON", next(iter(names))))
                covered.update(range(m.start(), m.end()))
    return out


def _borrow_surfaces(seg: Segment, ents: list[Entity], surfaces: dict[str, Entity]) -> list[Entity]:
    out = list(ents)
    covered = _covered(out)
    for surface, source in sorted(surfaces.items(), key=lambda kv: -len(kv[0])):
        if not surface.isascii():
            continue
        for m in re.finditer(rf"(?<![A-Za-z0-9]){re.escape(surface)}(?![A-Za-z0-9])", seg.text):
            if not covered.intersection(range(m.start(), m.end())):
                out.append(
                    Entity(
                        seg.seg_no, m.start(), m.end(), surface, source.label, source.canonical,
                        source.known,
                    )
                )  # fmt: skip
                covered.update(range(m.start(), m.end()))
    return out


# A registered name: [place] core [business words] [股份]有限公司 (or 集团, 公司).
_PLACE = (
    "北京|上海|天津|重庆|深圳|广州|廣州|杭州|成都|南京|苏州|蘇州|武汉|武漢|西安|合肥|厦门|廈門|"
    "青岛|青島|宁波|寧波|长沙|長沙|郑州|鄭州|济南|濟南|福州|无锡|無錫|珠海|东莞|東莞|佛山|"
    "香港|台北|臺北|新竹|台中|臺中|高雄|廊坊|贵阳|貴陽|乌兰察布|烏蘭察布|中卫|中衛|庆阳|慶陽|"
    "河北|河南|湖北|湖南|广东|廣東|广西|廣西|江苏|江蘇|浙江|安徽|福建|江西|山东|山東|山西|"
    "陕西|陝西|四川|贵州|貴州|云南|雲南|甘肃|甘肅|青海|宁夏|寧夏|新疆|内蒙古|內蒙古|辽宁|遼寧|"
    "吉林|黑龙江|黑龍江|海南|西藏|台湾|臺灣"
)
_BUSINESS = (
    "科技|信息|資訊|智能|数据|數據|网络|網路|網絡|技术|技術|云计算|雲計算|计算|計算|人工智能|"
    "电子|電子|通信|通讯|通訊|能源|控股|数字|數位|算力|软件|軟體|半导体|半導體"
)
_REGISTERED = re.compile(
    rf"^(?:(?:{_PLACE})(?:市|省)?)?(?P<core>[\u4e00-\u9fff]{{2,6}}?)(?P<business>(?:{_BUSINESS})*)"
    r"(?:股份)?(?:有限责任公司|有限責任公司|有限公司|集团|集團)$"
)


def _registered_names(
    segments: Sequence[Segment], by_seg: dict[int, list[Entity]]
) -> dict[str, str]:
    """Registered names and their short forms -> one canonical name: the longest short form
    the document uses on its own, else the registered name's. A form two share: neither."""
    text = "\n".join(s.text for s in segments)
    found: dict[str, set[str]] = defaultdict(set)
    for ents in by_seg.values():
        for e in ents:
            m = _REGISTERED.match(e.text) if e.label == "ORG" and not e.known else None
            if not m:
                continue
            # 极光, 极光智能, 极光智能科技: a short name may keep some business words.
            forms = [m.group("core")]
            for word in re.findall(_BUSINESS, m.group("business")):
                forms.append(forms[-1] + word)
            used = [f for f in forms if text.count(f) > text.count(e.text)]
            canonical = used[-1] if used else e.canonical
            for form in [*forms, e.text]:
                found[form].add(canonical)
    return {form: names.pop() for form, names in found.items() if len(names) == 1}


def _add_matches(seg: Segment, ents: list[Entity], names: dict[str, str]) -> list[Entity]:
    """Registered names and their short forms in `seg` as one organization: recognized ones
    renamed, the others added (over any unknown name they contain: LAC's "云启智" of 云启智算)."""
    out = [
        replace(e, canonical=names[e.text]) if e.text in names and not e.known else e for e in ents
    ]
    for name, canonical in sorted(names.items(), key=lambda kv: -len(kv[0])):
        for m in re.finditer(re.escape(name), seg.text):
            inside = [e for e in out if m.start() <= e.start and e.end <= m.end()]
            overlapping = [e for e in out if e.start < m.end() and m.start() < e.end]
            if len(inside) < len(overlapping) or any(e.known or e.text == name for e in inside):
                continue
            out = [e for e in out if e not in inside]
            out.append(Entity(seg.seg_no, m.start(), m.end(), name, "ORG", canonical))
    return out


def _partner(seg: Segment, segments: Sequence[Segment]) -> Segment | None:
    if seg.translation_of is not None:
        return next((s for s in segments if s.seg_no == seg.translation_of), None)
    return next((s for s in segments if s.translation_of == seg.seg_no), None)


def _from_translation(foreign: list[Entity], english: list[Entity]) -> list[Entity]:
    """Unknown names in a translation take the English side's names, label by label, in order."""
    have = {e.canonical for e in foreign if e.known}
    out = list(foreign)
    for label in _NAME_LABELS:
        unknown = [i for i, e in enumerate(out) if e.label == label and not e.known]
        if not unknown:
            continue
        candidates: list[str] = []
        for e in english:
            if e.label == label and e.canonical not in have and e.canonical not in candidates:
                candidates.append(e.canonical)
        distinct = list(dict.fromkeys(out[i].text for i in unknown))
        if len(distinct) == len(candidates):
            names = dict(zip(distinct, candidates, strict=True))
            for i in unknown:
                out[i] = replace(out[i], canonical=names[out[i].text], known=True)
    return out


def _covered(ents: list[Entity]) -> set[int]:
    return {i for e in ents for i in range(e.start, e.end)}


def _resubject(analysis: SegmentAnalysis, ents: list[Entity], text: str) -> tuple:  # type: ignore[type-arg]
    """Figure subjects follow the entities' resolved names."""
    renamed = {
        old.canonical: new.canonical
        for old in analysis.entities
        for new in ents
        if (old.start, old.end) == (new.start, new.end) and old.canonical != new.canonical
    }
    return tuple(
        replace(f, subject=renamed.get(f.subject, f.subject)) if f.subject else f
        for f in analysis.figures
    )
