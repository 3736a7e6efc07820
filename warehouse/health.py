"""Is the collector alive? The facts read from the warehouse and the pure verdict on them.

`read_health_facts` reads what the verdict needs (the last service cycles and the feeds'
health) from an open connection; `compute_health` turns those facts, a `now` and a maximum
age into one verdict with a one-line reason. The opening of the file (snapshot or live,
how long to wait for the lock) belongs to the caller.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

SERVICE_RUN_KIND = "poll"  # the service's cycles; file/import/simulate runs say nothing on liveness
SUCCEEDED_STATUSES = ("ok", "partial")  # partial: some feeds failed, the cycle itself completed
HEALTHY_FEED = "ok"

# Reasons, in the order they are checked. A reason is a stable code for scripts and alerts.
REASON_OK = "ok"
REASON_NO_WAREHOUSE = "no_warehouse"
REASON_LOCKED = "warehouse_locked"
REASON_NEVER_COLLECTED = "never_collected"
REASON_LAST_CYCLE_FAILED = "last_cycle_failed"
REASON_STALE = "stale"
REASON_NO_HEALTHY_FEED = "no_healthy_feed"
REASON_NOT_WRITABLE = "volume_not_writable"


def read_write_problem(db: Path) -> str | None:
    """Why the service could not write the warehouse at `db` (its folder is read-only or not
    ours), by trying: None when a file can be created beside it, or the folder is not there
    yet (the service creates it)."""
    folder = db.parent
    if not folder.is_dir():
        return None
    try:
        tempfile.TemporaryFile(dir=folder).close()
        if db.exists():
            with open(db, "rb+"):
                pass
    except OSError as exc:
        why = exc.strerror or type(exc).__name__
        return (
            f"cannot write {db}: {why} (a read-only volume, or one owned by another user: "
            "the service cannot store anything)"
        )
    return None


@dataclass(frozen=True)
class RunFacts:
    """One collection run as health sees it (times timezone-aware UTC)."""

    run_id: int
    status: str
    started_at: datetime
    finished_at: datetime | None
    note: str | None = None


@dataclass(frozen=True)
class HealthFacts:
    """What the warehouse says about the service: its last finished and last good cycle."""

    last_finished: RunFacts | None
    last_succeeded: RunFacts | None
    running: RunFacts | None  # a cycle started after last_finished and not yet finished
    feeds_by_health: dict[str, int] = field(default_factory=dict)  # enabled feeds only

    @property
    def feeds_total(self) -> int:
        return sum(self.feeds_by_health.values())

    @property
    def feeds_healthy(self) -> int:
        return self.feeds_by_health.get(HEALTHY_FEED, 0)


@dataclass(frozen=True)
class HealthVerdict:
    healthy: bool
    reason: str  # one of the REASON_* codes
    message: str  # one line for a human or `docker inspect`
    facts: HealthFacts | None = None
    age: timedelta | None = None  # now - last successful cycle's finish

    def as_json(self) -> dict[str, Any]:
        """The documented `jobtrends health --json` keys (see docs/ops.md)."""
        facts = self.facts

        def run(r: RunFacts | None) -> dict[str, Any] | None:
            if r is None:
                return None
            return {
                "run_id": r.run_id,
                "status": r.status,
                "started_at": r.started_at.isoformat(),
                "finished_at": r.finished_at.isoformat() if r.finished_at else None,
            }

        return {
            "healthy": self.healthy,
            "reason": self.reason,
            "message": self.message,
            "last_cycle": run(facts.last_finished) if facts else None,
            "last_success_at": (
                facts.last_succeeded.finished_at.isoformat()
                if facts and facts.last_succeeded and facts.last_succeeded.finished_at
                else None
            ),
            "age_minutes": round(self.age.total_seconds() / 60, 1) if self.age else None,
            "running_cycle": run(facts.running) if facts else None,
            "feeds": (
                {
                    "total": facts.feeds_total,
                    "healthy": facts.feeds_healthy,
                    "by_health": dict(sorted(facts.feeds_by_health.items())),
                }
                if facts
                else None
            ),
        }


def _run(row: tuple[Any, ...] | None) -> RunFacts | None:
    if row is None:
        return None
    return RunFacts(int(row[0]), str(row[1]), row[2], row[3], row[4])


# The newest service run matching each condition; the SQL is fixed text, values are bound
_LATEST_RUN_SQL = {
    "finished": "status <> 'running' ORDER BY finished_at DESC, run_id DESC",
    "succeeded": "status IN (?, ?) ORDER BY finished_at DESC, run_id DESC",
    "running": "status = 'running' ORDER BY started_at DESC",
}


def _latest_run(
    conn: duckdb.DuckDBPyConnection, which: str, params: tuple[str, ...] = ()
) -> RunFacts | None:
    """The newest service run that is `which` (a key of _LATEST_RUN_SQL), or None."""
    return _run(
        conn.execute(
            "SELECT run_id, status, started_at, finished_at, note FROM collection_runs "  # noqa: S608 (fixed text)
            f"WHERE kind = ? AND {_LATEST_RUN_SQL[which]} LIMIT 1",
            [SERVICE_RUN_KIND, *params],
        ).fetchone()
    )


def read_health_facts(conn: duckdb.DuckDBPyConnection) -> HealthFacts:
    """Read the last service cycles and the enabled feeds' health from the warehouse."""
    last_finished = _latest_run(conn, "finished")
    last_succeeded = _latest_run(conn, "succeeded", SUCCEEDED_STATUSES)
    running = _latest_run(conn, "running")
    if running and last_finished and running.started_at < last_finished.started_at:
        running = None  # an abandoned run from a crash, older than a finished one
    feeds = {
        str(health): int(n)
        for health, n in conn.execute(
            "SELECT health, count(*) FROM feeds WHERE enabled GROUP BY health"
        ).fetchall()
    }
    return HealthFacts(last_finished, last_succeeded, running, feeds)


