"""Collection runs: every stored row is stamped with the run that wrote it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

import duckdb

from warehouse.db import transaction

RUN_KINDS = ("poll", "file", "import", "simulate")
RUN_COUNTERS = (
    "feeds_ok",
    "feeds_not_modified",
    "feeds_failed",
    "feeds_gone",
    "entries_seen",
    "postings_new",
    "rejects",
)


def start_run(conn: duckdb.DuckDBPyConnection, kind: str, started_at: datetime) -> int:
    """Open a run of `kind` and return its id."""
    if kind not in RUN_KINDS:
        raise ValueError(f"unknown run kind {kind!r}; expected one of {RUN_KINDS}")
    row = conn.execute(
        "INSERT INTO collection_runs (kind, started_at, status) VALUES (?, ?, 'running') "
        "RETURNING run_id",
        [kind, started_at],
    ).fetchone()
    assert row is not None
    return int(row[0])


def finish_run(
    conn: duckdb.DuckDBPyConnection,
    run_id: int,
    *,
    finished_at: datetime,
    status: str,
    counts: dict[str, int],
    note: str | None = None,
) -> None:
    """Close run `run_id` with its status and counters (names from RUN_COUNTERS)."""
    unknown = set(counts) - set(RUN_COUNTERS)
    if unknown:
        raise ValueError(f"unknown run counters: {sorted(unknown)}")
    sets = ", ".join(f"{name} = ?" for name in counts)
    conn.execute(
        f"UPDATE collection_runs SET finished_at = ?, status = ?, note = ?"  # noqa: S608 (names are fixed)
        f"{', ' + sets if sets else ''} WHERE run_id = ?",
        [finished_at, status, note, *counts.values(), run_id],
    )


@dataclass
class RunRecord:
    """A run being written: what it will be closed with (set by the caller as it goes)."""

    run_id: int
    status: str = "ok"
    counts: dict[str, int] = field(default_factory=dict)
    note: str | None = None


@contextmanager
def recorded_run(
    conn: duckdb.DuckDBPyConnection,
    kind: str,
    started_at: datetime,
    clock: Callable[[], datetime],
) -> Iterator[RunRecord]:
    """A run of `kind` from `started_at` to `clock()` when the block ends, closed with the
    record's status, counters and note, each in its own transaction. When the block raises
    (a bad file, Ctrl-C) the run is closed as 'failed' with the error as its note, so no run
    is left 'running'; the error then goes on. A run of `kind` still 'running' when the next
    one starts died with its process (a full disk, SIGKILL: the writer holds the only lock)
    and is closed as failed first."""
    with transaction(conn):
        conn.execute(
            "UPDATE collection_runs SET status = 'failed', finished_at = ?,"
            " note = 'interrupted: still running when the next run started' "
            "WHERE kind = ? AND status = 'running'",
            [started_at, kind],
        )
        record = RunRecord(start_run(conn, kind, started_at))
    try:
        yield record
    except BaseException as exc:
        try:
            conn.execute("ROLLBACK")  # a transaction the block left open
        except duckdb.Error:
            pass
        try:
            with transaction(conn):
                finish_run(
                    conn,
                    record.run_id,
                    finished_at=clock(),
                    status="failed",
                    counts=record.counts,
                    note=f"{type(exc).__name__}: {exc}"[:500],
                )
        except duckdb.Error:
            pass  # the file itself failed (disk full): the original error says more
        raise
    with transaction(conn):
        finish_run(
            conn,
            record.run_id,
            finished_at=clock(),
            status=record.status,
            counts=record.counts,
            note=record.note,
        )


def add_run_counts(conn: duckdb.DuckDBPyConnection, run_id: int, counts: dict[str, int]) -> None:
    """Add `counts` (names from RUN_COUNTERS) to run `run_id`'s counters."""
    unknown = set(counts) - set(RUN_COUNTERS)
    if unknown:
        raise ValueError(f"unknown run counters: {sorted(unknown)}")
    if not counts:
        return
    sets = ", ".join(f"{name} = {name} + ?" for name in counts)
    conn.execute(
        f"UPDATE collection_runs SET {sets} WHERE run_id = ?",  # noqa: S608 (names are fixed)
        [*counts.values(), run_id],
    )


def read_run_counts(conn: duckdb.DuckDBPyConnection, run_id: int) -> dict[str, int]:
    """Run `run_id`'s counters by name (RUN_COUNTERS)."""
    row = conn.execute(
        f"SELECT {', '.join(RUN_COUNTERS)} FROM collection_runs WHERE run_id = ?",  # noqa: S608
        [run_id],
    ).fetchone()
    if row is None:
        raise KeyError(f"no collection run {run_id}")
    return dict(zip(RUN_COUNTERS, (int(v) for v in row), strict=True))


def save_spool_part(
    conn: duckdb.DuckDBPyConnection, group: str, part: int, run_id: int, stored_at: datetime
) -> None:
    """Record that spool part `part` of `group` was stored by run `run_id` (in the caller's
    transaction, so the record commits with the part's rows)."""
    conn.execute(
        "INSERT INTO spool_parts (spool_group, part, run_id, stored_at) VALUES (?, ?, ?, ?)",
        [group, part, run_id, stored_at],
    )


def read_spool_progress(
    conn: duckdb.DuckDBPyConnection, group: str
) -> tuple[int | None, str | None, set[int]]:
    """(run_id, its status, parts already stored) for spool group `group`;
    (None, None, set()) when no part of it was stored yet."""
    rows = conn.execute(
        "SELECT s.part, s.run_id, r.status FROM spool_parts s "
        "JOIN collection_runs r USING (run_id) WHERE s.spool_group = ?",
        [group],
    ).fetchall()
    if not rows:
        return None, None, set()
    return int(rows[0][1]), str(rows[0][2]), {int(r[0]) for r in rows}


def save_run_end(
    conn: duckdb.DuckDBPyConnection, run_ids: list[int], finished_at: datetime
) -> None:
    """Record when runs `run_ids` really ended (a cycle's runs are closed with its start)."""
    if run_ids:
        conn.execute(
            "UPDATE collection_runs SET finished_at = ? WHERE list_contains(?, run_id)",
            [finished_at, run_ids],
        )


def read_run_failures(
    conn: duckdb.DuckDBPyConnection, run_ids: list[int]
) -> dict[str, dict[str, int]]:
    """Why feeds failed in runs `run_ids`: {"failed": {error class: feeds}, "gone": {...}},
    most frequent first ('failed' counts retryable failures too, as the run counters do)."""
    found: dict[str, dict[str, int]] = {"failed": {}, "gone": {}}
    if not run_ids:
        return found
    rows = conn.execute(
        "SELECT CASE outcome WHEN 'gone' THEN 'gone' ELSE 'failed' END AS counter,"
        " coalesce(error_class, outcome) AS why, count(*) AS n FROM fetch_log"
        " WHERE list_contains(?, run_id) AND outcome IN ('retry', 'failed', 'gone')"
        " GROUP BY ALL ORDER BY n DESC, why",
        [run_ids],
    ).fetchall()
    for counter, why, n in rows:
        found[str(counter)][str(why)] = int(n)
    return found
