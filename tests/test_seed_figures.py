"""Seed figures against the gold file: every strict figure found, nothing the gold does not list."""

from __future__ import annotations

import math
from typing import Any

import duckdb

from tests.conftest import doc_id_of

_FIELDS = ("quantity", "unit", "period", "bound")


def _stored(con: duckdb.DuckDBPyConnection, seed: str) -> list[dict[str, Any]]:
    cur = con.execute(
        "SELECT f.*, s.lang FROM figures f JOIN segments s USING (doc_id, seg_no) "
        "WHERE doc_id = ? ORDER BY seg_no, start",
        [doc_id_of(con, seed)],
    )
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def _same(found: dict[str, Any], gold: dict[str, Any]) -> bool:
    overlaps = found["text"] in gold["text"] or gold["text"] in found["text"]
    return (
        overlaps
        and found["lang"] == gold["lang"]
        and all(found[k] == gold[k] for k in _FIELDS)
        and math.isclose(found["value"], gold["value"], rel_tol=1e-9)
    )


def test_every_strict_gold_figure_is_found_with_value_unit_period_bound(
    seed_con: duckdb.DuckDBPyConnection, gold: dict[str, Any]
) -> None:
    missing = []
    for fig in gold["figures"]:
        if fig["strict"] and not any(_same(f, fig) for f in _stored(seed_con, fig["file"])):
            missing.append(fig["text"])
    assert missing == []


def test_loose_gold_figures_are_found_too(
    seed_con: duckdb.DuckDBPyConnection, gold: dict[str, Any]
) -> None:
    loose = [f for f in gold["figures"] if not f["strict"]]
    assert loose
    for fig in loose:
        assert any(_same(f, fig) for f in _stored(seed_con, fig["file"])), fig["text"]


def test_no_figure_that_the_gold_file_does_not_list(
    seed_con: duckdb.DuckDBPyConnection, gold: dict[str, Any]
) -> None:
    extra = []
    for seed in {d["file"] for d in gold["documents"]}:
        listed = [g for g in gold["figures"] if g["file"] == seed]
        for found in _stored(seed_con, seed):
            if not any(_same(found, g) for g in listed):
                extra.append((seed, found["text"]))
    assert extra == []
