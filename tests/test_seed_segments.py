"""Seed segments: language of every segment, translation pairs, stability across runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import duckdb

from tests.conftest import CORPUS, SEED_FILES, doc_id_of

# Hand-checked language of every segment of each seed, in reading order.
EXPECTED_LANGS = {
    "000_5ffdac59b96ac6ba.txt": ["en", "zh"] * 11,
    "001_dfd8005b53f246f1.txt": ["en", "zh"] * 9,
    "002_abec09f9bec5834b.txt": ["en"] * 24,
    "003_95da8eee06fe8d31.txt": ["en"] * 11,
    "004_ccf15afd40244102.txt": ["zh", "en"] + ["zh"] * 5 + ["en"] * 25 + ["zh"],
}


def _segments(con: duckdb.DuckDBPyConnection, seed: str) -> list[tuple[Any, ...]]:
    return con.execute(
        "SELECT seg_no, lang, text, translation_of, speaker FROM segments "
        "WHERE doc_id = ? ORDER BY seg_no",
        [doc_id_of(con, seed)],
    ).fetchall()


def test_language_of_every_seed_segment(seed_con: duckdb.DuckDBPyConnection) -> None:
    for seed, expected in EXPECTED_LANGS.items():
        langs = [row[1] for row in _segments(seed_con, seed)]
        assert langs == expected, seed


def test_language_detection_is_stable_across_processes() -> None:
    script = (
        "import json,sys; from pathlib import Path;"
        "from pipeline.ingest.paragraphs import paragraphs, split_bilingual;"
        "from pipeline.ingest.language import detect_lang;"
        "texts=[q for f in sorted(Path(sys.argv[1]).iterdir()) "
        "for p in paragraphs(f.read_text()) for q in split_bilingual(p)];"
        "print(json.dumps([detect_lang(t) for t in texts]))"
    )
    runs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run(
            [sys.executable, "-c", script, str(CORPUS)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        runs.append(json.loads(out.stdout))
    assert runs[0] == runs[1]
    assert len(runs[0]) > 100


def _raw_paragraph_index(seed: str, text: str) -> int:
    """Index of the raw paragraph (non-empty line) of the seed file that holds `text`."""
    lines = [ln for ln in (CORPUS / SEED_FILES[seed]).read_text().splitlines() if ln.strip()]
    hits = [i for i, line in enumerate(lines) if text in line]
    assert hits, text[:40]
    return hits[-1]


def test_000_has_11_pairs_each_english_paragraph_with_the_next_chinese_one(
    seed_con: duckdb.DuckDBPyConnection, gold: dict[str, Any]
) -> None:
    seed = "000_5ffdac59b96ac6ba.txt"
    segs = {row[0]: row for row in _segments(seed_con, seed)}
    pairs = [(row[3], row[0]) for row in segs.values() if row[3] is not None]
    assert len(pairs) == gold["documents"][0]["translation_pairs"] == 11
    for en_no, zh_no in pairs:
        en, zh = segs[en_no], segs[zh_no]
        assert (en[1], zh[1]) == ("en", "zh")
        # In this layout a translation is the paragraph right after its original.
        assert _raw_paragraph_index(seed, zh[2]) == _raw_paragraph_index(seed, en[2]) + 1
        assert en[4] == zh[4], "a turn and its translation have the same speaker"


def test_001_pairs_the_two_halves_of_every_bilingual_line(
    seed_con: duckdb.DuckDBPyConnection,
) -> None:
    seed = "001_dfd8005b53f246f1.txt"
    segs = {row[0]: row for row in _segments(seed_con, seed)}
    pairs = {(row[3], row[0]) for row in segs.values() if row[3] is not None}
    lines = (CORPUS / SEED_FILES[seed]).read_text().splitlines()
    bilingual = [ln for ln in lines if len(ln) > 200]
    assert len(bilingual) == 8  # the gold file's 8 paragraph pairs
    for line in bilingual:
        halves = [no for no, row in segs.items() if row[2] in line]
        assert len(halves) == 2 and tuple(sorted(halves)) in pairs, line[:40]
    # The translated title ("Is xAI a neocloud now?" / "xAI 现在是一家…") pairs as in 000 and 004.
    assert (0, 1) in pairs
    assert len(pairs) == 9


def test_004_pairs_only_its_bilingual_title(seed_con: duckdb.DuckDBPyConnection) -> None:
    seed = "004_ccf15afd40244102.txt"
    pairs = [(row[3], row[0]) for row in _segments(seed_con, seed) if row[3] is not None]
    # The Chinese text comes first, so the English title is the one marked as translation.
    assert pairs == [(0, 1)]
