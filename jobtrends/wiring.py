"""Building the always-on service from the real stages: collect (collector.cycle), then enrich
(analytics.tagging.enrich), analyze (analytics.trends.analyze) and the snapshot after each cycle,
and the weekly report (dashboards.report). The only place that knows all the stages' entry
points."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

import duckdb

from analytics.tagging.enrich import enrich_postings
from analytics.trends.analyze import analyze_warehouse
from analytics.trends.deltas import DeltaSettings
from collector.cycle import run_cycle
from collector.feeds import FeedSpec
from dashboards.report import write_weekly_report
from jobtrends.config import CoreConfig, ServiceConfig
from jobtrends.service import Job, Service, Step


def make_collect(core: CoreConfig, specs: Sequence[FeedSpec]) -> Job:
    """One collection cycle; the snapshot is published after the enrich/analyze steps."""

    def collect(now: datetime) -> str:
        summary = run_cycle(
            core.db,
            core.spool_dir,
            specs,
            now,
            snapshot=False,
            memory_limit=core.collect_memory_limit,
            retry_memory_limit=core.memory_limit,
            contact=core.contact,
        )
        return summary.render()

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
