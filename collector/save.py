"""The save step: one FeedPage in one transaction (its entries, its fetch_log row with the
feed's health, ETag and next poll time, and its rejects), and closing a run with a status
judged from what its pages saved.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from datetime import datetime

import duckdb

from collector.page import FeedPage
from warehouse.db import set_memory_limit, transaction
from warehouse.feed_state import FetchOutcome, save_fetch_outcome
from warehouse.postings import save_entries, save_reject
from warehouse.runs import finish_run, read_run_counts

log = logging.getLogger("collector.save")
ERROR_NOTE_MAX_CHARS = 500

# (conn, run_id, page) -> None, inside the page's transaction: where a page's rows go
SavePage = Callable[[duckdb.DuckDBPyConnection, int, FeedPage], None]


def save_page(conn: duckdb.DuckDBPyConnection, run_id: int, page: FeedPage) -> None:
    """Save one page in run `run_id`, in the caller's transaction: entries (deduplicated),
    the fetch_log row with how many postings were new (for a polled page also the feed's
    health, validators and next poll time), and each problem as a reject."""
    o = page.outcome
    saved = save_entries(conn, run_id, page.entries, o.fetched_at)
    new = saved.new_by_feed.get(o.feed_name, 0)
    outcome = FetchOutcome(**{**o.__dict__, "entries_new": new})
    save_fetch_outcome(conn, run_id, outcome, update_feed=page.polled)
    for p in page.problems:
        save_reject(
            conn, run_id=run_id, at=o.fetched_at, stage=p.stage, origin=p.origin,
            location=None, reason=p.reason,
        )  # fmt: skip


def save_page_committed(
    conn: duckdb.DuckDBPyConnection,
    run_id: int,
    page: FeedPage,
    *,
    memory: tuple[str | None, str | None] = (None, None),
    save: SavePage = save_page,
) -> None:
    """`save` one page in a transaction of its own. `memory` = (the connection's cap, a
    larger one): a page that runs out of memory under the first (a very big recorded file)
    is rolled back and saved once more under the second, and checkpointed under it, instead of
    failing every cycle."""
    try:
        with transaction(conn):
            save(conn, run_id, page)
    except duckdb.OutOfMemoryException as exc:
        cap, larger = memory
        if larger is None or larger == cap:
            raise
        log.warning("%s: out of memory under %s, saving it again under %s (%s)",
                    page.outcome.feed_name, cap, larger, str(exc).splitlines()[0])  # fmt: skip
        set_memory_limit(conn, larger)
        try:
            with transaction(conn):
                save(conn, run_id, page)
            # write the big page out of the WAL while the larger cap holds: a checkpoint of it
            # under the small cap (at the snapshot, or when the run closes) is a FATAL error
            conn.execute("CHECKPOINT")
        finally:
            set_memory_limit(conn, cap)


def compute_run_status(counts: dict[str, int], errors: Counter[str]) -> tuple[str, str | None]:
    """A run's status and note: 'failed' only when no feed answered (a 304 is an answer),
    with the failures' error classes, e.g. "10 of 10 feeds failed: ConnectError x10"."""
    failed = counts["feeds_failed"] + counts["feeds_gone"]
    answered = counts["feeds_ok"] + counts["feeds_not_modified"]
    if not failed:
        return "ok", None
    causes = ", ".join(f"{name} x{n}" for name, n in errors.most_common())
    note = f"{failed} of {failed + answered} feeds failed" + (f": {causes}" if causes else "")
    return ("partial" if answered else "failed"), note


def save_run_closed(conn: duckdb.DuckDBPyConnection, run_id: int, finished_at: datetime) -> None:
    """Close run `run_id` with a status judged from the pages it saved (in a transaction)."""
    with transaction(conn):
        counts = read_run_counts(conn, run_id)
        # why feeds failed, from the fetch_log rows of this run
        errors: Counter[str] = Counter(
            dict(
                conn.execute(
                    "SELECT coalesce(error_class, outcome), count(*) FROM fetch_log"
                    " WHERE run_id = ? AND outcome IN ('retry', 'failed', 'gone') GROUP BY ALL",
                    [run_id],
                ).fetchall()
            )
        )
        status, note = compute_run_status(counts, errors)
        finish_run(conn, run_id, finished_at=finished_at, status=status, counts=counts, note=note)


def save_run_failed(
    conn: duckdb.DuckDBPyConnection, run_id: int, finished_at: datetime, error: BaseException
) -> None:
    """Close run `run_id` as failed by `error` (a page that could not be saved), so no run is
    left 'running'; the pages it saved stay. Best effort: if the warehouse refuses this too
    (the disk is full), the error that stopped the run is what the caller raises."""
    note = f"stopped: {type(error).__name__}: {error}"[:ERROR_NOTE_MAX_CHARS]
    try:
        with transaction(conn):
            counts = read_run_counts(conn, run_id)
            finish_run(conn, run_id, finished_at=finished_at, status="failed", counts=counts,
                       note=note)  # fmt: skip
    except duckdb.Error:
        log.warning("run %d could not be closed after %s", run_id, note, exc_info=True)
