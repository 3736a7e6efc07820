"""`jobtrends query`: analyst SQL against the snapshot in three formats; untrusted SQL can
neither write the warehouse nor touch any other file."""

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
from warehouse.snapshot import publish_snapshot

SQL = (
    "SELECT subject, estimate_pct, ci_low_pct FROM event_deltas "
    "WHERE kind = 'category' AND method = 'ma_endpoints' ORDER BY subject"
)


@pytest.fixture
def warehouse(db_path: Path) -> Path:
    conn = connect(db_path)
    build_report_warehouse(conn)
    publish_snapshot(conn, db_path)
    conn.close()
    return db_path


def run(db: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--db", str(db), "query", *args])
    return result.exit_code, result.output


def test_three_formats_give_the_same_rows(warehouse: Path) -> None:
    code, text = run(warehouse, SQL, "--json")
    assert code == 0, text
    rows = json.loads(text)
    assert len(rows) == 13 and rows[0]["ci_low_pct"] is None  # NaN -> null
    writing = next(r for r in rows if r["subject"] == "Writing")
    assert writing["estimate_pct"] == pytest.approx(-33.0)
    code, text = run(warehouse, SQL, "--csv")
    assert code == 0
    parsed = list(csv.DictReader(io.StringIO(text)))
    assert [r["subject"] for r in parsed] == [r["subject"] for r in rows]
    code, text = run(warehouse, SQL)  # --table is the default
    assert code == 0
    assert text.splitlines()[0].split() == ["subject", "estimate_pct", "ci_low_pct"]
    assert len(text.splitlines()) == 14


@pytest.mark.parametrize(
    "sql,says",
    [
        ("DELETE FROM postings", "read-only"),
        ("CREATE TABLE x AS SELECT 1", "read-only"),
        ("COPY postings TO 'stolen.csv'", "disabled"),
        ("SELECT * FROM read_csv('/etc/passwd')", "disabled"),
        ("ATTACH 'other.duckdb' AS o", "disabled"),
        ("SET enable_external_access = true", "locked"),
        ("SELEC 1", "syntax"),
    ],
)
def test_untrusted_sql_cannot_write_or_reach_files(
    warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sql: str, says: str
) -> None:
    monkeypatch.chdir(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    code, text = run(warehouse, sql)
    assert code == 1
    assert len(text.strip().splitlines()) == 1 and says in text.lower(), text
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no file written
    code, text = run(warehouse, "SELECT count(*) AS n FROM postings", "--json")
    assert code == 0 and json.loads(text)[0]["n"] > 0  # nothing lost


def test_missing_warehouse_is_one_line(tmp_path: Path) -> None:
    code, text = run(tmp_path / "nope.duckdb", "SELECT 1")
    assert code == 1 and "no warehouse at" in text and "Traceback" not in text
    assert not (tmp_path / "nope.duckdb").exists()
