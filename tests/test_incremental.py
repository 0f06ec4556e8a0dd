"""Incremental store-wide steps: rebuild equals incremental ingest; crashes leave work queued."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipeline import incremental
from pipeline.flow import ingest
from pipeline.models import Models
from pipeline.rebuild import rebuild
from pipeline.stance.index import ClaimIndex, index_path

ROOT = Path(__file__).resolve().parent.parent
FILES = [
    *sorted((ROOT / "corpus" / "documents").glob("*.txt")),
    *sorted((ROOT / "tests" / "data" / "deals").glob("*.txt")),
    ROOT / "tests" / "data" / "updates" / "google-lease-term.en.txt",
]

# What the store-wide steps produce, in a form that compares across stores.
SNAPSHOT = {
    "derived": "SELECT path, (SELECT path FROM documents o WHERE o.doc_id = d.derived_from) "
    "FROM documents d ORDER BY path",
    "deals": "SELECT * EXCLUDE (documents) FROM deals ORDER BY deal_id",
    "evidence": "SELECT * FROM deal_evidence ORDER BY ALL",
    "figure_deals": "SELECT figure_id, deal_id FROM figures ORDER BY figure_id",
    "claims": "SELECT claim_id, argument_id, stance, stance_score FROM claims ORDER BY claim_id",
    "arguments": "SELECT * FROM arguments ORDER BY argument_id",
}


def _snapshot(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {name: con.execute(sql).fetchall() for name, sql in SNAPSHOT.items()}
    finally:
        con.close()


@pytest.fixture(scope="module")
def one_by_one(tmp_path_factory: pytest.TempPathFactory, models: Models) -> Path:
    """A store fed one file per ingest, as a daily flow feeds it."""
    db = tmp_path_factory.mktemp("incremental") / "s.duckdb"
    for path in FILES:
        assert ingest([path], db, models=models).failed == 0
    return db


def test_rebuild_gives_what_incremental_ingest_gave(one_by_one: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.duckdb"
    shutil.copy(one_by_one, copy)
    before = _snapshot(copy)
    assert before["deals"] and before["arguments"]
    rebuild(copy)
    after = _snapshot(copy)
    for name in SNAPSHOT:
        assert after[name] == before[name], name


def test_one_ingest_of_everything_equals_one_file_at_a_time(
    one_by_one: Path, tmp_path: Path, models: Models
) -> None:
    db = tmp_path / "all.duckdb"
    assert ingest(FILES, db, models=models).failed == 0
    assert _snapshot(db) == _snapshot(one_by_one)


def test_a_run_killed_before_the_store_wide_steps_is_finished_by_the_next(
    tmp_path: Path, models: Models, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "s.duckdb"

    def killed(*args: object) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr("pipeline.flow.update", killed)
        with pytest.raises(KeyboardInterrupt):
            ingest(FILES[:5], db, models=models)
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM documents").fetchone() == (5,)
    assert con.execute("SELECT count(*) FROM deals").fetchone() == (0,)
    con.close()
    report = ingest(FILES[:5], db, models=models)  # every file unchanged: only the queued work
    assert (report.stored, report.skipped) == (0, 5)
    fresh = tmp_path / "fresh.duckdb"
    ingest(FILES[:5], fresh, models=models)
    assert _snapshot(db) == _snapshot(fresh)


def test_a_lost_argument_index_is_rebuilt_from_the_store(
    one_by_one: Path, tmp_path: Path, models: Models
) -> None:
    db = tmp_path / "s.duckdb"
    shutil.copy(one_by_one, db)  # the index file is not copied
    assert not index_path(db).exists()
    extra = tmp_path / "new.txt"
    extra.write_text(
        "Analysts said the Oracle lease looks like a heat check before the listing, and a "
        "risky one for the lender.\n",
        encoding="utf-8",
    )
    assert ingest([extra], db, models=models).stored == 1
    assert index_path(db).exists()
    con = duckdb.connect(str(db), read_only=True)
    grouped = con.execute("SELECT count(*) FROM claims WHERE argument_id IS NULL").fetchone()
    claims = con.execute("SELECT count(*) FROM claims").fetchone()
    con.close()
    assert grouped == (0,)
    # Every stored claim is back in the index, not only the new document's.
    assert claims is not None and len(ClaimIndex.open(index_path(db))) == claims[0]


def test_removing_a_document_redoes_its_deals_and_arguments(tmp_path: Path, models: Models) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    for path in FILES[5:9]:
        shutil.copy(path, folder / path.name)
    db = tmp_path / "s.duckdb"
    ingest([folder], db, models=models)
    changed = folder / FILES[5].name
    changed.write_text("An unrelated note about the weather in Memphis.\n", encoding="utf-8")
    ingest([folder], db, models=models)
    direct = tmp_path / "direct.duckdb"
    ingest([folder], direct, models=models)
    mine, theirs = _snapshot(db), _snapshot(direct)
    for name in ("derived", "deals", "evidence", "figure_deals"):
        assert mine[name] == theirs[name], name
    con = duckdb.connect(str(db), read_only=True)
    orphans = con.execute(
        "SELECT count(*) FROM arguments a WHERE NOT EXISTS "
        "(SELECT 1 FROM claims c WHERE c.argument_id = a.argument_id)"
    ).fetchone()
    ungrouped = con.execute("SELECT count(*) FROM claims WHERE argument_id IS NULL").fetchone()
    counted = con.execute(
        "SELECT count(*) FROM arguments a WHERE claims <> "
        "(SELECT count(*) FROM claims c WHERE c.argument_id = a.argument_id)"
    ).fetchone()
    con.close()
    assert orphans == ungrouped == counted == (0,)


def test_update_with_nothing_pending_changes_nothing(one_by_one: Path, tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    shutil.copy(one_by_one, db)
    before = _snapshot(db)
    from pipeline.flow import store_similarity
    from pipeline.store import open_store

    con = open_store(db)
    incremental.update(con, db, store_similarity())
    con.close()
    assert _snapshot(db) == before


def test_two_workers_store_what_one_stores(seed_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "workers.duckdb"
    report = ingest([ROOT / "corpus" / "documents"], db, workers=2)
    assert (report.stored, report.failed) == (5, 0)
    mine, theirs = _snapshot(db), _snapshot(seed_db)
    for name in SNAPSHOT:
        assert mine[name] == theirs[name], name
    rows = "SELECT doc_id, seg_no, text, translation_of FROM segments ORDER BY ALL"
    a, b = duckdb.connect(str(db), read_only=True), duckdb.connect(str(seed_db), read_only=True)
    assert a.execute(rows).fetchall() == b.execute(rows).fetchall()
    a.close()
    b.close()


def test_the_nearest_earlier_claims_of_a_chunk_are_those_a_full_sort_finds() -> None:
    import numpy as np

    from pipeline.stance import arguments as arg

    rng = np.random.default_rng(0)
    for n in (0, 3, arg.NEIGHBOURS, 40, 200):
        # Rounded, so ties at the cut are common.
        sims = np.round(rng.uniform(-1, 1, n + 5), 1).astype(np.float32)
        full = sorted(range(n), key=lambda j: (-sims[j], j))[: arg.NEIGHBOURS]
        kept = sorted(incremental._nearest_before(sims, n), key=lambda j: (-sims[j], j))
        assert kept[: arg.NEIGHBOURS] == full


def test_a_store_made_again_at_the_same_path_does_not_take_the_old_index(
    tmp_path: Path, models: Models
) -> None:
    db = tmp_path / "s.duckdb"
    seeds = Path(__file__).resolve().parents[1] / "corpus" / "documents"
    assert ingest([seeds], db, models=models).failed == 0
    db.unlink()  # the index files beside it stay
    report = ingest([seeds], db, models=models)
    assert report.failed == 0
    con = duckdb.connect(str(db), read_only=True)
    grouped = con.execute("SELECT count(*) FROM claims WHERE argument_id IS NOT NULL").fetchone()
    con.close()
    assert grouped and grouped[0] > 0
