"""The figure grammar: deal figures in English and Chinese text, normalized.

Pure text in, `FigureMatch`es out; no spaCy here (the component in
`component.py` wraps it). Every rule is a regular expression over one figure
shape plus a builder that turns its match into numbers. All rules run on all
text, since Chinese sentences quote "$1.25bn/month" and English ones do not
need Chinese rules to stay quiet; where matches overlap the longest wins.

Normalization follows ../shared/CONTRACT.md: money in its currency's base unit
with the ISO code, power in MW, accelerators in GPUs, durations in days.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import regex as re

from pipeline.extract.numbers import (
    NUMBER_WORDS,
    ZH_NUMERAL_CHARS,
    digits_value,
    scale_value,
    words_value,
    zh_magnitude,
    zh_value,
)

DAYS = {"day": 1.0, "week": 7.0, "month": 30.4375, "year": 365.25}


@dataclass(frozen=True)
class FigureMatch:
    start: int
    end: int
    text: str
    quantity: str
    value: float
    unit: str
    value_max: float | None = None
    period: str | None = None
    per_unit: str | None = None
    bound: str = "="
    role: str | None = None  # "notice" or "term" for durations, when the text says so


# --- hedges -----------------------------------------------------------------
_HEDGES_EN = {
    "~": ("about", "around", "roughly", "approximately", "approx.", "approx", "nearly",
          "almost", "close to", "some", "an estimated", "estimated", "circa", "~"),
    ">": ("more than", "over", "above", "at least", "upwards of", "north of",
          "in excess of", "just over", "well over", "well above", "greater than"),
    "<": ("less than", "under", "below", "fewer than", "up to", "at most", "no more than",
          "as much as", "as many as", "just under", "not more than", "a maximum of"),
}  # fmt: skip
_HEDGES_ZH = {
    "~": ("大约", "大概", "将近", "將近", "接近", "约", "約", "近"),
    ">": ("超过", "超過", "至少", "起码", "逾", "超", "不低于", "不低於", "不少于", "不少於"),
    "<": (
        "不到",
        "不足",
        "少于",
        "少於",
        "低于",
        "低於",
        "最多",
        "不超过",
        "不超過",
        "不高于",
        "不高於",
        "不多于",
        "不多於",
    ),
}
_SUFFIX_HEDGES_ZH = {"~": ("左右", "上下"), ">": ("以上", "之多")}
HEDGE_BOUND = {w: b for table in (_HEDGES_EN, _HEDGES_ZH) for b, ws in table.items() for w in ws}
SUFFIX_BOUND = {w: b for b, ws in _SUFFIX_HEDGES_ZH.items() for w in ws}


def _alt(words: object) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))  # type: ignore[call-overload]


_EN_HEDGE = (
    rf"(?:(?P<hedge>(?i:{_alt(w for ws in _HEDGES_EN.values() for w in ws if w != '~')}))\s+|"
    r"(?P<tilde>~)\s*)"
)
# "约" in 续约 (renew), 合约 (contract), 签约 (sign) is not a hedge; 折合约 is "about".
_ZH_HEDGE = (
    r"(?<![续續签簽租条條协協预預解违違履毁])(?<!(?<!折)合)"
    rf"(?P<hedge>{_alt(w for ws in _HEDGES_ZH.values() for w in ws)})\s*"
)
_ZH_SUFFIX = rf"(?:\s*(?P<suffix>{_alt(SUFFIX_BOUND)}))?"

# --- numbers ----------------------------------------------------------------
# A number starts a token: not "H100", "GPT-5", "1.2.3". ASCII only, since a
# Chinese character right before a number ("估值为2300亿") is fine.
_B = r"(?<![A-Za-z0-9_.,\-/])"
_B2 = r"(?<![A-Za-z0-9_.,])"  # the second number of a range follows "-" or "to"
_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+"
_SCALE_AHEAD = r"(?=\s+(?:hundred|dozen|thousand|million|billion|trillion|gigawatts?|megawatts?)\b)"
_WORDS = (
    rf"(?:(?:an?|half\s+an?){_SCALE_AHEAD}|{NUMBER_WORDS})"
    rf"(?:(?:\s+and\s+|\s+|-)(?:a\s+half\b|(?:{NUMBER_WORDS})\b))*"
)
_SCALE = r"thousand|million|billion|trillion|mln|mn|bn|tn|trn|bil|mm|[kKmMbBT](?![a-zA-Z])"
_WORD_SCALE = r"thousand|million|billion|trillion"


def _en_amount(i: str, scale: str = _SCALE) -> str:
    boundary = _B if i == "1" else _B2
    return (
        rf"(?:{boundary}(?P<d{i}>{_DIGITS})|\b(?P<w{i}>{_WORDS}))"
        rf"(?:\s?(?P<s{i}>{scale})\b)?(?P<plus{i}>\+)?"
    )


_RANGE_SEP = r"\s*(?:-|–|—|to|and)\s*"
_ZH_RANGE_SEP = r"\s*(?:-|–|—|~|～|到|至)\s*"
_ZH_NUM = (
    rf"(?:{{boundary}}(?P<zd{{i}}>{_DIGITS})|(?<![上下])(?P<zn{{i}}>[{ZH_NUMERAL_CHARS}]+))"
    rf"(?!瓦)\s*(?P<more{{i}}>多|余|餘)?(?P<zm{{i}}>[十百千万萬亿億]*)(?!瓦)(?P<more{{i}}>多|余|餘)?"
)
_ZH_ADJACENT = (
    r"(?P<adj>[一二三四五六七八九])(?P<adj2>[二三四五六七八九])(?P<adjm>[十百千万萬亿億]+)"
)
_ZH_VAGUE = r"(?P<vague>数|數|几|幾|上|好几|好幾)(?P<vaguem>[十百千万萬亿億]+)"


def _zh_amount(i: str) -> str:
    return _ZH_NUM.replace("{i}", i).replace("{boundary}", _B if i == "1" else _B2)


_ZH_AMOUNT = (
    rf"(?:{_ZH_ADJACENT}|{_ZH_VAGUE}|{_zh_amount('1')}(?:{_ZH_RANGE_SEP}{_zh_amount('2')})?)"
)

# --- units ------------------------------------------------------------------
_CURRENCY_SIGNS = {
    "US$": "USD", "$": "USD", "USD": "USD", "€": "EUR", "EUR": "EUR", "£": "GBP",
    "GBP": "GBP", "HK$": "HKD", "A$": "AUD", "C$": "CAD", "S$": "SGD", "NT$": "TWD",
    "¥": "CNY", "￥": "CNY", "RMB": "CNY", "CNY": "CNY", "JPY": "JPY", "₹": "INR",
    "₩": "KRW", "人民币": "CNY", "人民幣": "CNY",
}  # fmt: skip
_CURRENCY_WORDS = {
    "dollars": "USD", "dollar": "USD", "usd": "USD", "euros": "EUR", "euro": "EUR",
    "eur": "EUR", "pounds": "GBP", "gbp": "GBP", "yuan": "CNY", "renminbi": "CNY",
    "rmb": "CNY", "cny": "CNY", "yen": "JPY", "jpy": "JPY", "rupees": "INR",
    "美元": "USD", "美金": "USD", "元人民币": "CNY", "元人民幣": "CNY", "人民币": "CNY",
    "人民幣": "CNY", "元": "CNY", "欧元": "EUR", "歐元": "EUR", "英镑": "GBP",
    "英鎊": "GBP", "日元": "JPY", "日圓": "JPY", "港元": "HKD", "港币": "HKD",
    "港幣": "HKD", "新台币": "TWD", "新台幣": "TWD", "韩元": "KRW", "韓元": "KRW",
}  # fmt: skip
_SIGN = rf"(?P<sign>{_alt(_CURRENCY_SIGNS)})"
_CUR_WORD_EN = (
    r"(?P<curword>dollars?|usd|euros?|eur|pounds|gbp|yuan|renminbi|rmb|cny|yen|jpy|rupees)\b"
)
_CUR_WORD_ZH = rf"(?P<curword>{_alt(w for w in _CURRENCY_WORDS if not w.isascii())})"

_POWER_UNITS = {
    "w": 1e-6, "watts": 1e-6, "kw": 1e-3, "kilowatt": 1e-3, "kilowatts": 1e-3, "mw": 1.0,
    "megawatt": 1.0, "megawatts": 1.0, "gw": 1e3, "gigawatt": 1e3, "gigawatts": 1e3,
    "瓦": 1e-6, "千瓦": 1e-3, "万千瓦": 10.0, "萬千瓦": 10.0, "兆瓦": 1.0, "吉瓦": 1e3,
    "百万千瓦": 1e3, "百萬千瓦": 1e3,
}  # fmt: skip
_POWER_EN = r"(?P<punit>gigawatts?|megawatts?|kilowatts?|watts|GW|MW|kW|KW|W)(?![a-zA-Z])"
_POWER_ZH = r"(?P<punit>百万千瓦|百萬千瓦|万千瓦|萬千瓦|千瓦|兆瓦|吉瓦|瓦)(?!时|時|特)"

_ACCEL_MODEL = r"(?:GB|[ABHLM]I?|TPU\s?v?)\d{2,4}[A-Z]?"
_GPU_EN = (
    rf"(?:(?:Nvidia|NVIDIA|AMD|Google|Intel)\s+)?(?:{_ACCEL_MODEL}\s+)?"
    r"(?P<gunit>GPUs?|graphics\s+processors|chips|accelerators|TPUs|cards|"
    rf"{_ACCEL_MODEL}s)(?![\w-]*\s*-?\s*hours?\b)(?!-\w)"
)
_GPU_ZH = (
    r"(?:(?P<clf>块|塊|张|張|枚|颗|顆|个|個|片|台)\s*)?"
    r"(?:(?:英伟达|英偉達|Nvidia|NVIDIA|AMD|华为|華為|谷歌|AI|TPU|昇腾|昇騰|国产|國產|RTX)\s*)*"
    # After a classifier, digits name the model: "十张4090显卡" is ten cards.
    rf"(?:(?:{_ACCEL_MODEL}|(?<=[块塊张張枚颗顆]\s?)\d{{3,4}}[A-Z]?)\s*)?"
    r"(?P<gunit>GPU|显卡|顯卡|加速芯片|芯片|晶片|加速卡|算力卡|加速器|卡)(?!\s*(?:小时|小時))"
)
_WAN_KA = rf"(?:{_ZH_HEDGE})?(?<![\d一二三四五六七八九十百千两兩])(?P<wan>万|萬)(?P<gunit>卡)"
_GPU_ZH_MODEL = rf"(?P<clf>块|塊|张|張|枚|颗|顆)\s*(?P<gunit>{_ACCEL_MODEL})"

_DURATION_EN = r"(?P<dunit>days?|weeks?|months?|years?)(?![a-zA-Z])"
_DURATION_ZH_HALF = r"(?P<half>半)?"
_DURATION_ZH = (
    r"(?:(?P<ge>个|個)\s*)?(?P<dunit>天|周|週|星期|月|年)(?!代|度|份|底|初|中|末|前|后|後)"
)
_ZH_DURATION_DAYS = {"天": 1.0, "周": 7.0, "週": 7.0, "星期": 7.0, "月": 30.4375, "年": 365.25}

_PERIOD_EN = (
    r"(?:\s*/\s*(?P<p1>month|mo|mth|year|yr|y|hour|hr|h)\b"
    r"|\s+(?:a|an|per|each|every)\s+(?P<p2>month|year|hour)\b"
    r"|\s+(?P<p3>monthly|annually|yearly|hourly|per\s+annum))"
)
_PER_UNIT_EN = (
    r"(?:\s*/\s*|\s+per\s+|-per-|\s+an?\s+)(?P<pu>GPU|H100|B200|GB200|chip|accelerator|card|"
    r"MW|megawatt|kW|kilowatt)"
    r"(?:(?:\s*[-/]\s*|\s+per\s+|\s+)(?P<pup>hour|hr|h|month|mo|year|yr)\b)?(?![\w-])"
)
_PERIOD_ZH_SUFFIX = r"(?:\s*(?:/|每|一)\s*(?:个|個)?\s*(?P<zp>月|年|小时|小時))"
_PERIOD_ZH_PREFIX = (
    r"(?P<zpp>每个月|每個月|每月|每年|每小时|每小時|月租金?|年租金?|月均|年均|月收入|年收入)"
    r"\s*(?:的|价值|價值|租金|收入|费用|費用|金额|金額|合计|合計|总计|總計|高达|高達|达到|達到|达|達|"
    r"为|為|可达|可達|共|需|须|須|要|应|應|还|還|支付|付|缴纳|繳納|\s)*"
)
# "a monthly rent of $12 million": an English period named before the amount.
_PERIOD_EN_PREFIX = (
    r"(?P<epp>(?i:monthly|annual|yearly|hourly))\s+(?:[a-z-]+\s+){0,2}?(?:of|at|is|was|:)\s+"
)
_PER_UNIT_ZH_PREFIX = (
    r"(?P<zpu>每\s*(?:块|塊|张|張|个|個)?\s*(?:GPU|卡|显卡|顯卡|芯片|兆瓦|千瓦|MW|kW)"
    r"\s*(?:每\s*)?(?:小时|小時|月|年)?)\s*(?:的)?\s*(?:价格|價格|租金|费用|費用|为|為)*\s*"
)
_ZH_PERIOD = {"月": "month", "个月": "month", "年": "year", "小时": "hour", "小時": "hour"}
_EN_PERIOD = {
    "annual": "year",
    "month": "month", "mo": "month", "mth": "month", "monthly": "month",
    "year": "year", "yr": "year", "y": "year", "annually": "year", "yearly": "year",
    "per annum": "year", "hour": "hour", "hr": "hour", "h": "hour", "hourly": "hour",
}  # fmt: skip


# --- builders ---------------------------------------------------------------
Groups = dict[str, str | None]


def _en_number(g: Groups, i: str) -> float | None:
    digits, words, scale = g.get(f"d{i}"), g.get(f"w{i}"), g.get(f"s{i}")
    if digits:
        value = digits_value(digits)
    elif words:
        if words.lower() in ("a", "an") and not scale and not g.get("punit"):
            return None  # "a month", "a GPU": an article; but "a gigawatt" is one
        parsed = words_value(words)
        if parsed is None:
            return None
        value = parsed
    else:
        return None
    return value * scale_value(scale)


def _zh_number(g: Groups, i: str) -> float | None:
    magnitude = zh_magnitude(g.get(f"zm{i}") or "")
    if g.get(f"zd{i}"):
        return digits_value(g[f"zd{i}"] or "") * magnitude
    numeral = g.get(f"zn{i}")
    if not numeral:
        return None
    if not g.get(f"zm{i}") and (not numeral.strip("万萬亿億") or numeral in "百千"):
        # A bare "亿"/"万" is a unit left over from a number we did not read, and
        # the "千" of "千瓦" belongs to the unit.
        return None
    value = zh_value(numeral)
    return value * magnitude if value is not None else None


def _amounts(g: Groups) -> tuple[float, float | None, str] | None:
    """(low, high, bound) of the amount groups of either language, or None when not a number."""
    if g.get("vague"):
        return zh_magnitude(g.get("vaguem") or ""), None, ">"
    if g.get("adj"):
        mag = zh_magnitude(g.get("adjm") or "")
        low, high = zh_value(g["adj"] or ""), zh_value(g["adj2"] or "")
        return (low or 0) * mag, (high or 0) * mag, "~"
    low = _en_number(g, "1") if (g.get("d1") or g.get("w1")) else _zh_number(g, "1")
    if low is None:
        return None
    high = _en_number(g, "2") if (g.get("d2") or g.get("w2")) else _zh_number(g, "2")
    if g.get("zd1") and not g.get("zm1") and g.get("zm2"):
        low *= zh_magnitude(g.get("zm2") or "")  # "5到8万" / "12-18万": the unit is shared
    elif g.get("d1") and not g.get("s1") and g.get("s2"):
        low *= scale_value(g.get("s2"))  # "$2-3 billion": the scale is shared
    if high is not None:
        return (low, high, "~") if high > low else None
    more = g.get("more1") or g.get("plus1")
    return low, None, ">" if more else "="


def _bound(g: Groups, default: str) -> str:
    if default != "=":
        return default
    if g.get("tilde"):
        return "~"
    for key in ("hedge", "suffix"):
        word = (g.get(key) or "").lower()
        if word:
            return HEDGE_BOUND.get(word) or SUFFIX_BOUND.get(word) or default
    if g.get("plus") or g.get("plus2") or g.get("ormore"):
        return ">"
    if g.get("orso"):
        return "~"
    return default


def _period(g: Groups) -> str | None:
    for key in ("p1", "p2", "p3", "epp"):
        if g.get(key):
            return _EN_PERIOD[" ".join((g[key] or "").lower().split())]
    zp = g.get("zp")
    if zp:
        return _ZH_PERIOD[zp]
    zpp = g.get("zpp") or ""
    for prefix, period in (("月", "month"), ("每个月", "month"), ("每個月", "month")):
        if zpp.startswith(prefix):
            return period
    if zpp:
        return {"每月": "month", "每年": "year", "年": "year", "每小": "hour"}.get(zpp[:2])
    return None


def _per_unit(g: Groups) -> tuple[str | None, str | None, float]:
    """(per_unit, period, multiplier): per-kW prices become per-MW prices."""
    unit = (g.get("pu") or "").lower()
    if unit:
        period = _EN_PERIOD.get((g.get("pup") or "").lower())
        if unit in ("kw", "kilowatt"):
            return "MW", period, 1000.0
        return ("MW" if unit in ("mw", "megawatt") else "GPU"), period, 1.0
    zpu = g.get("zpu") or ""
    if zpu:
        period = next((p for k, p in _ZH_PERIOD.items() if zpu.endswith(k)), None)
        if "千瓦" in zpu or "kW" in zpu:
            return "MW", period, 1000.0
        per = "MW" if ("兆瓦" in zpu or "MW" in zpu) else "GPU"
        return per, period, 1.0
    return None, None, 1.0


def _money(g: Groups) -> tuple[str, float, float | None, str] | None:
    amounts = _amounts(g)
    if amounts is None:
        return None
    sign, word = g.get("sign"), (g.get("curword") or "").lower()
    currency = _CURRENCY_SIGNS.get(sign or "") or _CURRENCY_WORDS.get(word)
    if currency is None:
        return None
    return currency, *amounts


def build_money(g: Groups) -> dict[str, object] | None:
    money = _money(g)
    if money is None:
        return None
    currency, low, high, bound = money
    per_unit, unit_period, factor = _per_unit(g)
    return {
        "quantity": "money",
        "value": low * factor,
        "value_max": high * factor if high is not None else None,
        "unit": currency,
        "period": unit_period or _period(g),
        "per_unit": per_unit,
        "bound": _bound(g, bound),
    }


def build_power(g: Groups) -> dict[str, object] | None:
    amounts = _amounts(g)
    if amounts is None:
        return None
    low, high, bound = amounts
    factor = _POWER_UNITS[(g.get("punit") or "").lower()]
    return {
        "quantity": "power",
        "value": low * factor,
        "value_max": high * factor if high is not None else None,
        "unit": "MW",
        "bound": _bound(g, bound),
    }


def build_gpus(g: Groups) -> dict[str, object] | None:
    amounts = _amounts(g)
    if amounts is None:
        return None
    low, high, bound = amounts
    if g.get("gunit") == "卡" and not (g.get("zm1") or g.get("zn1") or g.get("vague")):
        return None  # "3卡" is rare; "十万卡" carries a Chinese magnitude
    if low != int(low):
        return None  # a fraction of a GPU is a misread (a price, a version)
    return {
        "quantity": "gpus",
        "value": low,
        "value_max": high,
        "unit": "GPU",
        "bound": _bound(g, bound),
    }


def build_wan_ka(g: Groups) -> dict[str, object] | None:
    """ "万卡集群": a ten-thousand-GPU cluster."""
    return {"quantity": "gpus", "value": 1e4, "unit": "GPU", "bound": _bound(g, "=")}


def build_duration(g: Groups) -> dict[str, object] | None:
    amounts = _amounts(g)
    if amounts is None:
        return None
    low, high, bound = amounts
    unit = (g.get("dunit") or "").lower()
    if unit in _ZH_DURATION_DAYS:
        if unit == "月" and not g.get("ge"):
            return None  # "5月" is May; a span of months is "5个月"
        if unit == "年" and g.get("zd1") and 1900 <= low <= 2100 and not g.get("zm1"):
            return None  # "2026年" is a calendar year
        days = _ZH_DURATION_DAYS[unit]
        if g.get("half"):
            low += 0.5  # "一年半": one and a half years
    else:
        days = DAYS[unit.rstrip("s")]
        if g.get("d1") and 1900 <= low <= 2100 and unit.startswith("year"):
            return None
    role = "notice" if g.get("notice") else ("term" if g.get("term") else None)
    return {
        "quantity": "duration",
        "value": low * days,
        "value_max": high * days if high is not None else None,
        "unit": "day",
        "bound": _bound(g, bound),
        "role": role,
    }


def build_vague_money(g: Groups) -> dict[str, object] | None:
    """ "billions of dollars" -> >1e9, "tens of billions" -> >1e10, "hundreds of millions" -> >1e8.

    The value is the least the phrase can mean, with bound ">".
    """
    value = scale_value(g.get("vbig")) * (scale_value(g.get("vmult")) if g.get("vmult") else 1)
    currency = _CURRENCY_WORDS.get((g.get("curword") or "").lower(), "USD")
    return {"quantity": "money", "value": value, "unit": currency, "bound": ">"}


def build_vague_count(g: Groups) -> dict[str, object] | None:
    many = 2.0 if g.get("many") else 1.0
    value = many * scale_value(g.get("vbig")) * scale_value(g.get("vmult"))
    if g.get("punit"):
        factor = _POWER_UNITS[(g.get("punit") or "").lower()]
        return {"quantity": "power", "value": value * factor, "unit": "MW", "bound": ">"}
    return {"quantity": "gpus", "value": value, "unit": "GPU", "bound": ">"}


# --- rules ------------------------------------------------------------------
_EN_AMOUNT = (
    rf"{_en_amount('1')}(?:{_RANGE_SEP}(?:{_SIGN.replace('sign', 'sign2')})?{_en_amount('2')})?"
)
_EN_AMOUNT_POWER = (
    rf"{_en_amount('1', _WORD_SCALE)}"
    rf"(?:(?:\s?(?:GW|MW|kW|gigawatts?|megawatts?))?{_RANGE_SEP}{_en_amount('2', _WORD_SCALE)})?"
)
_BETWEEN = r"(?:between\s+)?"
_TAIL_EN = r"(?:(?P<plus>\+)|\s+(?P<ormore>or\s+more)|\s+(?P<orso>or\s+so)|-(?P<plus2>plus)\b)?"
_AFTER_UNIT_EN = r"(?:\s+(?P<ormore>or\s+more)|\s+(?P<orso>or\s+so))?"


@dataclass(frozen=True)
class Rule:
    name: str
    pattern: re.Pattern[str]
    build: Callable[[Groups], dict[str, object] | None]
    trigger: re.Pattern[str]  # a cheap test: text without it cannot match the rule


# Words a figure of each quantity cannot do without; checking them first lets most
# rules skip most sentences (the grammar is then ~2x faster).
_TRIGGERS = {
    "money": f"{_alt(_CURRENCY_SIGNS)}|(?i:{_alt(_CURRENCY_WORDS)})",
    "power": r"(?i:watt)|W(?![a-z])|瓦",
    "gpus": r"(?i:gpu|chip|accelerator|tpu|card|processor|[abhlm]i?\d{2,4})|卡|芯片|晶片|加速器",
    "duration": r"(?i:day|week|month|year)|天|周|週|星期|月|年",
}


def _rule(name: str, pattern: str, build: Callable[[Groups], dict[str, object] | None]) -> Rule:
    quantity = next(q for q in _TRIGGERS if q in name or (q == "gpus" and "ka" in name))
    return Rule(name, re.compile(pattern), build, re.compile(_TRIGGERS[quantity]))


RULES: tuple[Rule, ...] = (
    _rule(
        "money_sign",
        rf"(?:{_ZH_HEDGE})?(?:{_PERIOD_EN_PREFIX}|{_PERIOD_ZH_PREFIX}|{_PER_UNIT_ZH_PREFIX})?"
        rf"(?:{_EN_HEDGE}|{_ZH_HEDGE})?{_BETWEEN}{_SIGN}\s?{_EN_AMOUNT}(?:\s*{_CUR_WORD_EN}|\s*{_CUR_WORD_ZH})?{_TAIL_EN}"
        rf"(?:{_PER_UNIT_EN}|{_PERIOD_EN}|{_PERIOD_ZH_SUFFIX})?",
        build_money,
    ),
    _rule(
        "money_word",
        rf"(?:{_PERIOD_EN_PREFIX})?(?:{_EN_HEDGE})?{_BETWEEN}{_EN_AMOUNT}\s*{_CUR_WORD_EN}{_TAIL_EN}"
        rf"(?:{_PER_UNIT_EN}|{_PERIOD_EN})?",
        build_money,
    ),
    _rule(
        "money_zh",
        rf"(?:{_ZH_HEDGE})?(?:{_PERIOD_ZH_PREFIX}|{_PER_UNIT_ZH_PREFIX})?(?:{_ZH_HEDGE})?"
        rf"(?:{_SIGN}\s*{_ZH_AMOUNT}(?:\s*{_CUR_WORD_ZH})?|{_ZH_AMOUNT}\s*{_CUR_WORD_ZH})"
        rf"{_ZH_SUFFIX}{_PERIOD_ZH_SUFFIX}?",
        build_money,
    ),
    _rule(
        "vague_money",
        r"(?:(?P<vmult>tens|hundreds)\s+of\s+)?(?P<vbig>billions|millions|trillions)\s+of\s+"
        r"(?P<curword>dollars|euros|yuan|pounds)\b",
        build_vague_money,
    ),
    _rule(
        "vague_money_adj",
        r"\bmulti-?(?P<vbig>billion|million|trillion)-dollar\b",
        build_vague_money,
    ),
    _rule(
        "power",
        rf"(?:{_EN_HEDGE}|{_ZH_HEDGE})?{_BETWEEN}{_EN_AMOUNT_POWER}\s?-?\s?{_POWER_EN}{_TAIL_EN}",
        build_power,
    ),
    _rule(
        "power_zh",
        rf"(?:{_ZH_HEDGE})?{_ZH_AMOUNT}\s*{_POWER_ZH}{_ZH_SUFFIX}",
        build_power,
    ),
    _rule(
        "vague_power",
        r"(?:(?P<many>many|several)\s+)?(?P<vbig>hundreds|thousands)\s+of\s+"
        r"(?P<punit>megawatts|gigawatts|MW|GW)\b",
        build_vague_count,
    ),
    _rule(
        "gpus",
        rf"(?:{_EN_HEDGE}|{_ZH_HEDGE})?{_BETWEEN}{_EN_AMOUNT}[\s-]?{_GPU_EN}{_AFTER_UNIT_EN}",
        build_gpus,
    ),
    _rule(
        "gpus_zh",
        rf"(?:{_ZH_HEDGE})?{_ZH_AMOUNT}\s*(?:{_GPU_ZH}|{_GPU_ZH_MODEL}){_ZH_SUFFIX}",
        build_gpus,
    ),
    _rule("wan_ka", _WAN_KA, build_wan_ka),
    _rule(
        "vague_gpus",
        r"(?:(?P<vmult>tens|hundreds)\s+of\s+)?(?P<vbig>thousands|millions)\s+of\s+"
        rf"(?:(?:Nvidia|NVIDIA|AMD|Google)\s+)?(?:{_ACCEL_MODEL}\s+)?(?:GPUs|chips|accelerators)\b",
        build_vague_count,
    ),
    _rule(
        "duration",
        rf"(?:(?P<term>for|over|within)\s+)?(?:{_EN_HEDGE})?{_BETWEEN}{_EN_AMOUNT}\s?-?\s?"
        rf"{_DURATION_EN}(?P<notice>['’]s?\s+notice|\s+of\s+notice|-?\s*notice)?"
        r"(?:\s+(?:out|later|ahead|from\s+now)\b)?",
        build_duration,
    ),
    _rule(
        "duration_zh",
        rf"(?P<term>为期|為期)?(?:提前)?(?:{_ZH_HEDGE})?{_ZH_AMOUNT}\s*{_DURATION_ZH}{_DURATION_ZH_HALF}"
        rf"(?P<notice>(?:的)?通知期?)?{_ZH_SUFFIX}",
        build_duration,
    ),
)


_ANY_NUMBER = re.compile(
    rf"\d|[{ZH_NUMERAL_CHARS}]|(?i:\b(?:{NUMBER_WORDS}|an?|half|hundreds|thousands|millions|"
    r"billions|trillions|multi-?(?:billion|million|trillion))\b)"
)


def find_figures(text: str) -> list[FigureMatch]:
    """All figures in `text`, in order, without overlaps (the longest match wins)."""
    candidates = list(_candidates(text))
    candidates.sort(key=lambda f: (f.start, -(f.end - f.start)))
    chosen: list[FigureMatch] = []
    for fig in sorted(candidates, key=lambda f: (-(f.end - f.start), f.start)):
        if all(fig.end <= c.start or fig.start >= c.end for c in chosen):
            chosen.append(fig)
    return sorted(chosen, key=lambda f: f.start)


def _candidates(text: str) -> Iterator[FigureMatch]:
    if not _ANY_NUMBER.search(text):
        return
    for rule in RULES:
        if not rule.trigger.search(text):
            continue
        for match in rule.pattern.finditer(text):
            if not match.group(0).strip():
                continue
            fields = rule.build(match.groupdict())
            if fields is None:
                continue
            start, end = _trim(text, match.start(), match.end())
            yield FigureMatch(start=start, end=end, text=text[start:end], **fields)  # type: ignore[arg-type]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
