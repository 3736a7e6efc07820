"""One collection cycle, in one process: read which feeds are due, then for each feed fetch,
parse and save, one transaction per feed (its entries, fetch_log row and ETag commit together),
close the run and publish the analysts' snapshot. `collect_files` does the same for recorded
files. Nothing needs a spool: a feed whose transaction did not commit (a crash, a lock) kept
its old ETag and schedule, so the next cycle fetches it again.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

from collector.feeds import FeedSpec
from collector.fetch import READ_TIMEOUT_S, arrival_time
from collector.fetch_window import fetch_feeds
from collector.legacy_spool import legacy_spool_dir, save_legacy_spool
from collector.page import FeedPage, parse_file_page, parse_page
from collector.save import (
    SavePage,
    save_page,
    save_page_committed,
    save_run_closed,
    save_run_failed,
)
from warehouse.db import LOCK_WAIT_SECONDS, open_warehouse, transaction
from warehouse.feed_state import read_due_feeds, save_feed_specs
from warehouse.runs import RUN_COUNTERS, read_run_counts, start_run
from warehouse.snapshot import publish_snapshot, remove_dead_snapshot_temps
from warehouse.temp_files import remove_dead_temp_files

# DuckDB threads on the cycle's connection: a page is one feed's 1,000 entries at most, too
# small for more threads to pay for their coordination on 2 cores.
SAVE_THREADS = 1
# DuckDB checkpoints when the WAL passes this (16MB by default: every ~6 pages of 1,000 entries),
# and every checkpoint rewrites each table's last, still-filling row group: at 64MB the saves of
# 50 such pages took a median 1.79 and 1.83 CPU-s instead of 2.27 and 2.28 (two runs of three
# each), and a 50k-item bench cycle's peak RSS stayed at ~300 MB.
CHECKPOINT_THRESHOLD = "64MB"
LEGACY_SPOOL_SUFFIX = ".arrow"  # "...-000003.batch.arrow" (collector/legacy_spool.py)


@dataclass
class CycleSummary:
    """What a cycle (or a file collection) saved: its run and the run's counters."""

    runs: list[int] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(RUN_COUNTERS, 0))
    fetch_seconds: float = 0.0  # waiting for responses and parsing them
    save_seconds: float = 0.0  # in DuckDB: the pages' transactions, closing, the snapshot
    legacy_runs: list[int] = field(default_factory=list)  # an earlier version's spool, saved

    def render(self) -> str:
        c = self.counts
        return (
            f"feeds ok={c['feeds_ok']} not_modified={c['feeds_not_modified']} "
            f"failed={c['feeds_failed']} gone={c['feeds_gone']} "
            f"entries_seen={c['entries_seen']} postings_new={c['postings_new']} "
            f"rejects={c['rejects']} fetch_parse_s={self.fetch_seconds:.2f} "
            f"save_s={self.save_seconds:.2f}"
        ) + (f" legacy_spool_runs={self.legacy_runs}" if self.legacy_runs else "")


@dataclass(frozen=True)
class CycleOptions:
    """How a cycle talks to the network and the warehouse."""

    timeout_s: float = READ_TIMEOUT_S  # per read; a whole response gets 3x this
    snapshot: bool = True  # publish the analysts' snapshot after the run
    wait_seconds: float = LOCK_WAIT_SECONDS  # for another process's lock on the file
    memory_limit: str | None = None  # DuckDB's cap on the cycle's connection
    retry_memory_limit: str | None = None  # a page that needs more is saved again under this
    contact: str = ""  # goes into the User-Agent (an address a site can write to)


def remove_dead_temp_files_of(db_path: Path) -> list[Path]:
    """What killed processes left beside the warehouse: half-written snapshots, and the
    spool's temp parts of collector versions that had a spool."""
    spool = remove_dead_temp_files(legacy_spool_dir(db_path), (LEGACY_SPOOL_SUFFIX,))
    return remove_dead_snapshot_temps(db_path) + spool


