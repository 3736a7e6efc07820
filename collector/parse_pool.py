"""Parse fetched bodies and spool them, one part per feed, on both cores when a cycle is big.

feedparser is pure Python and holds the GIL, so threads cannot parse two pages at once; a
cycle whose bodies add up to more than PARALLEL_MIN_BYTES shares the rest of its bodies between
a pool of worker processes and its own process: a body goes to a worker when one has room
(at most IN_FLIGHT_PER_WORKER each, so memory stays bounded however large the cycle) and is
parsed in place otherwise. The pool is started only then: small cycles, the usual case,
never pay the ~0.7 s of CPU a spawned worker takes to import its modules.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import datetime
from pathlib import Path

from collector.fetch import FetchResult, compute_next_poll
from collector.sources import parse_source_bytes
from collector.spool import Batch, write_spool
from warehouse.feed_state import FetchOutcome

PARSE_WORKERS = 1  # besides the cycle's own process, which parses too: 2 cores, 2 parsers
PARALLEL_MIN_BYTES = 2 * 1024 * 1024  # ~10 real feed pages: below it, starting processes costs
# more (about 0.4 s of CPU each) than parsing inline
IN_FLIGHT_PER_WORKER = 2  # one being parsed, one queued: a worker never idles, memory bounded


def compute_batch(results: Sequence[FetchResult], started_at: datetime) -> Batch:
    """Parse fetched bodies into one batch with a FetchOutcome per feed (pure)."""
    batch = Batch(kind="poll", started_at=started_at)
    for r in results:
        outcome, error_class, error_message = r.outcome, r.error_class, r.error_message
        entries_seen = 0
        interval_s = r.feed.min_interval_s
        if r.outcome == "ok":
            parsed = parse_source_bytes(r.feed.kind, r.body, r.feed.name, r.feed.source, r.headers)
            # the feed's own <ttl>/sy:updatePeriod, when it asks for fewer polls than the list
            interval_s = max(interval_s, parsed.declared_interval_s or 0)
            entries_seen = len(parsed.entries)
            batch.entries.extend(parsed.entries)
            if parsed.fatal:
                outcome, error_class, error_message = "failed", "NotAFeed", parsed.problem
            elif parsed.problem:
                error_class, error_message = "Malformed XML", parsed.problem
            elif parsed.warning:  # nothing lost: shown in feed health, not a reject
                error_class, error_message = "ParsedWithWarning", parsed.warning
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
                    outcome, r.fetched_at, interval_s, failures, r.retry_after_s
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
    number of parts. Inline until the bodies seen exceed `parallel_min_bytes`; then each body
    goes to a pool of `workers` processes when one has room, and is parsed here when they are
    all busy, so this process parses too (workers = 0: all inline). A worker's error is raised
    here; parts written before it stay spooled for the next cycle. `on_part` gets each part's
    path once it is written, in part order (the store thread takes them from there)."""
    done = on_part or (lambda path: None)
    pool: ProcessPoolExecutor | None = None
    slots: deque[Future[Path] | Path] = deque()  # parts in order: in a worker, or written

    def hand_over(block: bool) -> None:
        """Pass the written parts at the head of `slots` on, in order."""
        while slots and (block or not isinstance(slots[0], Future) or slots[0].done()):
            head = slots.popleft()
            done(head.result() if isinstance(head, Future) else head)

    seen_bytes = parts = 0
    owner = os.getpid()
    try:
        for part, result in enumerate(results):
            parts = part + 1
            seen_bytes += len(result.body)
            task = (spool_dir, result, started_at, part, cycle, owner)
            in_workers = sum(isinstance(s, Future) and not s.done() for s in slots)
            if (
                workers < 1
                or seen_bytes <= parallel_min_bytes
                or not result.body
                or in_workers >= workers * IN_FLIGHT_PER_WORKER
            ):
                slots.append(spool_result(*task))
            else:
                if pool is None:
                    # spawn, not fork: the service calls this from a scheduler thread, and a
                    # forked child of a threaded process can inherit a held lock
                    spawn = multiprocessing.get_context("spawn")
                    pool = ProcessPoolExecutor(workers, mp_context=spawn)
                slots.append(pool.submit(spool_result, *task))
            hand_over(block=False)
        hand_over(block=True)
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
    return parts
