"""A bounded window of concurrent polls, handed over in the order they complete, each under
a total deadline: a slow feed (a body dripping in, a server that never finishes its headers)
never delays another. At most `concurrency` polls are in flight at once.
"""

from __future__ import annotations

import itertools
import queue
import threading
import time
from collections import deque
from collections.abc import Iterator, Sequence
from datetime import datetime

import httpx

from collector.fetch import (
    MAX_BODY_BYTES,
    MAX_CONCURRENT_FETCHES,
    READ_TIMEOUT_S,
    FetchResult,
    arrival_time,
    fetch_feed,
    make_client,
    total_deadline_s,
)
from warehouse.feed_state import FeedRow

# A poll still unanswered this long after its own deadline (a header that drips in byte by
# byte never trips the per-read timeout) is reported as a timeout and left to finish alone.
DEADLINE_GRACE_S = 1.0


def _poll_in_thread(
    client: httpx.Client, feed: FeedRow, now: datetime, max_bytes: int, cycle_start: float,
    poll_id: int, done: queue.SimpleQueue[tuple[int, FetchResult]],
) -> None:  # fmt: skip
    try:
        result = fetch_feed(client, feed, now, max_bytes, cycle_start)
    except Exception as exc:  # noqa: BLE001 (e.g. the client closed under an abandoned poll)
        result = FetchResult(feed, arrival_time(now, cycle_start), "retry",
                             error_class=type(exc).__name__, error_message=str(exc))  # fmt: skip
    done.put((poll_id, result))


def _overdue(feed: FeedRow, now: datetime, cycle_start: float, started: float,
             deadline_s: float) -> FetchResult:  # fmt: skip
    return FetchResult(
        feed, arrival_time(now, cycle_start), "retry",
        duration_ms=(time.monotonic() - started) * 1000.0, error_class="Timeout",
        error_message=f"no complete response within {deadline_s:.1f}s",
    )  # fmt: skip


def fetch_feeds(
    feeds: Sequence[FeedRow],
    now: datetime,
    *,
    timeout_s: float = READ_TIMEOUT_S,
    max_bytes: int = MAX_BODY_BYTES,
    concurrency: int = MAX_CONCURRENT_FETCHES,
    cycle_start: float | None = None,
    contact: str = "",
) -> Iterator[FetchResult]:
    """Poll `feeds`, yielding each result as it completes, so the caller parses and saves one
    body at a time while the next polls are in flight (at most `concurrency + 1` bodies in
    memory). `now` is the cycle's time at monotonic `cycle_start` (default: this call);
    `contact` goes into the User-Agent."""
    if not feeds:
        return
    cycle_start = time.monotonic() if cycle_start is None else cycle_start
    done: queue.SimpleQueue[tuple[int, FetchResult]] = queue.SimpleQueue()
    todo = deque(feeds)
    in_flight: dict[int, tuple[FeedRow, float]] = {}  # poll id -> (feed, monotonic start)
    ids = itertools.count()
    with make_client(timeout_s, contact) as client:
        deadline_s = total_deadline_s(client) + DEADLINE_GRACE_S
        while todo or in_flight:
            while todo and len(in_flight) < concurrency:
                poll_id, feed = next(ids), todo.popleft()
                in_flight[poll_id] = (feed, time.monotonic())
                threading.Thread(
                    target=_poll_in_thread, name=f"fetch-{feed.name}", daemon=True,
                    args=(client, feed, now, max_bytes, cycle_start, poll_id, done),
                ).start()  # fmt: skip
            oldest = min(in_flight, key=lambda i: in_flight[i][1])
            wait = in_flight[oldest][1] + deadline_s - time.monotonic()
            try:
                poll_id, result = done.get(timeout=max(wait, 0.0))
            except queue.Empty:
                feed, started = in_flight[oldest]
                poll_id, result = oldest, _overdue(feed, now, cycle_start, started, deadline_s)
            if in_flight.pop(poll_id, None) is not None:  # else: abandoned, its answer too late
                yield result
