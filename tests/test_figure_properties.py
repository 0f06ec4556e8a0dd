"""Property-based round trips: format a number many ways, parse it back."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract.grammar import find_figures
from pipeline.extract.numbers import words_value, zh_value

_ZH_DIGITS = "零一二三四五六七八九"


def zh_numeral(n: int) -> str:
    """An independent integer -> Chinese numeral formatter (两千五百亿 style)."""
    if n == 0:
        return "零"
    parts = []
    for unit_value, unit in ((10**8, "亿"), (10**4, "万"), (1, "")):
        chunk, n = divmod(n, unit_value)
        if chunk:
            parts.append(_below_10000(chunk, zero_pad=bool(parts)) + unit)
        elif parts and n:
            parts.append("零")
    text = "".join(parts)
    return text.replace("零零", "零")


def _below_10000(n: int, zero_pad: bool) -> str:
    out, started = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit, n = divmod(n, value)
        if digit:
            if not started and zero_pad and value < 1000:
                out += "零"
            out += ("两" if digit == 2 and unit in ("千", "百") else _ZH_DIGITS[digit]) + unit
            started = True
        elif started and n:
            out += "零" if not out.endswith("零") else ""
    return out


def _with_commas(n: int) -> str:
    return f"{n:,}"


def _only(text: str) -> dict[str, object]:
    figures = find_figures(text)
    assert len(figures) == 1, (text, figures)
    fig = figures[0]
    return {
        "quantity": fig.quantity,
        "value": fig.value,
        "unit": fig.unit,
        "bound": fig.bound,
        "period": fig.period,
        "value_max": fig.value_max,
    }


def _close(a: object, b: float) -> bool:
    return isinstance(a, float) and math.isclose(a, b, rel_tol=1e-9)


amounts = st.integers(min_value=1, max_value=999)
decimals = st.integers(min_value=1, max_value=9999).map(lambda n: n / 100)


@given(st.integers(min_value=1, max_value=10**12 - 1))
def test_chinese_numerals_parse_back(n: int) -> None:
    assert zh_value(zh_numeral(n)) == n


@given(st.integers(min_value=1, max_value=999_999_999))
def test_digits_with_separators(n: int) -> None:
    found = _only(f"The lessor paid ${_with_commas(n)} for the site.")
    assert found["unit"] == "USD" and _close(found["value"], float(n))


@given(
    decimals,
    st.sampled_from(
        [
            ("bn", 1e9),
            (" billion", 1e9),
            ("B", 1e9),
            ("mn", 1e6),
            ("m", 1e6),
            (" million", 1e6),
            ("M", 1e6),
            ("k", 1e3),
            (" thousand", 1e3),
            ("tn", 1e12),
            (" trillion", 1e12),
        ]
    ),
    st.sampled_from(["$", "US$", "USD "]),
)
def test_money_with_scale_suffixes(value: float, scale: tuple[str, float], sign: str) -> None:
    suffix, factor = scale
    found = _only(f"The contract is worth {sign}{value:g}{suffix} in total.")
    assert found["quantity"] == "money" and found["unit"] == "USD"
    assert _close(found["value"], value * factor)


@given(
    decimals,
    st.sampled_from(
        [
            ("/month", "month"),
            (" a month", "month"),
            (" per month", "month"),
            (" per year", "year"),
            (" a year", "year"),
            ("/yr", "year"),
            (" annually", "year"),
        ]
    ),
)
def test_money_rates_keep_their_period(value: float, period: tuple[str, str]) -> None:
    found = _only(f"Rent ramps to ${value:g}bn{period[0]} next spring.")
    assert found["period"] == period[1] and _close(found["value"], value * 1e9)


@given(
    amounts,
    st.sampled_from(
        [
            ("about", "~"),
            ("roughly", "~"),
            ("approximately", "~"),
            ("nearly", "~"),
            ("more than", ">"),
            ("over", ">"),
            ("at least", ">"),
            ("up to", "<"),
            ("less than", "<"),
            ("under", "<"),
        ]
    ),
    st.sampled_from([("MW", 1.0), (" MW", 1.0), (" megawatts", 1.0), ("GW", 1e3), (" kW", 1e-3)]),
)
def test_power_with_hedges(n: int, hedge: tuple[str, str], unit: tuple[str, float]) -> None:
    found = _only(f"The campus will draw {hedge[0]} {n}{unit[0]} when finished.")
    assert found["quantity"] == "power" and found["unit"] == "MW"
    assert found["bound"] == hedge[1]
    assert _close(found["value"], n * unit[1])


@given(
    decimals, st.sampled_from([("亿美元", 1e8, "USD"), ("万元", 1e4, "CNY"), ("亿元", 1e8, "CNY")])
)
def test_chinese_money_with_magnitudes(value: float, unit: tuple[str, float, str]) -> None:
    found = _only(f"这笔交易价值 {value:g}{unit[0]}。")
    assert found["unit"] == unit[2] and _close(found["value"], value * unit[1])


@given(
    st.integers(min_value=1, max_value=99999),
    st.sampled_from([("约", "~"), ("超过", ">"), ("近", "~"), ("不到", "<"), ("", "=")]),
)
def test_chinese_gpu_counts_in_numerals(n: int, hedge: tuple[str, str]) -> None:
    found = _only(f"该集群部署了{hedge[0]}{zh_numeral(n)}块GPU。")
    assert found["quantity"] == "gpus" and found["bound"] == hedge[1]
    assert _close(found["value"], float(n))


@given(amounts, st.sampled_from([("兆瓦", 1.0), ("吉瓦", 1e3), ("千瓦", 1e-3), ("万千瓦", 10.0)]))
def test_chinese_power_units(n: int, unit: tuple[str, float]) -> None:
    found = _only(f"园区规划容量为 {n}{unit[0]}。")
    assert found["quantity"] == "power" and _close(found["value"], n * unit[1])


@given(
    st.integers(min_value=1, max_value=98),
    st.integers(min_value=1, max_value=50),
    st.sampled_from([("$", "bn", " a year", 1e9), ("US$", " million", " per month", 1e6)]),
)
def test_ranges_share_their_scale(low: int, gap: int, form: tuple[str, str, str, float]) -> None:
    sign, scale, period, factor = form
    found = _only(f"Analysts expect {sign}{low}-{low + gap}{scale}{period} from the lease.")
    assert found["bound"] == "~"
    assert _close(found["value"], low * factor) and _close(found["value_max"], (low + gap) * factor)


@settings(max_examples=50)
@given(st.integers(min_value=1, max_value=99))
def test_number_words(n: int) -> None:
    ones = ["", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
    teens = ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
             "seventeen", "eighteen", "nineteen"]  # fmt: skip
    tens = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
    if n < 10:
        word = ones[n]
    elif n < 20:
        word = teens[n - 10]
    else:
        word = tens[n // 10] + ("-" + ones[n % 10] if n % 10 else "")
    assert words_value(word) == n
    found = _only(f"The lease runs for {word} years.")
    assert found["quantity"] == "duration" and _close(found["value"], n * 365.25)


@given(st.integers(min_value=1900, max_value=2100))
def test_calendar_years_are_not_figures(year: int) -> None:
    assert find_figures(f"The campus should open by {year}.") == []
    assert find_figures(f"园区预计于{year}年投入使用。") == []