def _minutes(delta: timedelta) -> str:
    return f"{delta.total_seconds() / 60:.0f} min"


def compute_health(facts: HealthFacts, *, now: datetime, max_age: timedelta) -> HealthVerdict:
    """The verdict: healthy when the last service cycle succeeded within `max_age` of `now`
    and at least one enabled feed is healthy. The first failing check gives the reason.
    """
    last, good = facts.last_finished, facts.last_succeeded
    if last is None:
        if facts.running is not None:
            msg = f"never collected: the first cycle (run {facts.running.run_id}) is still running"
        else:
            msg = "never collected: no collection cycle has finished yet"
        return HealthVerdict(False, REASON_NEVER_COLLECTED, msg, facts)
    age = now - good.finished_at if good and good.finished_at else None
    if last.status not in SUCCEEDED_STATUSES:
        note = f": {last.note}" if last.note else ""
        when = last.finished_at.isoformat() if last.finished_at else "?"
        return HealthVerdict(
            False,
            REASON_LAST_CYCLE_FAILED,
            f"last cycle failed (run {last.run_id}, finished {when}){note}",
            facts,
            age,
        )
    if age is None or age > max_age:
        return HealthVerdict(
            False,
            REASON_STALE,
            f"stale: last successful cycle finished {_minutes(age) if age else '?'} ago "
            f"(limit {_minutes(max_age)})",
            facts,
            age,
        )
    if facts.feeds_healthy == 0:
        others = ", ".join(f"{n} {h}" for h, n in sorted(facts.feeds_by_health.items()))
        return HealthVerdict(
            False,
            REASON_NO_HEALTHY_FEED,
            f"no healthy feed ({others or 'no enabled feeds'})",
            facts,
            age,
        )
    return HealthVerdict(
        True,
        REASON_OK,
        f"ok: last cycle (run {last.run_id}, {last.status}) finished {_minutes(age)} ago; "
        f"{facts.feeds_healthy}/{facts.feeds_total} feeds healthy",
        facts,
        age,
    )


def compute_missing(reason: str, message: str) -> HealthVerdict:
    """A verdict for when there are no facts at all (no file, or a lock that never let go)."""
    return HealthVerdict(False, reason, message)
