"""analyze_warehouse on a real DuckDB file, the analyst views, and the CLI contracts."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from analytics.evaluation.bench_analyze import save_bulk_postings
from analytics.trends.analyze import analyze_warehouse
from jobtrends.cli import cli
from tests.conftest import SHARED_DATA
from warehouse.db import connect

NOW = datetime(2024, 6, 1, 6, 0, tzinfo=UTC)
AS_OF = date(2024, 6, 1)
START = date(2021, 6, 1)


def build(conn: duckdb.DuckDBPyConnection, n: int = 60_000) -> None:
    save_bulk_postings(conn, 0, n, START, (AS_OF - START).days, NOW - timedelta(days=1))


def scalar(conn: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> object:
    row = conn.execute(sql, params or []).fetchone()
    assert row is not None
    return row[0]


def test_full_then_incremental_refresh(conn: duckdb.DuckDBPyConnection) -> None:
    build(conn)
    full = analyze_warehouse(conn, as_of=AS_OF, now=NOW, full=True)
    assert full.mode == "full"
    assert scalar(conn, "SELECT sum(n) FROM daily_counts WHERE kind = 'all'") == 60_000
    assert scalar(conn, "SELECT sum(n) FROM daily_counts WHERE kind = 'category'") == 60_000
    one_day = conn.execute(
        "SELECT sum(share) FROM daily_counts WHERE kind = 'category' AND date = '2023-01-10'"
    ).fetchone()
    assert one_day is not None and abs(one_day[0] - 1.0) < 1e-9
    # 60k postings spread evenly: no category has a real effect, so did stays near zero
    did = conn.execute(
        "SELECT estimate_pct, ci_low_pct, ci_high_pct FROM event_deltas "
        "WHERE method = 'did' AND kind = 'category' AND meaningful"
    ).fetchall()
    assert len(did) == 13 and sum(lo <= 0 <= hi for _est, lo, hi in did) >= 10
    endpoints_before = scalar(
        conn,
        "SELECT sum(n_after) FROM event_deltas WHERE method = 'ma_endpoints' AND kind = 'category'",
    )
    ma_before = scalar(
        conn,
        "SELECT ma_n FROM moving_averages WHERE kind = 'all' AND date = ?",
        [AS_OF - timedelta(days=1)],
    )

    save_bulk_postings(conn, 60_000, 61_000, AS_OF - timedelta(days=1), 1, NOW + timedelta(hours=1))
    inc = analyze_warehouse(conn, as_of=AS_OF, now=NOW + timedelta(hours=2))
    assert inc.mode == "incremental" and inc.since == AS_OF - timedelta(days=1)
    assert scalar(conn, "SELECT sum(n) FROM daily_counts WHERE kind = 'all'") == 61_000
    ma_after = scalar(
        conn,
        "SELECT ma_n FROM moving_averages WHERE kind = 'all' AND date = ?",
        [AS_OF - timedelta(days=1)],
    )
    assert isinstance(ma_before, float) and isinstance(ma_after, float)
    assert abs(ma_after - ma_before - 1000 / 84) < 1e-9
    assert scalar(conn, "SELECT count(*) FROM analysis_runs") == 2
    # the new day is past the windows: only ma_endpoints moved, by exactly the new postings
    endpoints_after = scalar(
        conn,
        "SELECT sum(n_after) FROM event_deltas WHERE method = 'ma_endpoints' AND kind = 'category'",
    )
    assert isinstance(endpoints_before, int) and endpoints_after == endpoints_before + 1000
    assert scalar(conn, "SELECT count(DISTINCT computed_at) FROM event_deltas") == 2
    assert scalar(conn, "SELECT count(*) FROM ai_skill_trends WHERE ma_n IS NOT NULL") > 0
    assert scalar(conn, "SELECT count(*) FROM event_study WHERE month = -1") > 0


def test_deltas_json_contract(db_path: Path) -> None:
    conn = connect(db_path)
    build(conn)
    analyze_warehouse(conn, as_of=AS_OF, now=NOW, full=True)
    conn.close()
    runner = CliRunner()
    result = runner.invoke(
        cli, ["--db", str(db_path), "deltas", "--event", "2022-11-30", "--method", "its", "--json"]
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert rows and {r["method"] for r in rows} == {"its"}
    keys = {"subject", "kind", "method", "estimate_pct", "ci_low_pct", "ci_high_pct"}
    assert keys | {"n_before", "n_after"} <= set(rows[0])
    assert {r["kind"] for r in rows} == {"category", "ai_skill"}
    table = runner.invoke(cli, ["--db", str(db_path), "deltas"])
    assert table.exit_code == 0 and "ma_endpoints" in table.output


REAL_INDEED = (
    SHARED_DATA / "indeed-job-postings-index" / "job_postings_by_sector_US_2024-10-03.csv.gz"
)


def halving_series() -> list[tuple[date, float]]:
    """An index falling linearly from 100 to 35 over the bench postings' span (2021-06..2024-06),
    about as far as Indeed's software postings fell over the same years: ~35% lower in the
    after window than in the before window."""
    days = (AS_OF - START).days
    return [(START + timedelta(days=i), 100.0 - 65.0 * i / days) for i in range(days)]


def real_software_series() -> list[tuple[date, float]]:
    import pandas as pd

    indeed = pd.read_csv(REAL_INDEED)
    indeed = indeed[indeed["display_name"] == "Software Development"]
    return list(zip(indeed["date"], indeed["indeed_job_postings_index"], strict=True))


@pytest.mark.slow
@pytest.mark.parametrize("series", ["handwritten", "real"])
def test_did_against_an_imported_external_series(
    conn: duckdb.DuckDBPyConnection, series: str
) -> None:
    if series == "real" and not REAL_INDEED.exists():
        pytest.skip(f"real data not present: {REAL_INDEED}")
    values = halving_series() if series == "handwritten" else real_software_series()
    conn.executemany(
        "INSERT INTO external_series VALUES ('indeed_postings_index', 'aggregate', ?, ?, "
        "'Indeed Hiring Lab', 'CC BY 4.0', ?)",
        [[d, v, NOW] for d, v in values],
    )
    build(conn, 20_000)
    analyze_warehouse(conn, as_of=AS_OF, now=NOW, full=True)
    rows = conn.execute(
        "SELECT estimate_pct, note FROM event_deltas WHERE method = 'did_external' "
        "AND kind = 'category' AND meaningful"
    ).fetchall()
    assert len(rows) == 13
    # flat bench postings against an external series that fell ~35% between the windows
    assert all(est > 30 for est, _ in rows)
    assert "indeed_postings_index/aggregate" in rows[0][1]
    # postings from 2021-06: too short a pre-period for placebo dates, and the note says so
    assert all("placebo calibration: not possible" in note for _, note in rows)


def test_changed_settings_are_recomputed_without_full(conn: duckdb.DuckDBPyConnection) -> None:
    from analytics.trends.deltas import DeltaSettings

    build(conn)
    analyze_warehouse(conn, as_of=AS_OF, now=NOW, full=True)
    note = "SELECT min(note) FROM event_deltas WHERE method = 'did' AND subject = 'Writing'"
    assert "nearest the median donor's" in str(scalar(conn, note))  # default (controls.py)
    later = NOW + timedelta(hours=1)
    changed = DeltaSettings(controls=("Data Entry", "Back-End Development"))
    analyze_warehouse(conn, as_of=AS_OF, now=later, settings=changed)
    assert "controls: Data Entry, Back-End Development" in str(scalar(conn, note))
    stored = "SELECT min(settings) FROM a_event_settings"
    assert "controls=Data Entry|Back-End Development" in str(scalar(conn, stored))
