"""`jobtrends health`: the pure verdict, then the command on real warehouse files and locks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from jobtrends.cli import cli
from tests.conftest import T0
from warehouse.db import connect, transaction
from warehouse.health import (
    REASON_LAST_CYCLE_FAILED,
    REASON_NEVER_COLLECTED,
    REASON_NO_HEALTHY_FEED,
    REASON_OK,
    REASON_STALE,
    HealthFacts,
    RunFacts,
    compute_health,
    read_health_facts,
)
from warehouse.runs import finish_run, start_run
from warehouse.snapshot import publish_snapshot

MAX_AGE = timedelta(minutes=45)
JOBTRENDS = str(Path(sys.executable).with_name("jobtrends"))  # the installed entry point


def run(run_id: int, status: str, finished_minutes_ago: float | None) -> RunFacts:
    finished = T0 - timedelta(minutes=finished_minutes_ago) if finished_minutes_ago else None
    return RunFacts(run_id, status, T0 - timedelta(hours=1), finished, "boom")


OK1 = {"ok": 1}
CASES = [
    (HealthFacts(None, None, None, {"ok": 2}), REASON_NEVER_COLLECTED),
    (HealthFacts(None, None, run(1, "running", None), {}), REASON_NEVER_COLLECTED),
    (HealthFacts(run(2, "failed", 1), run(1, "ok", 16), None, OK1), REASON_LAST_CYCLE_FAILED),
    (HealthFacts(run(1, "ok", 46), run(1, "ok", 46), None, OK1), REASON_STALE),
    (HealthFacts(run(1, "ok", 5), run(1, "ok", 5), None, {"failing": 2}), REASON_NO_HEALTHY_FEED),
    (
        HealthFacts(run(1, "partial", 5), run(1, "partial", 5), None, {"ok": 1, "gone": 1}),
        REASON_OK,
    ),
    (HealthFacts(run(1, "ok", 44), run(1, "ok", 44), None, OK1), REASON_OK),
]


@pytest.mark.parametrize(("facts", "reason"), CASES)
def test_verdict_reason(facts: HealthFacts, reason: str) -> None:
    verdict = compute_health(facts, now=T0, max_age=MAX_AGE)
    assert verdict.reason == reason
    assert verdict.healthy == (reason == REASON_OK)
    assert "\n" not in verdict.message and verdict.message


def test_messages_say_why() -> None:
    stale = HealthFacts(run(1, "ok", 90), run(1, "ok", 90), None, {"ok": 1})
    assert compute_health(stale, now=T0, max_age=MAX_AGE).message == (
        "stale: last successful cycle finished 90 min ago (limit 45 min)"
    )
    failed = HealthFacts(run(7, "failed", 1), None, None, {"ok": 1})
    assert "run 7" in compute_health(failed, now=T0, max_age=MAX_AGE).message
    assert "boom" in compute_health(failed, now=T0, max_age=MAX_AGE).message
    no_feed = HealthFacts(run(1, "ok", 5), run(1, "ok", 5), None, {"failing": 2, "gone": 1})
    assert compute_health(no_feed, now=T0, max_age=MAX_AGE).message == (
        "no healthy feed (2 failing, 1 gone)"
    )


def add_feed(conn: duckdb.DuckDBPyConnection, name: str, health: str, enabled: bool = True) -> None:
    conn.execute(
        "INSERT INTO feeds (name, url, kind, source, enabled, min_interval_s, health) "
        "VALUES (?, ?, 'rss', 'upwork', ?, 900, ?)",
        [name, f"https://example.org/{name}.rss", enabled, health],
    )


def add_run(
    conn: duckdb.DuckDBPyConnection, status: str, finished: datetime | None, kind: str = "poll"
) -> int:
    with transaction(conn):
        started = (finished or datetime.now(UTC)) - timedelta(seconds=30)
        run_id = start_run(conn, kind, started)
        if finished is not None:
            finish_run(conn, run_id, finished_at=finished, status=status, counts={"feeds_ok": 1})
    return run_id


def test_read_health_facts_ignores_other_run_kinds_and_disabled_feeds(
    conn: duckdb.DuckDBPyConnection,
) -> None:
    add_feed(conn, "a", "ok")
    add_feed(conn, "b", "failing")
    add_feed(conn, "c", "ok", enabled=False)
    good = add_run(conn, "ok", T0 - timedelta(minutes=20))
    bad = add_run(conn, "failed", T0 - timedelta(minutes=10))
    add_run(conn, "ok", T0 - timedelta(minutes=1), kind="import")
    facts = read_health_facts(conn)
    assert facts.last_finished is not None and facts.last_finished.run_id == bad
    assert facts.last_succeeded is not None and facts.last_succeeded.run_id == good
    assert facts.feeds_by_health == {"ok": 1, "failing": 1}
    assert compute_health(facts, now=T0, max_age=MAX_AGE).reason == REASON_LAST_CYCLE_FAILED


def invoke(db: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--db", str(db), "health", *args], env={})
    return result.exit_code, result.output


def test_health_without_warehouse(tmp_path: Path) -> None:
    code, out = invoke(tmp_path / "none.duckdb")
    assert code == 1
    assert out.startswith("no warehouse at ") and out.count("\n") == 1


def test_health_fresh_warehouse_never_collected(db_path: Path) -> None:
    code, out = invoke(db_path)
    assert (code, out) == (1, "never collected: no collection cycle has finished yet\n")


def test_health_ok_then_stale_with_max_age_and_json(db_path: Path) -> None:
    conn = connect(db_path)
    add_feed(conn, "a", "ok")
    add_run(conn, "ok", datetime.now(UTC) - timedelta(minutes=20))
    conn.close()
    code, out = invoke(db_path)
    assert code == 0 and out.startswith("ok: last cycle (run 1, ok) finished 20 min ago")
    code, out = invoke(db_path, "--max-age", "10")
    assert code == 1 and out.startswith("stale: ")
    code, out = invoke(db_path, "--json")
    doc = json.loads(out)
    assert code == 0
    assert doc["healthy"] is True and doc["reason"] == "ok"
    assert doc["read_from"] == "live" and doc["max_age_minutes"] == 45.0
    assert doc["feeds"] == {"total": 1, "healthy": 1, "by_health": {"ok": 1}}
    assert doc["last_cycle"]["run_id"] == 1 and doc["last_cycle"]["status"] == "ok"
    assert 19.9 < doc["age_minutes"] < 21
    assert set(doc) == {
        "healthy", "reason", "message", "last_cycle", "last_success_at", "age_minutes",
        "running_cycle", "feeds", "checked_at", "db", "read_from", "max_age_minutes",
    }  # fmt: skip


def test_default_max_age_follows_the_service_interval(db_path: Path) -> None:
    conn = connect(db_path)
    add_feed(conn, "a", "ok")
    add_run(conn, "ok", datetime.now(UTC) - timedelta(minutes=20))
    conn.close()
    result = CliRunner().invoke(
        cli, ["--db", str(db_path), "health"], env={"JOBTRENDS_SERVICE_INTERVAL_MINUTES": "5"}
    )
    assert result.exit_code == 1
    assert "limit 15 min" in result.output


HOLD_WRITE = """
import sys, time, duckdb
c = duckdb.connect(sys.argv[1])
print("holding", flush=True)
time.sleep(float(sys.argv[2]))
"""


def hold_write(path: Path) -> subprocess.Popen[str]:
    """A process that holds the live file open for writing, as the collector does mid-cycle."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD_WRITE, str(path), "30"], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdout.readline() == "holding\n"
    return proc


