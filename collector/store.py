"""Storing spooled parts: one collection run per cycle, one transaction per part (a feed's
page), resumable after a crash (`spool_parts`), and the analysts' snapshot afterwards.

`store_spool` stores whatever is spooled; `store_while_spooling` is the same for a cycle that
is still being fetched: it stores each part as soon as it is spooled, so a big cycle's
DuckDB work runs beside its parsing instead of after it.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from collector.spool import (
    PreparedBatch,
    read_batch,
    read_spool_groups,
    spool_group_of,
    spool_part_of,
)
from warehouse.db import LOCK_WAIT_SECONDS, open_warehouse, set_memory_limit, transaction
from warehouse.feed_state import FetchOutcome, save_fetch_outcome
from warehouse.postings import save_built_batch, save_reject
from warehouse.runs import (
    RUN_COUNTERS,
    add_run_counts,
    finish_run,
    read_run_counts,
    read_spool_progress,
    save_spool_part,
    start_run,
)
from warehouse.snapshot import publish_snapshot

log = logging.getLogger("collector.store")

# DuckDB threads on the store's connection. A part is one feed page: one thread stores a
# 200k-item cycle's parts in 20 s instead of 29 s (less coordination on 2 cores) and leaves
# the other core to the parsing it runs beside.
STORE_THREADS = 1

OUTCOME_COUNTER = {
    "ok": "feeds_ok",
    "not_modified": "feeds_not_modified",
    "retry": "feeds_failed",
    "failed": "feeds_failed",
    "gone": "feeds_gone",
}


@dataclass
class CycleSummary:
    """What a cycle (or an import) stored, summed over every batch it committed."""

    runs: list[int] = field(default_factory=list)
    counts: dict[str, int] = field(
        default_factory=lambda: (
            dict.fromkeys(("feeds_ok", "feeds_not_modified", "feeds_failed", "feeds_gone"), 0)
            | {"entries_seen": 0, "postings_new": 0, "rejects": 0}
        )
    )
    fetch_seconds: float = 0.0
    store_seconds: float = 0.0  # beside a cycle's fetching: overlaps fetch_seconds

    def render(self) -> str:
        c = self.counts
        return (
            f"feeds ok={c['feeds_ok']} not_modified={c['feeds_not_modified']} "
            f"failed={c['feeds_failed']} gone={c['feeds_gone']} "
            f"entries_seen={c['entries_seen']} postings_new={c['postings_new']} "
            f"rejects={c['rejects']} fetch_parse_s={self.fetch_seconds:.2f} "
            f"store_s={self.store_seconds:.2f}"
        )


def judge_run(counts: dict[str, int], errors: Counter[str]) -> tuple[str, str | None]:
    """A cycle's status and note: 'failed' only when no feed answered (a 304 is an answer),
    with the failures' error classes, e.g. "10 of 10 feeds failed: ConnectError x10"."""
    failed = counts["feeds_failed"] + counts["feeds_gone"]
    answered = counts["feeds_ok"] + counts["feeds_not_modified"]
    if not failed:
        return "ok", None
    causes = ", ".join(f"{name} x{n}" for name, n in errors.most_common())
    note = f"{failed} of {failed + answered} feeds failed" + (f": {causes}" if causes else "")
    return ("partial" if answered else "failed"), note


def save_part(conn: duckdb.DuckDBPyConnection, run_id: int, batch: PreparedBatch) -> dict[str, int]:
    """Store one spooled part (one feed's page or one file) in run `run_id`, in the caller's
    transaction; returns the counters it adds to the run."""
    counts = dict.fromkeys(RUN_COUNTERS, 0)
    saved = save_built_batch(
        conn, run_id, batch.rows, batch.unkeyed, batch.started_at, seen=batch.seen
    )
    counts["entries_seen"] += saved.seen
    counts["postings_new"] += saved.new_postings
    counts["rejects"] += saved.rejected + len(batch.problems)
    for o in batch.outcomes:
        new = saved.new_by_feed.get(o.feed_name, 0)
        o = FetchOutcome(**{**o.__dict__, "entries_new": new})
        if batch.kind == "poll":
            save_fetch_outcome(conn, run_id, o)
        counts[OUTCOME_COUNTER.get(o.outcome, "feeds_failed")] += 1
    for origin, stage, reason in batch.problems:
        save_reject(
            conn, run_id=run_id, at=batch.started_at, stage=stage, origin=origin,
            location=None, reason=reason,
        )  # fmt: skip
    return counts


