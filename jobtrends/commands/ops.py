"""Operations: `jobtrends health` for the container's HEALTHCHECK."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click
import duckdb

from jobtrends.app import AppContext, db_option
from warehouse.db import WarehouseLocked, connect
from warehouse.health import (
    REASON_LOCKED,
    REASON_NO_WAREHOUSE,
    REASON_NOT_WRITABLE,
    HealthVerdict,
    compute_health,
    compute_missing,
    read_health_facts,
    read_write_problem,
)
from warehouse.snapshot import snapshot_path_for

STALE_AFTER_INTERVALS = 3  # two missed cycles are tolerated (a slow feed, a lock wait)
HEALTH_LOCK_WAIT_SECONDS = 10.0  # well under the HEALTHCHECK timeout; the collector writes briefly


def _verdict_from(
    path: Path, *, now: datetime, max_age: timedelta, lock_wait: float
) -> HealthVerdict:
    """Open `path` read-only and judge it; raises WarehouseLocked when the lock never frees."""
    conn = connect(path, read_only=True, wait_seconds=lock_wait)
    try:
        facts = read_health_facts(conn)
    except duckdb.CatalogException:
        return compute_missing(
            REASON_NO_WAREHOUSE,
            f"{path} is not a jobtrends warehouse (no tables): run `jobtrends migrate`",
        )
    finally:
        conn.close()
    return compute_health(facts, now=now, max_age=max_age)


def read_verdict(
    db: Path, *, now: datetime, max_age: timedelta, lock_wait: float
) -> tuple[HealthVerdict, str | None]:
    """The verdict and the file it came from ('snapshot' | 'live' | None).

    The snapshot never blocks the collector, so it is read first; only when it is missing or
    unhealthy is the live file (which may be newer) opened read-only, with a short lock wait.
    """
    problem = read_write_problem(db)
    if problem:
        return compute_missing(REASON_NOT_WRITABLE, problem), None
    from_snapshot: HealthVerdict | None = None
    snapshot = snapshot_path_for(db)
    if snapshot.exists():
        try:
            from_snapshot = _verdict_from(snapshot, now=now, max_age=max_age, lock_wait=lock_wait)
        except (duckdb.Error, WarehouseLocked):
            from_snapshot = None  # torn by a crash or from another version: try the live file
        if from_snapshot is not None and from_snapshot.healthy:
            return from_snapshot, "snapshot"
    if not db.exists():
        if from_snapshot is not None:
            return from_snapshot, "snapshot"
        missing = f"no warehouse at {db}: run `jobtrends migrate` or start `jobtrends serve`"
        return compute_missing(REASON_NO_WAREHOUSE, missing), None
    try:
        return _verdict_from(db, now=now, max_age=max_age, lock_wait=lock_wait), "live"
    except WarehouseLocked:
        if from_snapshot is not None:
            return from_snapshot, "snapshot"
        msg = f"warehouse locked: {db} stayed locked by another process for {lock_wait:.0f}s"
        return compute_missing(REASON_LOCKED, msg), None


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the verdict as one JSON object.")
@click.option(
    "--max-age",
    "max_age_minutes",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    help="Minutes since the last good cycle before it is stale "
    f"[default: {STALE_AFTER_INTERVALS} x the service interval].",
)
@click.option(
    "--lock-wait",
    type=click.FloatRange(min=0),
    default=HEALTH_LOCK_WAIT_SECONDS,
    show_default=True,
    help="Seconds to wait for the live file's lock when there is no usable snapshot.",
)
@db_option
@click.pass_obj
def health(app: AppContext, as_json: bool, max_age_minutes: float | None, lock_wait: float) -> None:
    """Exit 0 when the last collection cycle succeeded recently and a feed is healthy.

    Otherwise exit 1 with one line saying why: volume_not_writable, no_warehouse,
    never_collected, last_cycle_failed, stale, no_healthy_feed or warehouse_locked. Reads the
    snapshot when there is one, so it never holds up the collector.
    """
    if max_age_minutes is None:
        max_age_minutes = STALE_AFTER_INTERVALS * app.service.interval_minutes
    now = datetime.now(UTC)
    verdict, read_from = read_verdict(
        app.core.db, now=now, max_age=timedelta(minutes=max_age_minutes), lock_wait=lock_wait
    )
    if as_json:
        document = {
            **verdict.as_json(),
            "checked_at": now.isoformat(),
            "db": str(app.core.db),
            "read_from": read_from,
            "max_age_minutes": max_age_minutes,
        }
        click.echo(json.dumps(document, sort_keys=True))
    else:
        click.echo(verdict.message)
    sys.exit(0 if verdict.healthy else 1)


COMMANDS = [health]
