"""Shared fixtures: the gold file, the seed corpus, and a store with the corpus ingested once."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import duckdb
import pytest
from hypothesis import settings

from pipeline.flow import ingest
from pipeline.models import Models, load_models

# CI runs the property tests on a fixed sequence of examples, so a run is reproducible;
# locally each run explores new ones.
settings.register_profile("ci", derandomize=True, deadline=None)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus" / "documents"
DATA = Path(__file__).resolve().parent / "data"

# The gold file names the seeds by their original file names; corpus/ names them by content.
SEED_FILES = {
    "000_5ffdac59b96ac6ba.txt": "equity-podcast-xai-anthropic.bilingual.txt",
    "001_dfd8005b53f246f1.txt": "is-xai-a-neocloud.bilingual.txt",
    "002_abec09f9bec5834b.txt": "equity-podcast-xai-anthropic.summary.txt",
    "003_95da8eee06fe8d31.txt": "equity-podcast-xai-anthropic.retelling.txt",
    "004_ccf15afd40244102.txt": "xai-datacentre-reit.zh-en.txt",
}


@pytest.fixture(scope="session")
def gold() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / "seeds.gold.json").read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="session")
def models() -> Models:
    """The shipped models, loaded once for the whole run (as one ingest loads them)."""
    return load_models()


@pytest.fixture(scope="session")
def seed_db(tmp_path_factory: pytest.TempPathFactory, models: Models) -> Path:
    db = tmp_path_factory.mktemp("seeds") / "seeds.duckdb"
    report = ingest([CORPUS], db, models=models)
    assert report.failed == 0, report.failures
    return db


@pytest.fixture()
def seed_con(seed_db: Path):  # type: ignore[no-untyped-def]
    con = duckdb.connect(str(seed_db), read_only=True)
    yield con
    con.close()


def doc_id_of(con: duckdb.DuckDBPyConnection, seed_file: str) -> str:
    """doc_id of a seed, found by the corpus file it was read from."""
    name = SEED_FILES[seed_file]
    row = con.execute("SELECT doc_id FROM documents WHERE path LIKE ?", [f"%/{name}"]).fetchone()
    assert row is not None, f"{name} not stored"
    return str(row[0])
