"""The service's cycle on a real warehouse: collect, then isolated after-cycle steps, then the
snapshot; never two cycles at once; the weekly job after the first cycle."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from jobtrends.config import CoreConfig, ServiceConfig, fill
from jobtrends.service import Service, build_scheduler
from tests.conftest import T0
from tests.test_postings import entry
from warehouse.db import connect, open_warehouse, transaction
from warehouse.postings import save_entries
from warehouse.runs import start_run
from warehouse.snapshot import snapshot_path_for


def storing_collect(db: Path, batches: list[int]) -> object:
    """A collect job that stores a few real entries per call through the real storage."""

    def collect(now: datetime) -> str:
        n = len(batches)
        batches.append(n)
        with open_warehouse(db) as conn, transaction(conn):
            run = start_run(conn, "poll", now)
            result = save_entries(conn, run, [entry(10 * n + i) for i in range(3)], now)
        return f"{result.new_postings} new"

    return collect


def make_service(db: Path, **kw: object) -> Service:
    batches: list[int] = []
    return Service(
        core=CoreConfig(db=db),
        config=ServiceConfig(report_at_start=False),
        collect=storing_collect(db, batches),  # type: ignore[arg-type]
        clock=lambda: T0,
        **kw,  # type: ignore[arg-type]
    )


def test_cycle_runs_steps_in_order_and_publishes_snapshot(db_path: Path) -> None:
    seen: list[str] = []

    def count_step(conn: duckdb.DuckDBPyConnection, now: datetime) -> str:
        seen.append("count")
        return str(conn.execute("SELECT count(*) FROM postings").fetchone())

    service = make_service(db_path, after_cycle=[("count", count_step)])
    service.run_cycle()
    service.run_cycle()
    assert seen == ["count", "count"]
    snap = connect(snapshot_path_for(db_path), read_only=True)
    assert snap.execute("SELECT count(*) FROM postings").fetchone() == (6,)
    snap.close()


def test_a_failing_step_does_not_stop_the_next_or_the_service(
    db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    ran: list[str] = []

    def broken(conn: duckdb.DuckDBPyConnection, now: datetime) -> str:
        raise ValueError("taxonomy file is broken")

    def after(conn: duckdb.DuckDBPyConnection, now: datetime) -> str:
        ran.append("after")
        return "ok"

    caplog.set_level(logging.INFO)
    service = make_service(db_path, after_cycle=[("broken", broken), ("after", after)])
    service.run_cycle()
    assert ran == ["after"]
    assert "broken: FAILED ValueError: taxonomy file is broken" in caplog.text


def test_failed_collect_still_runs_steps_and_logs_why(
    db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    def collect(now: datetime) -> str:
        raise OSError("network unreachable")

    caplog.set_level(logging.INFO)
    ran: list[str] = []
    service = Service(
        core=CoreConfig(db=db_path),
        config=ServiceConfig(report_at_start=False),
        collect=collect,
        after_cycle=[("s", lambda c, n: ran.append("s") or "ok")],
        clock=lambda: T0,
    )
    service.run_cycle()
    assert ran == ["s"] and "collect: FAILED OSError: network unreachable" in caplog.text


def test_weekly_report_runs_after_the_first_cycle_only(db_path: Path) -> None:
    reports: list[datetime] = []
    service = Service(
        core=CoreConfig(db=db_path),
        config=ServiceConfig(report_at_start=True),
        collect=storing_collect(db_path, []),  # type: ignore[arg-type]
        weekly=[("report", lambda now: reports.append(now) or "written")],
        clock=lambda: T0,
    )
    service.run_cycle()
    service.run_cycle()
    assert reports == [T0]


def test_two_cycles_never_overlap(db_path: Path) -> None:
    active = 0
    overlaps = 0
    guard = threading.Lock()

    def slow_collect(now: datetime) -> str:
        nonlocal active, overlaps
        with guard:
            active += 1
            overlaps += active > 1
        time.sleep(0.3)
        with guard:
            active -= 1
        return "ok"

    service = Service(
        core=CoreConfig(db=db_path),
        config=ServiceConfig(report_at_start=False, snapshot_after_cycle=False),
        collect=slow_collect,
        clock=lambda: T0,
    )
    threads = [threading.Thread(target=service.run_cycle) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert overlaps == 0 and service.cycles == 4


def test_scheduler_coalesces_and_allows_one_instance(db_path: Path) -> None:
    service = make_service(db_path)
    scheduler = build_scheduler(service)
    scheduler.start(paused=True)
    job = scheduler.get_job("collect")
    weekly = scheduler.get_job("weekly")
    scheduler.shutdown(wait=False)
    assert job is not None
    assert job.coalesce is True and job.max_instances == 1
    assert job.trigger.interval.total_seconds() == 15 * 60
    assert weekly is not None and "day_of_week='mon'" in str(weekly.trigger)


def test_steps_connection_has_the_configured_memory_limit(db_path: Path) -> None:
    core = fill(CoreConfig, "core", {}, {"JOBTRENDS_DUCKDB_MEMORY_LIMIT": "300MB"})
    limits: list[str] = []

    def limit_step(conn: duckdb.DuckDBPyConnection, now: datetime) -> str:
        limits.append(str(conn.execute("SELECT current_setting('memory_limit')").fetchone()[0]))  # type: ignore[index]
        return "ok"

    service = Service(
        core=replace(core, db=db_path),
        config=ServiceConfig(report_at_start=False),
        collect=storing_collect(db_path, []),  # type: ignore[arg-type]
        clock=lambda: T0,
        after_cycle=[("limit", limit_step)],
    )
    service.run_cycle()
    assert limits == ["286.1 MiB"]  # DuckDB shows 300 MB (10^6 bytes) in MiB
    with pytest.raises(ValueError, match="not a size"):
        connect(db_path, memory_limit="300; DROP TABLE postings")


def test_the_collector_has_its_own_smaller_memory_cap() -> None:
    default = fill(CoreConfig, "core", {}, {})
    assert default.collect_memory_limit == "64MB" and default.memory_limit == "1GB"
    env = fill(CoreConfig, "core", {}, {"JOBTRENDS_COLLECTOR_MEMORY_LIMIT": " "})
    assert env.collect_memory_limit is None  # empty: DuckDB's own default


def test_a_reader_holding_the_live_file_is_a_log_line_not_a_traceback(
    db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A real process holds the live file read-write, so the after-cycle connection cannot
    open: the cycle's line says the steps were skipped and why; nothing reaches APScheduler."""
    import subprocess
    import sys

    with open_warehouse(db_path):
        pass
    holder = subprocess.Popen(
        [sys.executable, "-c", f"import duckdb,time; c=duckdb.connect({str(db_path)!r}); "
         "print('held', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        service = Service(
            core=CoreConfig(db=db_path),
            config=ServiceConfig(report_at_start=False),
            collect=lambda now: "nothing due",
            after_cycle=[("count", lambda conn, now: "never")],
            clock=lambda: T0,
            lock_wait_seconds=0.5,
        )
        with caplog.at_level(logging.INFO, logger="jobtrends.service"):
            service.run_cycle()
            service.on_skipped()
    finally:
        holder.kill()
        holder.communicate()
    lines = [r.getMessage() for r in caplog.records]
    assert any("after-cycle steps skipped:" in m and str(db_path) in m for m in lines), lines
    assert any(m.startswith("cycle skipped: the previous cycle") for m in lines), lines
