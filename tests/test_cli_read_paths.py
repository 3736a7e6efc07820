"""Read commands on a missing or mistyped warehouse path: one line, exit 1, and no new empty
warehouse; `feeds` reads without writing; unknown values are refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from jobtrends.cli import cli
from warehouse.db import open_warehouse

READ_COMMANDS = [["feeds"], ["analyze"], ["enrich"], ["deltas"], ["exposure"], ["report"]]


@pytest.mark.parametrize("command", READ_COMMANDS, ids=lambda c: c[0])
@pytest.mark.parametrize("where", ["before", "after"])
def test_a_mistyped_path_is_one_line_and_creates_nothing(
    tmp_path: Path, command: list[str], where: str
) -> None:
    with open_warehouse(tmp_path / "jobtrends.duckdb"):
        pass
    typo = tmp_path / "jobtrend.duckdb"
    db = ["--db", str(typo)]
    args = [*db, *command] if where == "before" else [*command, *db]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert f"no warehouse at {typo}" in lines[0] and "has: jobtrends.duckdb" in lines[0]
    assert "Traceback" not in result.output
    assert not typo.exists() and not typo.with_suffix(".duckdb.wal").exists()


def test_feeds_never_migrates_or_writes(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    with open_warehouse(db):
        pass
    before = db.stat().st_mtime_ns
    result = CliRunner().invoke(cli, ["feeds", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert db.stat().st_mtime_ns == before


def test_an_unknown_method_is_refused(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["deltas", "--method", "foo", "--db", str(tmp_path / "w")])
    assert result.exit_code == 2
    assert "'foo' is not one of" in result.output