def stop(proc: subprocess.Popen[str]) -> None:
    proc.kill()
    proc.wait()
    if proc.stdout:
        proc.stdout.close()


@pytest.mark.slow
def test_health_reads_snapshot_while_collector_holds_the_live_file(db_path: Path) -> None:
    conn = connect(db_path)
    add_feed(conn, "a", "ok")
    add_run(conn, "ok", datetime.now(UTC) - timedelta(minutes=3))
    conn.close()
    writer = hold_write(db_path)
    try:
        env = {**os.environ, "JOBTRENDS_DB": str(db_path)}
        jobtrends = [JOBTRENDS, "health", "--lock-wait", "0.5"]
        locked = subprocess.run(jobtrends, env=env, capture_output=True, text=True, timeout=60)
        assert locked.returncode == 1
        assert locked.stdout.startswith("warehouse locked: ")
        stop(writer)
        conn = connect(db_path)
        publish_snapshot(conn, db_path)
        conn.close()
        writer = hold_write(db_path)
        ok = subprocess.run(
            [*jobtrends, "--json"], env=env, capture_output=True, text=True, timeout=60
        )
        assert ok.returncode == 0, ok.stdout + ok.stderr
        assert json.loads(ok.stdout)["read_from"] == "snapshot"
    finally:
        stop(writer)


def test_stale_snapshot_falls_back_to_the_newer_live_file(db_path: Path) -> None:
    conn = connect(db_path)
    add_feed(conn, "a", "ok")
    add_run(conn, "ok", datetime.now(UTC) - timedelta(hours=5))
    publish_snapshot(conn, db_path)  # the snapshot knows only the 5-hour-old cycle
    add_run(conn, "ok", datetime.now(UTC) - timedelta(minutes=2))
    conn.close()
    code, out = invoke(db_path, "--json")
    doc = json.loads(out)
    assert code == 0 and doc["read_from"] == "live" and doc["last_cycle"]["run_id"] == 2
    snapshot_only = CliRunner().invoke(
        cli, ["--db", str(db_path.with_name("gone.duckdb")), "health"], env={}
    )
    assert snapshot_only.exit_code == 1 and snapshot_only.output.startswith("no warehouse at ")


def test_a_volume_the_service_cannot_write_is_reported_as_that(tmp_path: Path) -> None:
    """Not 'no warehouse': the folder exists but nothing can be created in it."""
    import os

    if os.geteuid() == 0:  # root writes through file modes: use a folder the kernel refuses
        folder = Path("/sys/fs")
        try:
            (folder / ".jobtrends-probe").open("w").close()
            pytest.skip("/sys/fs is writable here: no read-only folder to test against")
        except OSError:
            pass
    else:
        folder = tmp_path / "volume"
        folder.mkdir()
        folder.chmod(0o555)
    code, out = invoke(folder / "jobtrends.duckdb")
    assert code == 1
    assert out.startswith(f"cannot write {folder / 'jobtrends.duckdb'}: ") and "volume" in out
    code, out = (
        CliRunner()
        .invoke(cli, ["--db", str(folder / "jobtrends.duckdb"), "health", "--json"], env={})
        .exit_code,
        "",
    )
    assert code == 1
