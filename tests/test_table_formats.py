"""Every command that prints a table also prints it as --json and --csv, with the same rows."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from jobtrends.cli import cli
from tests.report_fixtures import build_report_warehouse
from warehouse.db import connect


@pytest.fixture
def analysed(db_path: Path) -> Path:
    conn = connect(db_path)
    build_report_warehouse(conn)
    conn.close()
    return db_path


@pytest.mark.parametrize(
    "command,key",
    [
        (["deltas", "--method", "did"], "subject"),
        (["feeds"], "name"),
        (["query", "SELECT subject, n FROM daily_counts WHERE date = DATE '2024-02-14'"], "n"),
    ],
)
def test_json_and_csv_give_the_same_rows(analysed: Path, command: list[str], key: str) -> None:
    runner = CliRunner()
    as_json = runner.invoke(cli, ["--db", str(analysed), *command, "--json"], env={})
    as_csv = runner.invoke(cli, ["--db", str(analysed), *command, "--csv"], env={})
    assert as_json.exit_code == 0 and as_csv.exit_code == 0, as_json.output + as_csv.output
    rows = json.loads(as_json.output)
    parsed = list(csv.DictReader(io.StringIO(as_csv.output)))
    assert len(rows) == len(parsed) > 1
    assert [str(r[key]) for r in rows] == [r[key] for r in parsed]
    plain = runner.invoke(cli, ["--db", str(analysed), *command], env={})
    assert plain.exit_code == 0 and not plain.output.lstrip().startswith("[")


def test_exposure_csv(analysed: Path) -> None:
    result = CliRunner().invoke(cli, ["--db", str(analysed), "exposure", "--csv"], env={})
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert len(rows) == 12 and {"category", "exposure_score", "estimate_pct"} <= set(rows[0])
