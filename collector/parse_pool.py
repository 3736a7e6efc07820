"""Parse fetched bodies and spool them, one part per feed, on both cores when a cycle is big.

feedparser is pure Python and holds the GIL, so threads cannot parse two pages at once; a
cycle whose bodies add up to more than PARALLEL_MIN_BYTES hands the rest of its bodies to a
pool of worker processes that parse and write the spool parts. The pool is started only then
(small cycles, the usual case, never pay for it), and at most IN_FLIGHT_PER_WORKER bodies per
worker wait for it, so memory stays bounded however large the cycle.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import datetime
from pathlib import Path

from collector.entries import parse_feed_bytes
from collector.fetch import FetchResult, compute_next_poll
from collector.spool import Batch, write_spool
from warehouse.feed_state import FetchOutcome

PARSE_WORKERS = 2  # this machine has 2 cores; the main process mostly waits on sockets
PARALLEL_MIN_BYTES = 2 * 1024 * 1024  # ~10 real feed pages: below it, starting processes costs
# more (about 0.4 s of CPU each) than parsing inline
IN_FLIGHT_PER_WORKER = 2  # one being parsed, one queued: a worker never idles, memory bounded


def compute_batch(results: Sequence[FetchResult], started_at: datetime) -> Batch:
    """Parse fetched bodies into one batch with a FetchOutcome per feed (pure)."""
    batch = Batch(kind="poll", started_at=started_at)
    for r in results:
        outcome, error_class, error_message = r.outcome, r.error_class, r.error_message
        entries_seen = 0
        if r.outcome == "ok":
            parsed = parse_feed_bytes(r.body, r.feed.name, r.feed.source, r.headers)
            entries_seen = len(parsed.entries)
            batch.entries.extend(parsed.entries)
            if parsed.fatal:
                outcome, error_class, error_message = "failed", "NotAFeed", parsed.problem
            elif parsed.problem:
                error_class, error_message = "Malformed XML", parsed.problem
            if parsed.problem:
                batch.problems.append((r.feed.name, "parse", parsed.problem))
        failures = r.feed.consecutive_failures
        batch.outcomes.append(
            FetchOutcome(
                feed_name=r.feed.name,
                fetched_at=r.fetched_at,
                url=r.feed.url,
                outcome=outcome,
                http_status=r.status,
                bytes=len(r.body),
                duration_ms=round(r.duration_ms, 1),
                entries_seen=entries_seen,
                error_class=error_class,
                error_message=(error_message or "")[:1000] or None,
                etag=r.headers.get("etag"),
                last_modified=r.headers.get("last-modified"),
                next_poll_at=compute_next_poll(
                    outcome, r.fetched_at, r.feed.min_interval_s, failures, r.retry_after_s
                ),
            )
        )
    return batch


def spool_result(
    spool_dir: Path,
    result: FetchResult,
    started_at: datetime,
    part: int,
    cycle: str,
    owner_pid: int,
) -> Path:
    """Parse one fetched result and write it as spool part `part` of `cycle`, the cycle of
    process `owner_pid` (a pool task: the part belongs to the cycle, not to the worker)."""
    return write_spool(spool_dir, compute_batch([result], started_at), part, cycle, owner_pid)


def spool_results(
    results: Iterable[FetchResult],
    spool_dir: Path,
    started_at: datetime,
    cycle: str,
    *,
    workers: int = PARSE_WORKERS,
    parallel_min_bytes: int = PARALLEL_MIN_BYTES,
    on_part: Callable[[Path], object] | None = None,
) -> int:
    """Spool each result as part 0, 1, 2, ... of `cycle`, in order of `results`; returns the
    number of parts. Inline until the bodies seen exceed `parallel_min_bytes`, then in a pool
    of `workers` processes (workers <= 1: always inline). A worker's error is raised here;
    the parts written before it stay spooled for the next cycle. `on_part` gets each part's
    path once it is written, in part order (the store thread takes them from there)."""
    done = on_part or (lambda path: None)
    pool: ProcessPoolExecutor | None = None
    pending: deque[Future[Path]] = deque()
    seen_bytes = parts = 0
    owner = os.getpid()
    try:
        for part, result in enumerate(results):
            parts = part + 1
            seen_bytes += len(result.body)
            if workers <= 1 or seen_bytes <= parallel_min_bytes or not result.body:
                done(spool_result(spool_dir, result, started_at, part, cycle, owner))
                continue
            if pool is None:
                # spawn, not fork: the service calls this from a scheduler thread, and a
                # forked child of a threaded process can inherit a held lock
                pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
            pending.append(
                pool.submit(spool_result, spool_dir, result, started_at, part, cycle, owner)
            )
            while len(pending) >= workers * IN_FLIGHT_PER_WORKER:
                done(pending.popleft().result())
        while pending:
            done(pending.popleft().result())
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
    return parts