@contextmanager
def open_cycle_warehouse(
    db_path: Path, options: CycleOptions, now: datetime
) -> Iterator[tuple[duckdb.DuckDBPyConnection, list[int]]]:
    """The cycle's one connection: waits for the lock, capped, SAVE_THREADS threads,
    checkpointing at CHECKPOINT_THRESHOLD of WAL (and when it closes). Removes
    dead processes' temp files first (the next start after a crash), then saves what an
    earlier version left in its spool (the runs it saved come with the connection)."""
    remove_dead_temp_files_of(db_path)
    with open_warehouse(
        db_path, wait_seconds=options.wait_seconds, memory_limit=options.memory_limit
    ) as conn:
        conn.execute(f"SET threads = {SAVE_THREADS}")
        conn.execute(f"SET checkpoint_threshold = '{CHECKPOINT_THRESHOLD}'")
        memory = (options.memory_limit, options.retry_memory_limit)
        yield conn, save_legacy_spool(conn, db_path, now, memory)


def save_pages(
    conn: duckdb.DuckDBPyConnection, db_path: Path, kind: str, started_at: datetime,
    pages: Iterable[FeedPage], options: CycleOptions, save: SavePage = save_page,
    cycle_start: float | None = None,
) -> CycleSummary:  # fmt: skip
    """Save `pages` as one run of `kind`, a transaction per page, as they come; close the run
    and publish the snapshot. `save` is where a page's rows go (the warehouse by default).
    No page, no run. `started_at` is the time at monotonic `cycle_start` (default: now)."""
    cycle_start = time.monotonic() if cycle_start is None else cycle_start
    summary = CycleSummary()
    memory = (options.memory_limit, options.retry_memory_limit)
    run_id: int | None = None
    pages = iter(pages)
    try:
        while True:
            begin = time.monotonic()
            page = next(pages, None)  # fetching and parsing happen here, one page at a time
            summary.fetch_seconds += time.monotonic() - begin
            if page is None:
                break
            begin = time.monotonic()
            if run_id is None:
                with transaction(conn):
                    run_id = start_run(conn, kind, started_at)
            save_page_committed(conn, run_id, page, memory=memory, save=save)
            summary.save_seconds += time.monotonic() - begin
    except BaseException as exc:  # a page that cannot be read or saved: no run left running
        if run_id is not None:
            save_run_failed(conn, run_id, arrival_time(started_at, cycle_start), exc)
        raise
    if run_id is None:
        return summary
    begin = time.monotonic()
    save_run_closed(conn, run_id, arrival_time(started_at, cycle_start))
    if options.snapshot:
        publish_snapshot(conn, db_path)
    summary.runs = [run_id]
    summary.counts = read_run_counts(conn, run_id)
    summary.save_seconds += time.monotonic() - begin
    return summary


def run_cycle(
    db_path: Path,
    specs: Sequence[FeedSpec],
    now: datetime,
    options: CycleOptions = CycleOptions(),
    save: SavePage = save_page,
) -> CycleSummary:
    """Poll every due feed of `specs` once: fetch, parse, save (a transaction per feed).
    `now` is the cycle's start; each poll's time is when its response arrived."""
    cycle_start = time.monotonic()
    with open_cycle_warehouse(db_path, options, now) as (conn, legacy_runs):
        with transaction(conn):
            save_feed_specs(conn, [(s.name, s.url, s.kind, s.source, s.min_interval_s,
                                    s.enabled) for s in specs], now)  # fmt: skip
        due = read_due_feeds(conn, now, [s.name for s in specs])
        fetched = fetch_feeds(due, now, timeout_s=options.timeout_s, cycle_start=cycle_start,
                              contact=options.contact)  # fmt: skip
        pages = (parse_page(result) for result in fetched)
        summary = save_pages(conn, db_path, "poll", now, pages, options, save, cycle_start)
    summary.legacy_runs = legacy_runs
    return summary


def collect_files(
    db_path: Path,
    paths: Sequence[Path],
    now: datetime,
    source: str | None = None,
    options: CycleOptions = CycleOptions(),
) -> CycleSummary:
    """Save recorded RSS/Atom files as one 'file' run, a page (and a transaction) per file,
    exactly as if fetched (feed = the file's stem)."""
    pages = (parse_file_page(p, p.read_bytes(), now, source) for p in paths)
    with open_cycle_warehouse(db_path, options, now) as (conn, legacy_runs):
        summary = save_pages(conn, db_path, "file", now, pages, options)
    summary.legacy_runs = legacy_runs
    return summary
