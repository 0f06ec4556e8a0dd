"""Derived and duplicate documents, on documents written for these tests."""

from __future__ import annotations

from datetime import date

from pipeline.ingest.derived import DocInfo, find_derived

ORIGINAL = """Nebius rents a Finnish campus to a model lab

On this week's episode of our Compute Hour podcast, Maria Chen and I talked about the Nebius deal.
Maria Chen: I think it is "the cleanest neocloud contract we have seen this year" and "a real
vote of confidence in Finland". Tom Okafor: It is also "a bet that power stays cheap in the north".
Maria Chen: The lab gets "capacity it could not find anywhere else" and Nebius gets a long lease.
Tom Okafor: Still, the term is short, and the lab can walk away after a year."""

RETELLING = """On a recent episode of the Compute Hour podcast, Maria Chen called the agreement
"the cleanest neocloud contract we have seen this year" and "a real vote of confidence in Finland".
Tom Okafor countered that it is "a bet that power stays cheap in the north", while Chen said the lab
gets "capacity it could not find anywhere else"."""

SUMMARY = """Nebius rents a Finnish campus to a model lab
Summary
Nebius leases a campus in Finland to an AI lab; the hosts debate the contract's length."""

OTHER = """Oracle opens a Texas campus
Oracle said it "will start renting the first building in March" to several customers, adding
that "demand has never been stronger" and that it expects "to double capacity by next year"."""


def _docs() -> list[DocInfo]:
    return [
        DocInfo("retelling", None, "article", RETELLING),
        DocInfo("summary", "Nebius rents a Finnish campus to a model lab", "summary", SUMMARY),
        DocInfo("other", "Oracle opens a Texas campus", "article", OTHER),
        DocInfo("original", "Nebius rents a Finnish campus to a model lab", "transcript", ORIGINAL),
    ]


def test_retelling_and_summary_point_at_the_original() -> None:
    assert find_derived(_docs()) == {"retelling": "original", "summary": "original"}


def test_result_does_not_depend_on_input_order() -> None:
    assert find_derived(list(reversed(_docs()))) == find_derived(_docs())


def test_near_duplicate_points_at_the_earlier_published_copy() -> None:
    edited = ORIGINAL.replace("this week's", "this week’s").replace("north", "north.")
    docs = [
        DocInfo("copy", None, "article", edited, date(2026, 5, 6)),
        DocInfo("first", None, "article", ORIGINAL, date(2026, 5, 5)),
    ]
    assert find_derived(docs) == {"copy": "first"}


def test_one_shared_quote_or_a_short_common_title_is_not_enough() -> None:
    docs = [
        DocInfo("a", "Update", "article", 'He said it was "the cleanest neocloud contract".'),
        DocInfo("b", "Update", "article", 'Analysts called it "the cleanest neocloud contract".'),
    ]
    assert find_derived(docs) == {}
