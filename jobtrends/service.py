"""The always-on service: APScheduler 3.x runs a collection cycle every N minutes (never two
at once, missed runs coalesced), then the after-cycle hooks; weekly jobs run on a cron.

Plugging a later stage in is one line, e.g. in this module:
    AFTER_CYCLE_HOOKS.append(enrich_new_postings)      # (db_path: Path, now: datetime) -> None
    WEEKLY_JOBS.append(write_weekly_report)             # same signature
A hook's failure is logged and never stops the service.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from apscheduler.schedulers.background import BackgroundScheduler

from collector.cycle import run_cycle
from collector.feeds import FeedSpec
from jobtrends.config import CoreConfig, ServiceConfig

log = logging.getLogger("jobtrends.service")

Hook = Callable[[Path, datetime], None]
AFTER_CYCLE_HOOKS: list[Hook] = []  # run after every cycle, in order
WEEKLY_JOBS: list[Hook] = []  # run weekly (ServiceConfig.report_weekday/hour) and once at start


def run_hooks(hooks: Sequence[Hook], db_path: Path, now: datetime, kind: str) -> None:
    """Call each hook; log its duration or its failure, never raise."""
    for hook in hooks:
        name = getattr(hook, "__qualname__", repr(hook))
        start = time.monotonic()
        try:
            hook(db_path, now)
        except Exception:
            log.exception("%s hook %s failed (the service goes on)", kind, name)
        else:
            log.info("%s hook %s done in %.2fs", kind, name, time.monotonic() - start)


class Service:
    """The scheduler, its jobs and the cycle lock that lets shutdown wait for a transaction."""

    def __init__(
        self,
        core: CoreConfig,
        config: ServiceConfig,
        specs: Sequence[FeedSpec],
        after_cycle: Sequence[Hook] | None = None,
        weekly: Sequence[Hook] | None = None,
    ) -> None:
        self.core, self.config, self.specs = core, config, list(specs)
        self.after_cycle = list(AFTER_CYCLE_HOOKS if after_cycle is None else after_cycle)
        self.weekly = list(WEEKLY_JOBS if weekly is None else weekly)
        self.busy = threading.Lock()  # held while a cycle or weekly job runs
        self.stop = threading.Event()
        self.scheduler = BackgroundScheduler(timezone=UTC)

    def cycle(self) -> None:
        """One collection cycle and the after-cycle hooks; failures are logged."""
        if self.stop.is_set():
            return
        with self.busy:
            now = datetime.now(UTC)
            start = time.monotonic()
            try:
                summary = run_cycle(
                    self.core.db,
                    self.core.spool_dir,
                    self.specs,
                    now,
                    snapshot=self.config.snapshot_after_cycle,
                )
            except Exception:
                log.exception("cycle failed; fetched batches stay in %s", self.core.spool_dir)
                return
            log.info(
                "cycle done runs=%s %s total_s=%.2f",
                summary.runs,
                summary.render(),
                time.monotonic() - start,
            )
            if not self.stop.is_set():
                run_hooks(self.after_cycle, self.core.db, now, "after-cycle")

    def weekly_jobs(self) -> None:
        if self.weekly and not self.stop.is_set():
            with self.busy:
                run_hooks(self.weekly, self.core.db, datetime.now(UTC), "weekly")

    def start(self) -> None:
        """Schedule the jobs (a cycle right away) and start the background scheduler."""
        now = datetime.now(UTC)
        common = {"max_instances": 1, "coalesce": True, "misfire_grace_time": None}
        self.scheduler.add_job(
            self.cycle,
            "interval",
            minutes=self.config.interval_minutes,
            next_run_time=now,
            id="cycle",
            **common,
        )
        self.scheduler.add_job(
            self.weekly_jobs,
            "cron",
            day_of_week=self.config.report_weekday,
            hour=self.config.report_hour,
            id="weekly",
            **common,
        )
        if self.config.report_at_start and self.weekly:
            self.scheduler.add_job(self.weekly_jobs, "date", run_date=now, id="weekly-start")
        self.scheduler.start()
        log.info(
            "service started db=%s feeds=%d every=%smin hooks=%d weekly=%d",
            self.core.db,
            len(self.specs),
            self.config.interval_minutes,
            len(self.after_cycle),
            len(self.weekly),
        )

    def shutdown(self) -> bool:
        """Stop scheduling; wait up to the grace period for a running cycle. True if clean."""
        self.stop.set()
        self.scheduler.shutdown(wait=False)
        clean = self.busy.acquire(timeout=self.config.shutdown_grace_seconds)
        if clean:
            self.busy.release()
        return clean


def serve_forever(service: Service) -> None:
    """Run until SIGTERM/SIGINT, then exit within the grace period.

    A cycle still fetching after the grace period is abandoned: the process exits, DuckDB
    rolls back any open transaction when the file is next opened, and a batch already
    spooled is stored by the next start.
    """
    stopping = threading.Event()

    def on_signal(signum: int, _frame: object) -> None:
        log.info("received %s, shutting down", signal.Signals(signum).name)
        stopping.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    service.start()
    while not stopping.wait(0.5):
        pass
    if service.shutdown():
        log.info("service stopped cleanly")
        logging.shutdown()
        os._exit(0)  # worker threads may still be inside an HTTP wait; nothing is pending
    log.warning(
        "a cycle was still running after %.1fs; exiting", service.config.shutdown_grace_seconds
    )
    logging.shutdown()
    os._exit(0)
