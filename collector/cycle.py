"""One collection cycle: plan (which feeds are due), fetch, parse, spool (one part per feed),
and, in a thread beside them, store each part as it is spooled (collector/store.py: one run,
a transaction per part, resumable after a crash), then publish the analysts' snapshot.

Leftover spool files (a killed cycle, a lock that outlasted the wait) are stored first.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from collector.entries import parse_feed_bytes
from collector.feeds import FeedSpec
from collector.fetch import READ_TIMEOUT_S, fetch_feeds_iter
from collector.parse_pool import PARSE_WORKERS, spool_results
from collector.spool import Batch, new_cycle_token, render_group_name, write_spool
from collector.store import CycleSummary, StoreThread, store_spool
from warehouse.db import LOCK_WAIT_SECONDS, open_warehouse, transaction
from warehouse.feed_state import FetchOutcome, read_due_feeds, save_feed_specs

__all__ = ["CycleSummary", "compute_file_batch", "run_cycle", "store_spool", "write_file_spool"]


def run_cycle(
    db_path: Path,
    spool_dir: Path,
    specs: Sequence[FeedSpec],
    now: datetime,
    *,
    timeout_s: float = READ_TIMEOUT_S,
    snapshot: bool = True,
    wait_seconds: float = LOCK_WAIT_SECONDS,
    memory_limit: str | None = None,
    retry_memory_limit: str | None = None,
    parse_workers: int = PARSE_WORKERS,
    contact: str = "",
) -> CycleSummary:
    """Plan, fetch, spool (one part per feed, as each body arrives) and store one cycle.
    `memory_limit` caps DuckDB's memory on the cycle's connections (None: DuckDB's default;
    a part that needs more is stored again under `retry_memory_limit`);
    a big cycle parses in `parse_workers` processes (collector/parse_pool.py); `contact` goes
    into the User-Agent."""
    with open_warehouse(db_path, wait_seconds=wait_seconds, memory_limit=memory_limit) as conn:
        with transaction(conn):
            save_feed_specs(
                conn,
                [(s.name, s.url, s.kind, s.source, s.min_interval_s, s.enabled) for s in specs],
                now,
            )
        due = read_due_feeds(conn, now, [s.name for s in specs])
    start = time.monotonic()
    cycle = new_cycle_token()
    # the store runs beside the fetching and parsing, taking each part as it is spooled
    store = StoreThread(
        db_path, spool_dir, render_group_name(now, "poll", cycle), now, snapshot=snapshot,
        wait_seconds=wait_seconds, memory_limit=memory_limit,
        retry_memory_limit=retry_memory_limit,
    )  # fmt: skip
    store.start()
    try:
        spool_results(
            fetch_feeds_iter(due, now, timeout_s=timeout_s, contact=contact), spool_dir, now,
            cycle,
            workers=parse_workers, on_part=store.put,
        )  # fmt: skip
    finally:
        store.put(None)
        fetch_seconds = time.monotonic() - start
        summary = store.join_summary()
    summary.fetch_seconds = fetch_seconds
    return summary


def write_file_spool(spool_dir: Path, paths: Sequence[Path], now: datetime,
                     source: str | None = None) -> None:  # fmt: skip
    """Spool recorded files as one 'file' cycle, one part per file."""
    cycle = new_cycle_token()
    for part, path in enumerate(paths):
        write_spool(spool_dir, compute_file_batch([path], now, source), part, cycle)


def compute_file_source(links: Sequence[str | None]) -> str:
    """The site a recorded file came from, by its entries' link host:
    "https://www.upwork.com/jobs/..." -> "upwork"; no links -> "file"."""
    for link in links:
        host = urlsplit(link or "").hostname or ""
        parts = host.removeprefix("www.").split(".")
        if len(parts) >= 2:
            return parts[-2]
    return "file"


def compute_file_batch(paths: Sequence[Path], now: datetime, source: str | None = None) -> Batch:
    """Recorded RSS/Atom files as one batch, stored exactly as if fetched (feed = file stem)."""
    batch = Batch(kind="file", started_at=now)
    for path in paths:
        body = path.read_bytes()
        first = parse_feed_bytes(body, path.stem, source or "file")
        file_source = source or compute_file_source([e.link for e in first.entries[:5]])
        parsed = parse_feed_bytes(body, path.stem, file_source) if not source else first
        batch.entries.extend(parsed.entries)
        if parsed.problem:
            batch.problems.append((str(path), "parse", parsed.problem))
        batch.outcomes.append(
            FetchOutcome(
                feed_name=path.stem, fetched_at=now, url=path.resolve().as_uri(),
                outcome="failed" if parsed.fatal else "ok", bytes=len(body),
                entries_seen=len(parsed.entries),
            )
        )  # fmt: skip
    return batch