def finish_group_run(conn: duckdb.DuckDBPyConnection, run_id: int, finished_at: datetime) -> None:
    """Close run `run_id` with a status from the counters its parts added."""
    counts = read_run_counts(conn, run_id)
    # why feeds failed, from the fetch_log rows this run's parts wrote (poll runs only)
    errors: Counter[str] = Counter(
        dict(
            conn.execute(
                "SELECT coalesce(error_class, outcome), count(*) FROM fetch_log"
                " WHERE run_id = ? AND outcome IN ('retry', 'failed', 'gone') GROUP BY ALL",
                [run_id],
            ).fetchall()
        )
    )
    status, note = judge_run(counts, errors)
    finish_run(conn, run_id, finished_at=finished_at, status=status, counts=counts, note=note)


def _store_part(
    conn: duckdb.DuckDBPyConnection, group: str, path: Path, batch: PreparedBatch,
    run: tuple[int | None, str | None], finished_at: datetime, last: bool,
) -> tuple[int, str]:  # fmt: skip
    """One part in its own transaction; returns the group's (run_id, status) after it."""
    run_id, status = run
    with transaction(conn):
        if run_id is None or status != "running":
            # The first part, or a group another process stored and closed meanwhile.
            run_id, status = start_run(conn, batch.kind, batch.started_at), "running"
        add_run_counts(conn, run_id, save_part(conn, run_id, batch))
        save_spool_part(conn, group, spool_part_of(path), run_id, finished_at)
        if last:
            finish_group_run(conn, run_id, finished_at)
            status = "closed"
    return run_id, status


def save_group_run(
    conn: duckdb.DuckDBPyConnection,
    paths: Sequence[Path],
    finished_at: datetime,
    *,
    close: bool = True,
    memory: tuple[str | None, str | None] = (None, None),
) -> int | None:
    """Store one cycle's spooled parts as one collection run, ONE TRANSACTION PER PART (one
    feed's page), deleting each part's file once its transaction committed; with `close`, the
    last part's transaction also closes the run. Memory stays bounded by a part.

    Each part's transaction records it in `spool_parts`, so a group cut short by a crash is
    resumed by the next call: stored parts are skipped (their file deleted), the rest go into
    the same run. `memory` = (the connection's cap, a larger one): a part that runs out of
    memory under the first (a very big recorded file) is rolled back and stored once more
    under the second, instead of failing every cycle. Returns the run's id, or None when
    every part had already been stored and the run closed (nothing to do but delete files).
    """
    group = spool_group_of(paths[0])
    run_id, status, stored = read_spool_progress(conn, group)
    acted = False
    for i, path in enumerate(paths):
        if spool_part_of(path) in stored:
            path.unlink()
            continue
        batch = read_batch(path)
        last = close and i == len(paths) - 1
        try:
            run_id, status = _store_part(conn, group, path, batch, (run_id, status),
                                         finished_at, last)  # fmt: skip
        except duckdb.OutOfMemoryException as exc:
            cap, larger = memory
            if larger is None or larger == cap:
                raise
            log.warning("%s: out of memory under %s, storing it again under %s (%s)",
                        path.name, cap, larger, str(exc).splitlines()[0])  # fmt: skip
            set_memory_limit(conn, larger)
            try:
                run_id, status = _store_part(conn, group, path, batch, (run_id, status),
                                             finished_at, last)  # fmt: skip
            finally:
                set_memory_limit(conn, cap)
        path.unlink()
        acted = True
    if close and run_id is not None and status == "running":
        # Every part was stored before a crash that came before the run was closed.
        with transaction(conn):
            finish_group_run(conn, run_id, finished_at)
        acted = True
    if not acted or run_id is None:
        return None
    log.debug("stored %d spool part(s) of group %s as run %d", len(paths), group, run_id)
    return run_id


def _add_run(conn: duckdb.DuckDBPyConnection, summary: CycleSummary, run_id: int | None) -> None:
    if run_id is None:
        return
    summary.runs.append(run_id)
    for k, v in read_run_counts(conn, run_id).items():
        summary.counts[k] += v


