"""Building the always-on service from the real stages: collect (collector.cycle), then enrich
(analytics.tagging.enrich), analyze (analytics.trends.analyze) and the snapshot after each cycle,
and the weekly report (dashboards.report). The only place that knows all the stages' entry
points."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import duckdb

from analytics.tagging.enrich import enrich_postings
from analytics.trends.analyze import analyze_warehouse
from analytics.trends.deltas import DeltaSettings
from collector.cycle import CycleSummary, run_cycle
from collector.feeds import FeedSpec
from dashboards.report import write_weekly_report
from jobtrends.config import CoreConfig, ServiceConfig
from jobtrends.service import Job, Service, Step, utc_now
from warehouse.db import WarehouseLocked, open_warehouse, transaction
from warehouse.runs import read_run_failures, save_run_end

log = logging.getLogger("jobtrends.collect")
CLOSE_LOCK_WAIT_SECONDS = 10.0  # the cycle is stored; its end time is not worth a long wait


@dataclass(frozen=True)
class CollectionResult:
    """A cycle's summary, why its feeds failed, and its one-line rendering."""

    summary: CycleSummary
    failures: dict[str, dict[str, int]]  # warehouse.runs.read_run_failures

    @property
    def all_failed(self) -> bool:
        """Feeds were due and not one answered (a 304 is an answer)."""
        c = self.summary.counts
        answered = c["feeds_ok"] + c["feeds_not_modified"]
        return answered == 0 and c["feeds_failed"] + c["feeds_gone"] > 0

    def render(self) -> str:
        """The summary with the causes after the failures: 'failed=10 (ConnectError x10)'."""
        line = self.summary.render()
        for counter, causes in self.failures.items():
            if causes:
                said = f"{counter}={self.summary.counts['feeds_' + counter]} "
                why = ", ".join(f"{name} x{n}" for name, n in causes.items())
                line = line.replace(said, f"{said.rstrip()} ({why}) ", 1)
        return line


def close_cycle(
    core: CoreConfig, summary: CycleSummary, clock: Callable[[], datetime]
) -> CollectionResult:
    """Stamp the cycle's runs with their real end and read why feeds failed."""
    try:
        with open_warehouse(
            core.db, wait_seconds=CLOSE_LOCK_WAIT_SECONDS, memory_limit=core.collect_memory_limit
        ) as conn:
            with transaction(conn):
                save_run_end(conn, summary.runs, clock())
            return CollectionResult(summary, read_run_failures(conn, summary.runs))
    except WarehouseLocked as exc:
        log.warning("cycle stored; its end time and failure causes not recorded: %s", exc)
        return CollectionResult(summary, {"failed": {}, "gone": {}})


def collect_once(
    core: CoreConfig,
    specs: Sequence[FeedSpec],
    now: datetime,
    clock: Callable[[], datetime],
    *,
    snapshot: bool = True,
) -> CollectionResult:
    """One collection cycle as of `now`, closed at `clock()`."""
    summary = run_cycle(
        core.db,
        core.spool_dir,
        specs,
        now,
        snapshot=snapshot,
        memory_limit=core.collect_memory_limit,
        retry_memory_limit=core.memory_limit,
        contact=core.contact,
    )
    return close_cycle(core, summary, clock)


def make_collect(core: CoreConfig, specs: Sequence[FeedSpec]) -> Job:
    """One collection cycle; the snapshot is published after the enrich/analyze steps."""

    def collect(now: datetime) -> str:
        return collect_once(core, specs, now, utc_now, snapshot=False).render()

    return collect


def enrich_step(conn: duckdb.DuckDBPyConnection, now: datetime) -> str:
    summary = enrich_postings(conn, now=now)
    return f"{summary.postings} posting(s) tagged"


def make_analyze_step(events: Sequence[date], settings: DeltaSettings) -> Step:
    """Incremental analyze as of today (today counts as an incomplete day)."""

    def analyze_step(conn: duckdb.DuckDBPyConnection, now: datetime) -> str:
        summary = analyze_warehouse(
            conn, as_of=now.date(), now=now, event_dates=events, full=False, settings=settings
        )
        return f"{summary.mode}, {summary.daily_rows} daily rows, {summary.delta_rows} deltas"

    return analyze_step


def make_report_job(core: CoreConfig) -> Job:
    """The weekly report on complete days: as of yesterday, read from the snapshot."""

    def report(now: datetime) -> str:
        path = write_weekly_report(core.db, core.report_dir, now.date() - timedelta(days=1), now)
        return str(path)

    return report


def build_service(
    core: CoreConfig,
    config: ServiceConfig,
    specs: Sequence[FeedSpec],
    *,
    events: Sequence[date],
    settings: DeltaSettings,
    **overrides: Any,
) -> Service:
    """The production service: every stage plugged in as ServiceConfig allows."""
    after: list[tuple[str, Step]] = []
    if config.enrich_after_cycle:
        after.append(("enrich", enrich_step))
    if config.analyze_after_cycle:
        after.append(("analyze", make_analyze_step(events, settings)))
    return Service(
        core=core,
        config=config,
        collect=make_collect(core, specs),
        after_cycle=after,
        weekly=[("report", make_report_job(core))],
        **overrides,
    )
