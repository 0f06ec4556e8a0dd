"""Store: migrations, idempotent and atomic writes, exact duplicates, the read-only guard."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from pipeline.errors import NeocloudError
from pipeline.flow import PIPELINE_VERSION, build_documents, ingest
from pipeline.models import Models
from pipeline.records import RawDocument
from pipeline.store import open_store, run_query
from pipeline.store.connect import transaction
from pipeline.store.migrations import MIGRATIONS
from pipeline.store.query import format_result
from pipeline.store.write import write_documents

EN = "Oracle will rent 30,000 GPUs to a startup for about $400 million a month."
ZH = "甲骨文将向一家初创公司出租三万块 GPU,每月约 4 亿美元。"


def _rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_migrations_are_recorded_once(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    open_store(db).close()
    open_store(db).close()
    names = _rows(db, "SELECT name FROM schema_migrations ORDER BY name")
    assert [n[0] for n in names] == [name for name, _ in MIGRATIONS]


def test_reingesting_unchanged_files_changes_nothing(tmp_path: Path, models: Models) -> None:
    (tmp_path / "a.txt").write_text(EN, encoding="utf-8")
    (tmp_path / "b.txt").write_text(ZH, encoding="utf-8")
    db = tmp_path / "s.duckdb"
    first = ingest([tmp_path], db, models=models)
    before = _rows(db, "SELECT * FROM documents ORDER BY doc_id")
    again = ingest([tmp_path], db, models=models)
    assert (first.stored, again.stored, again.skipped) == (2, 0, 2)
    assert _rows(db, "SELECT * FROM documents ORDER BY doc_id") == before


def test_changed_file_replaces_its_rows(tmp_path: Path, models: Models) -> None:
    path = tmp_path / "a.txt"
    path.write_text(EN, encoding="utf-8")
    db = tmp_path / "s.duckdb"
    ingest([path], db, models=models)
    path.write_text(EN + "\n\nThe lease runs for three years.", encoding="utf-8")
    report = ingest([path], db, models=models)
    assert report.stored == 1
    assert _rows(db, "SELECT count(*) FROM documents") == [(1,)]
    segs = _rows(db, "SELECT text FROM segments ORDER BY seg_no")
    assert segs == [(EN,), ("The lease runs for three years.",)]


def test_exact_duplicate_under_another_name_is_stored_once(tmp_path: Path, models: Models) -> None:
    (tmp_path / "a.txt").write_text(EN, encoding="utf-8")
    (tmp_path / "copy.txt").write_text("  " + EN + "\n", encoding="utf-8")
    db = tmp_path / "s.duckdb"
    report = ingest([tmp_path], db, models=models)
    assert (report.stored, report.skipped) == (1, 1)
    assert _rows(db, "SELECT count(*) FROM documents") == [(1,)]


def test_records_removed_from_a_jsonl_file_are_removed_from_the_store(
    tmp_path: Path, models: Models
) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text(json.dumps({"text": EN}) + "\n" + json.dumps({"text": ZH}), encoding="utf-8")
    db = tmp_path / "s.duckdb"
    ingest([path], db, models=models)
    path.write_text(json.dumps({"text": EN}), encoding="utf-8")
    ingest([path], db, models=models)
    assert _rows(db, "SELECT count(*) FROM documents") == [(1,)]


def test_a_failed_write_leaves_no_partial_document(tmp_path: Path, models: Models) -> None:
    db = tmp_path / "s.duckdb"
    con = open_store(db)
    (doc,) = build_documents([RawDocument("x.txt", EN + "\n\n" + ZH)], models)
    broken = doc.__class__(**{**doc.__dict__, "segments": (*doc.segments, doc.segments[0])})
    with pytest.raises(duckdb.ConstraintException), transaction(con):
        # the repeated seg_no violates the key mid-document
        write_documents(con, [broken], PIPELINE_VERSION, 1, 1)
    assert con.execute("SELECT count(*) FROM documents").fetchone() == (0,)
    assert con.execute("SELECT count(*) FROM segments").fetchone() == (0,)
    con.close()


def test_bad_file_among_good_ones_is_reported_and_the_rest_stored(
    tmp_path: Path, models: Models
) -> None:
    (tmp_path / "good.txt").write_text(EN, encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02binary")
    (tmp_path / "zh.txt").write_bytes(ZH.encode("gb18030"))
    db = tmp_path / "s.duckdb"
    report = ingest([tmp_path], db, models=models)
    assert (report.files, report.stored, report.failed) == (4, 2, 2)
    reasons = {Path(f.path).name: f.reason for f in report.failures}
    assert "empty" in reasons["empty.txt"] and "binary" in reasons["binary.txt"]
    assert report.summary() == "4 files read: 2 documents stored, 0 skipped, 2 failed"


@pytest.mark.parametrize(
    "sql",
    [
        "DROP TABLE documents",
        "DELETE FROM segments",
        "INSERT INTO documents (doc_id) VALUES ('x')",
        "CREATE TABLE t AS SELECT 1",
        "ATTACH 'other.duckdb' AS o",
        "COPY documents TO 'out.csv'",
        "SELECT * FROM read_csv('/etc/hostname')",
        "SET enable_external_access = true",
    ],
)
def test_sql_is_read_only(tmp_path: Path, sql: str, models: Models) -> None:
    (tmp_path / "a.txt").write_text(EN, encoding="utf-8")
    db = tmp_path / "s.duckdb"
    ingest([tmp_path / "a.txt"], db, models=models)
    before = _rows(db, "SELECT * FROM documents")
    with pytest.raises(NeocloudError):
        run_query(db, sql)
    assert _rows(db, "SELECT * FROM documents") == before
    assert not (tmp_path / "out.csv").exists()


def test_query_formats(tmp_path: Path, models: Models) -> None:
    (tmp_path / "a.txt").write_text(ZH, encoding="utf-8")
    db = tmp_path / "s.duckdb"
    ingest([tmp_path / "a.txt"], db, models=models)
    result = run_query(db, "SELECT seg_no, lang, text, translation_of FROM segments")
    # The ASCII comma in the text makes CSV quote the cell.
    assert format_result(result, "csv") == f'seg_no,lang,text,translation_of\n0,zh,"{ZH}",'
    assert json.loads(format_result(result, "json")) == [
        {"seg_no": 0, "lang": "zh", "text": ZH, "translation_of": None}
    ]
    table = format_result(result, "table", max_width=20).splitlines()
    assert table[0].split() == ["seg_no", "lang", "text", "translation_of"]
    assert table[2].startswith("0       zh    甲骨文将向一家初创…")
    assert table[-1] == "(1 row)"


def test_missing_store_says_how_to_create_one(tmp_path: Path) -> None:
    with pytest.raises(NeocloudError, match="neocloud ingest"):
        run_query(tmp_path / "none.duckdb", "SELECT 1")


def test_a_document_that_cannot_be_written_loses_only_itself(
    tmp_path: Path, models: Models, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "good.txt").write_text(EN, encoding="utf-8")
    (tmp_path / "bad.txt").write_text(ZH, encoding="utf-8")
    (tmp_path / "also-good.txt").write_text(EN + " The lease runs for three years.", "utf-8")
    from pipeline.store import write

    real = write.write_documents

    def refuse_bad(con, docs, *args):  # type: ignore[no-untyped-def]
        if any(d.path.endswith("bad.txt") for d in docs):
            raise duckdb.ConstraintException("simulated: the store refused this row")
        return real(con, docs, *args)

    monkeypatch.setattr(write, "write_documents", refuse_bad)
    db = tmp_path / "s.duckdb"
    report = ingest([tmp_path], db, models=models)
    assert (report.stored, report.failed) == (2, 1)
    assert report.failures[0].path.endswith("bad.txt")
    assert "cannot be stored" in report.failures[0].reason
    paths = {Path(p).name for (p,) in _rows(db, "SELECT path FROM documents")}
    assert paths == {"good.txt", "also-good.txt"}
    assert _rows(db, "SELECT count(*) FROM segments WHERE text = '" + ZH + "'") == [(0,)]
    # The file that failed is not remembered: the next run tries it again.
    monkeypatch.setattr(write, "write_documents", real)
    assert ingest([tmp_path], db, models=models).stored == 1
