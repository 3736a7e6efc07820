"""The always-on service: APScheduler 3.x runs a collection cycle every N minutes, then the
after-cycle steps (enrich, analyze, publish the analysts' snapshot), and the weekly report.

- Never two cycles at once: one job, max_instances=1, missed runs coalesced, and one lock
  shared by every job that writes the warehouse (the weekly report only reads the snapshot).
- Each after-cycle step runs isolated: a failing step is logged and the next one still runs;
  the service never dies of a step.
- SIGTERM/SIGINT set a stop flag: no new job starts, the running one is given
  `shutdown_grace_seconds` to commit or roll back, then the process exits 0.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import FrameType
from typing import Any

import duckdb
from apscheduler.events import EVENT_JOB_MAX_INSTANCES
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from jobtrends.config import CoreConfig, ServiceConfig
from warehouse.db import LOCK_WAIT_SECONDS, WarehouseLocked, open_warehouse
from warehouse.snapshot import publish_snapshot, snapshot_path_for

log = logging.getLogger("jobtrends.service")

# (connection, now) -> a short summary for the cycle's log line
Step = Callable[[duckdb.DuckDBPyConnection, datetime], str]
# (now) -> a short summary; owns its own connections (collection, reports)
Job = Callable[[datetime], str]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Service:
    """What the scheduler runs. Built by jobtrends.wiring; tested with real steps."""

    core: CoreConfig
    config: ServiceConfig
    collect: Job
    after_cycle: Sequence[tuple[str, Step]] = ()
    weekly: Sequence[tuple[str, Job]] = ()
    clock: Callable[[], datetime] = utc_now
    stop: threading.Event = field(default_factory=threading.Event)
    _write_lock: threading.Lock = field(default_factory=threading.Lock)
    _idle: threading.Event = field(default_factory=threading.Event)
    cycles: int = 0
    cycle_started: float | None = None  # time.monotonic() of the running cycle's start
    lock_wait_seconds: float = LOCK_WAIT_SECONDS  # for the after-cycle steps' connection

    def __post_init__(self) -> None:
        self._idle.set()

    def run_cycle(self) -> None:
        """One collection cycle and its after-cycle steps, logged as one line."""
        if self.stop.is_set():
            return
        self.cycle_started = time.monotonic()
        with self._write_lock:
            self._idle.clear()
            try:
                self._run_cycle_locked()
            except Exception as exc:  # never let a cycle's error reach APScheduler
                log.error("cycle %d FAILED %s: %s", self.cycles, type(exc).__name__, exc)
                log.debug("cycle failed", exc_info=True)
            finally:
                self._idle.set()
                self.cycle_started = None
        if self.cycles == 1 and self.config.report_at_start and not self.stop.is_set():
            self.run_weekly()

    def _run_cycle_locked(self) -> None:
        started = time.monotonic()
        now = self.clock()
        parts: list[str] = []
        try:
            parts.append(f"collect: {self.collect(now)}")
        except Exception as exc:  # one cycle's failure must not stop the service
            log.debug("collect failed", exc_info=True)
            parts.append(f"collect: FAILED {type(exc).__name__}: {exc}")
        self.cycles += 1
        if self.after_cycle and not self.stop.is_set():
            try:
                parts.extend(self._run_steps(now))
            except WarehouseLocked as exc:  # an analyst holds the live file: say so, go on
                parts.append(f"after-cycle steps skipped: {exc}")
            except Exception as exc:  # a step's connection failed (disk full, read-only)
                log.debug("after-cycle steps failed", exc_info=True)
                parts.append(f"after-cycle steps FAILED {type(exc).__name__}: {exc}")
        log.info(
            "cycle %d done in %.2fs; %s", self.cycles, time.monotonic() - started, "; ".join(parts)
        )

    def _run_steps(self, now: datetime) -> list[str]:
        parts: list[str] = []
        with open_warehouse(
            self.core.db, memory_limit=self.core.memory_limit, wait_seconds=self.lock_wait_seconds
        ) as conn:
            for name, step in self.after_cycle:
                if self.stop.is_set():
                    parts.append(f"{name}: skipped (stopping)")
                    continue
                t0 = time.monotonic()
                try:
                    parts.append(f"{name}: {step(conn, now)} ({time.monotonic() - t0:.2f}s)")
                except Exception as exc:
                    log.debug("step %s failed", name, exc_info=True)
                    parts.append(f"{name}: FAILED {type(exc).__name__}: {exc}")
            if self.config.snapshot_after_cycle:
                snap = publish_snapshot(conn, self.core.db)
                parts.append(f"snapshot: {snap.name}")
        return parts

    def run_weekly(self) -> None:
        """The weekly jobs (the report); they read the snapshot and never block collection."""
        now = self.clock()
        for name, job in self.weekly:
            if self.stop.is_set():
                return
            try:
                log.info("weekly %s: %s", name, job(now))
            except Exception as exc:
                log.error("weekly %s: FAILED %s: %s", name, type(exc).__name__, exc)
                log.debug("weekly %s failed", name, exc_info=True)

    def on_skipped(self, _event: object = None) -> None:
        """APScheduler found the previous cycle still running: say how long, and why."""
        if getattr(_event, "job_id", "collect") != "collect":
            return
        running = time.monotonic() - self.cycle_started if self.cycle_started else 0.0
        log.warning(
            "cycle skipped: the previous cycle has run for %.0fs (a feed or the warehouse lock "
            "is holding it: another process with %s open waits it out for up to %.0fs)",
            running,
            self.core.db,
            self.lock_wait_seconds,
        )

    def wait_idle(self, timeout: float) -> bool:
        """Wait until no cycle is running; False when `timeout` seconds passed first."""
        return self._idle.wait(timeout)


def build_scheduler(service: Service) -> BackgroundScheduler:
    """The APScheduler 3.x jobs: the cycle now and every interval, the weekly cron."""
    scheduler = BackgroundScheduler(
        timezone=UTC,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
    )
    scheduler.add_listener(service.on_skipped, EVENT_JOB_MAX_INSTANCES)
    scheduler.add_job(
        service.run_cycle,
        IntervalTrigger(minutes=service.config.interval_minutes, timezone=UTC),
        id="collect",
        next_run_time=service.clock(),
    )
    scheduler.add_job(
        service.run_weekly,
        CronTrigger(
            day_of_week=service.config.report_weekday,
            hour=service.config.report_hour,
            timezone=UTC,
        ),
        id="weekly",
    )
    return scheduler


def run_forever(service: Service) -> int:
    """Run until SIGTERM/SIGINT; returns the exit code (0 on a clean stop)."""
    scheduler = build_scheduler(service)

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        log.info("received %s: stopping", signal.Signals(signum).name)
        service.stop.set()

    previous: dict[int, Any] = {
        sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)
    }
    log.info(
        "service started: db=%s, snapshot=%s, reports=%s, cycle every %g min, weekly %s "
        "%02d:00 UTC",
        service.core.db,
        snapshot_path_for(service.core.db),
        service.core.report_dir,
        service.config.interval_minutes,
        service.config.report_weekday,
        service.config.report_hour,
    )
    scheduler.start()
    try:
        while not service.stop.wait(1.0):
            pass
    finally:
        scheduler.shutdown(wait=False)
        clean = service.wait_idle(service.config.shutdown_grace_seconds)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if not clean:
        log.warning(
            "cycle still running after %.1fs; exiting: its open transaction is rolled back "
            "and its fetched batch stays spooled for the next start",
            service.config.shutdown_grace_seconds,
        )
    log.info("service stopped")
    return 0