@contextmanager
def _open_store(
    db_path: Path, wait_seconds: float, memory_limit: str | None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """The store's connection: waits for the lock, capped, STORE_THREADS threads."""
    with open_warehouse(db_path, wait_seconds=wait_seconds, memory_limit=memory_limit) as conn:
        conn.execute(f"SET threads = {STORE_THREADS}")
        yield conn


def _store_groups(
    conn: duckdb.DuckDBPyConnection, summary: CycleSummary, spool_dir: Path, now: datetime,
    memory: tuple[str | None, str | None], skip_group: str | None = None,
) -> list[list[Path]]:  # fmt: skip
    """Store every spooled group but `skip_group`, oldest first, a run each, adding them to
    `summary`; returns the groups found."""
    groups = [g for g in read_spool_groups(spool_dir) if spool_group_of(g[0]) != skip_group]
    for paths in groups:
        _add_run(conn, summary, save_group_run(conn, paths, now, memory=memory))
    return groups


def store_spool(
    db_path: Path, spool_dir: Path, now: datetime, *, snapshot: bool = True,
    wait_seconds: float = LOCK_WAIT_SECONDS, memory_limit: str | None = None,
    retry_memory_limit: str | None = None,
) -> CycleSummary:  # fmt: skip
    """Store every spooled cycle (oldest first) as one run each, a transaction per part, then
    publish the snapshot. A spool file is deleted only after its transaction committed.
    DuckDB's memory is capped at `memory_limit`; a part that needs more gets one more try
    under `retry_memory_limit` (see save_group_run)."""
    memory = (memory_limit, retry_memory_limit)
    summary = CycleSummary()
    start = time.monotonic()
    with _open_store(db_path, wait_seconds, memory_limit) as conn:
        groups = _store_groups(conn, summary, spool_dir, now, memory)
        if snapshot and groups:
            publish_snapshot(conn, db_path)
    summary.store_seconds = time.monotonic() - start
    return summary


def store_while_spooling(
    db_path: Path, spool_dir: Path, group: str, parts: queue.SimpleQueue[Path | None],
    now: datetime, *, snapshot: bool = True, wait_seconds: float = LOCK_WAIT_SECONDS,
    memory_limit: str | None = None, retry_memory_limit: str | None = None,
) -> CycleSummary:  # fmt: skip
    """Store the leftovers of earlier cycles, then cycle `group`'s parts as `parts` hands them
    over (None: the cycle is spooled), each in its own transaction, as one run; close the run
    and publish the snapshot. Meant for a thread beside the spooling (DuckDB releases the GIL
    while it works, but a thread that parses in the same process leaves it little: the
    overlap comes from the parse worker). A part this does not get to (an error, a lock)
    stays spooled. Memory as in store_spool."""
    memory = (memory_limit, retry_memory_limit)
    summary = CycleSummary()
    start = time.monotonic()
    with _open_store(db_path, wait_seconds, memory_limit) as conn:
        _store_groups(conn, summary, spool_dir, now, memory, skip_group=group)
        run_id = None
        while (path := parts.get()) is not None:
            run_id = save_group_run(conn, [path], now, close=False, memory=memory) or run_id
        if run_id is not None:
            with transaction(conn):
                finish_group_run(conn, run_id, now)
            _add_run(conn, summary, run_id)
        if snapshot and summary.runs:
            publish_snapshot(conn, db_path)
    summary.store_seconds = time.monotonic() - start
    return summary


class StoreThread(threading.Thread):
    """store_while_spooling in a thread; `join_summary` returns its summary or raises its
    error. Hand it parts with `put(path)` and end with `put(None)`."""

    def __init__(self, db_path: Path, spool_dir: Path, group: str, now: datetime,
                 **options: Any) -> None:  # fmt: skip
        super().__init__(name="collector-store", daemon=True)
        self.parts: queue.SimpleQueue[Path | None] = queue.SimpleQueue()
        self._args = (db_path, spool_dir, group, self.parts, now)
        self._options = options
        self._summary: CycleSummary | None = None
        self._error: BaseException | None = None

    def put(self, path: Path | None) -> None:
        self.parts.put(path)

    def run(self) -> None:
        try:
            self._summary = store_while_spooling(*self._args, **self._options)
        except BaseException as exc:  # handed to the cycle's thread by join_summary
            self._error = exc

    def join_summary(self) -> CycleSummary:
        self.join()
        if self._error is not None:
            raise self._error
        assert self._summary is not None
        return self._summary
