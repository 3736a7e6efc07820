"""A bounded window of concurrent polls: at most `concurrency` feeds in flight at once."""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime

from collector.fetch import (
    MAX_BODY_BYTES,
    MAX_CONCURRENT_FETCHES,
    READ_TIMEOUT_S,
    FetchResult,
    fetch_feed,
    make_client,
)
from warehouse.feed_state import FeedRow


def fetch_feeds(
    feeds: Sequence[FeedRow],
    now: datetime,
    *,
    timeout_s: float = READ_TIMEOUT_S,
    max_bytes: int = MAX_BODY_BYTES,
    concurrency: int = MAX_CONCURRENT_FETCHES,
) -> Iterator[FetchResult]:
    """Poll `feeds`, yielding each result (in the order given) so the caller can parse and
    save one body at a time instead of holding them all."""
    if not feeds:
        return
    with make_client(timeout_s) as client, ThreadPoolExecutor(max_workers=concurrency) as pool:
        # A sliding window: while the caller parses one result, the next `concurrency` feeds
        # are in flight. At most concurrency + 1 bodies wait in memory.
        pending: deque[Future[FetchResult]] = deque()
        todo = iter(feeds)
        for feed in itertools.islice(todo, concurrency):
            pending.append(pool.submit(fetch_feed, client, feed, now, max_bytes))
        while pending:
            result = pending.popleft().result()
            for feed in itertools.islice(todo, 1):
                pending.append(pool.submit(fetch_feed, client, feed, now, max_bytes))
            yield result
