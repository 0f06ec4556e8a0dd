"""The command line as a user sees it: output, exit status, help, and the README's claims."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from tests.conftest import ROOT

EN = "Oracle will rent 30,000 GPUs to a startup for about $400 million a month."


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args], capture_output=True, text=True, check=False
    )


def test_ingest_then_sql(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(EN, encoding="utf-8")
    (tmp_path / "bad.txt").write_bytes(b"")
    db = str(tmp_path / "s.duckdb")
    done = _run("ingest", str(tmp_path), "--db", db)
    assert done.returncode == 1
    assert done.stdout.strip() == "2 files read: 1 documents stored, 0 skipped, 1 failed"
    assert f"failed: {tmp_path / 'bad.txt'}: file is empty" in done.stderr
    out = _run("sql", "SELECT lang, text FROM segments", "--db", db, "--format", "json")
    assert out.returncode == 0
    assert json.loads(out.stdout) == [{"lang": "en", "text": EN}]


def test_sql_write_is_refused_with_one_line_and_status(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(EN, encoding="utf-8")
    db = str(tmp_path / "s.duckdb")
    assert _run("ingest", str(tmp_path / "a.txt"), "--db", db).returncode == 0
    done = _run("sql", "DROP TABLE documents", "--db", db)
    assert done.returncode != 0
    assert done.stderr.startswith("error: the store is read-only")
    assert len(done.stderr.strip().splitlines()) == 1
    assert _run("sql", "SELECT count(*) AS n FROM documents", "--db", db).stdout.split()[2] == "1"


def test_db_defaults_to_environment_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.txt").write_text(EN, encoding="utf-8")
    monkeypatch.setenv("NEOCLOUD_DB", str(tmp_path / "env.duckdb"))
    result = CliRunner().invoke(cli, ["ingest", str(tmp_path / "a.txt")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "env.duckdb").exists()


def test_missing_path_is_a_one_line_error(tmp_path: Path) -> None:
    done = _run("ingest", str(tmp_path / "nope"), "--db", str(tmp_path / "s.duckdb"))
    assert done.returncode == 2
    assert done.stderr.strip() == f"error: {tmp_path / 'nope'}: no such file or folder"


def test_every_command_has_help_and_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, command in cli.commands.items():
        result = CliRunner().invoke(cli, [name, "--help"])
        assert result.exit_code == 0 and "--db" in result.output, name
        assert command.help, name
        assert f"neocloud {name}" in readme, f"README does not document `neocloud {name}`"


def test_readme_starts_with_the_two_setup_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    head = readme[: readme.index("## ")]
    assert "make demo" in head and "make test" in head
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
