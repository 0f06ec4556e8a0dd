"""Numbers as written in English and Chinese news, to floats.

English: digits with separators ("1,100,000.5"), scale suffixes (k, m, mn,
bn, tn, thousand, million, billion, trillion) and number words ("twenty-five",
"half a trillion", "one and a half"). Chinese: digits with 万/亿 ("12.5亿",
"1,100万"), numerals ("两千五百亿", "三十万"), traditional forms (萬, 億, 兩).
"""

from __future__ import annotations

import re

SCALES = {
    "k": 1e3, "thousand": 1e3,
    "m": 1e6, "mn": 1e6, "mln": 1e6, "mm": 1e6, "million": 1e6, "millions": 1e6,
    "b": 1e9, "bn": 1e9, "bil": 1e9, "billion": 1e9, "billions": 1e9,
    "t": 1e12, "tn": 1e12, "trn": 1e12, "trillion": 1e12, "trillions": 1e12,
    "thousands": 1e3, "hundreds": 1e2, "tens": 1e1,
}  # fmt: skip

_ONES = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
NUMBER_WORDS = "|".join(sorted([*_ONES, "hundred", "dozen"], key=len, reverse=True))

_ZH_DIGITS = {
    "零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4,
    "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "半": 0.5,
}  # fmt: skip
_ZH_SMALL = {"十": 10, "百": 100, "千": 1000}
_ZH_LARGE = {"万": 1e4, "萬": 1e4, "亿": 1e8, "億": 1e8}
ZH_NUMERAL_CHARS = "".join([*_ZH_DIGITS, *_ZH_SMALL, *_ZH_LARGE])
_ZH_TOKEN = re.compile(rf"\d+(?:,\d{{3}})*(?:\.\d+)?|[{ZH_NUMERAL_CHARS}]")


def digits_value(text: str) -> float:
    return float(text.replace(",", "").replace(" ", ""))


def scale_value(word: str | None) -> float:
    if not word:
        return 1.0
    return SCALES[word.lower()]


def words_value(text: str) -> float | None:
    """ "twenty-five" -> 25, "a hundred" -> 100, "one and a half" -> 1.5, "half a" -> 0.5."""
    words = re.split(r"[\s-]+", text.lower().strip())
    total, current, seen = 0.0, 0.0, False
    for i, word in enumerate(words):
        if word in _ONES:
            current += _ONES[word]
            seen = True
        elif word == "hundred":
            current = (current or 1) * 100
            seen = True
        elif word == "dozen":
            current = (current or 1) * 12
            seen = True
        elif word == "half":
            # "one and a half" adds a half; "half a (trillion)" is a half.
            current = current + 0.5 if i and words[i - 1] == "a" and current else 0.5
            seen = True
        elif word in ("a", "an"):
            current = current or (0.0 if i + 1 < len(words) and words[i + 1] == "half" else 1.0)
            seen = seen or current > 0
        elif word != "and":
            return None
    return total + current if seen else None


def zh_value(text: str) -> float | None:
    """Chinese number with digits and/or numerals: "两千五百亿" -> 2.5e11, "12.5亿" -> 1.25e9."""
    tokens = _ZH_TOKEN.findall(text.replace(" ", ""))
    if not tokens:
        return None
    total = section = number = 0.0
    for token in tokens:
        if token in _ZH_SMALL:
            section += (number or 1) * _ZH_SMALL[token]
            number = 0.0
        elif token in ("万", "萬"):
            section = ((section + number) or 1) * 1e4
            number = 0.0
        elif token in ("亿", "億"):
            total = ((total + section + number) or 1) * 1e8
            section = number = 0.0
        elif token in _ZH_DIGITS:
            number = number + 0.5 if token == "半" and number else _ZH_DIGITS[token]
        else:
            number = digits_value(token)
    return total + section + number


def zh_magnitude(text: str) -> float:
    """The value of a run of unit characters alone: "十亿" -> 1e9, "百万" -> 1e6, "" -> 1."""
    value = 1.0
    for ch in text:
        value *= _ZH_SMALL.get(ch) or _ZH_LARGE.get(ch) or 1
    return value
