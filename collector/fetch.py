"""Polite HTTP polling: bounded concurrency, timeouts, conditional GET, a body-size cap,
Retry-After, per-feed exponential backoff with jitter, and 404/410 as 'gone'.

`fetch_feeds` is the only network code; `compute_next_poll` is the pure schedule.
"""

from __future__ import annotations

import email.utils
import itertools
import random
import time
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import httpx

from collector.sources import fetch_feed_url
from warehouse.feed_state import FeedRow

USER_AGENT = "jobtrends/0.1 (job-trend research collector; polls each feed at its documented limit)"
MAX_BODY_BYTES = 10 * 1024 * 1024  # 10 MiB: the largest real job feed is well under 2 MiB
MAX_CONCURRENT_FETCHES = 4  # few feeds per site; be gentle
CONNECT_TIMEOUT_S = 10.0
READ_TIMEOUT_S = 20.0
TOTAL_TIMEOUT_FACTOR = 3  # a body trickling in slower than 3 read timeouts in all is a timeout
BACKOFF_BASE_S = 300.0  # first retry after a transient failure: 5 minutes ...
BACKOFF_MAX_S = 24 * 3600.0  # ... doubling up to a day
RETRY_AFTER_MAX_S = 7 * 24 * 3600.0  # ignore absurd Retry-After values beyond a week
GONE_STATUSES = (404, 410)
RETRY_AFTER_STATUSES = (429, 503)


class FetchError(Exception):
    """A poll that produced no usable body."""

    error_class = "FetchError"


class RetryableFetchError(FetchError):
    """Timeouts, connection errors, 429, 5xx, oversized bodies: try again later."""


class TerminalFetchError(FetchError):
    """404/410 (the feed is gone) and other 4xx: do not poll again until the list changes."""


@dataclass
class FetchResult:
    """One poll: `outcome` is ok | not_modified | retry | failed | gone."""

    feed: FeedRow
    fetched_at: datetime
    outcome: str
    status: int | None = None
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    duration_ms: float = 0.0
    error_class: str | None = None
    error_message: str | None = None
    retry_after_s: float | None = None


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a Retry-After header: "120" -> 120.0;
    "Wed, 21 Oct 2026 07:28:00 GMT" -> seconds until then (>= 0); garbage -> None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), RETRY_AFTER_MAX_S)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return min(max((when - now).total_seconds(), 0.0), RETRY_AFTER_MAX_S)


def compute_next_poll(
    outcome: str,
    now: datetime,
    min_interval_s: int,
    consecutive_failures: int,
    retry_after_s: float | None = None,
    rng: random.Random | None = None,
) -> datetime | None:
    """When to poll next. `consecutive_failures` counts failures before this one.

    ok/not_modified: after the feed's own limit. gone: never (None). retry/failed: honour
    Retry-After when given, else exponential backoff with +-20 % jitter, never sooner
    than the feed's limit.
    """
    if outcome == "gone":
        return None
    if outcome in ("ok", "not_modified"):
        return now + timedelta(seconds=min_interval_s)
    if retry_after_s is not None:
        wait = max(retry_after_s, 1.0)
    else:
        backoff = min(BACKOFF_BASE_S * 2 ** min(consecutive_failures, 20), BACKOFF_MAX_S)
        jitter = (rng or random.Random()).uniform(0.8, 1.2)
        wait = max(backoff * jitter, float(min_interval_s))
    return now + timedelta(seconds=wait)


def read_timeout_s(client: httpx.Client) -> float:
    """The client's read timeout in seconds (READ_TIMEOUT_S when unset)."""
    return client.timeout.read or READ_TIMEOUT_S


def _conditional_headers(feed: FeedRow) -> dict[str, str]:
    headers = {
        "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5"
    }
    if feed.etag:
        headers["If-None-Match"] = feed.etag
    if feed.last_modified:
        headers["If-Modified-Since"] = feed.last_modified
    return headers


def fetch_feed(
    client: httpx.Client, feed: FeedRow, now: datetime, max_bytes: int = MAX_BODY_BYTES
) -> FetchResult:
    """Poll one feed; never raises for network or HTTP trouble (it is in the result)."""
    start = time.monotonic()
    result = FetchResult(feed=feed, fetched_at=now, outcome="failed")
    try:
        url = fetch_feed_url(client, feed.kind, feed.url)  # the same URL but for hn-algolia
        if url is None:
            raise RetryableFetchError("no current URL (no thread with that title yet)")
        with client.stream("GET", url, headers=_conditional_headers(feed)) as response:
            result.status = response.status_code
            result.headers = {k.lower(): v for k, v in response.headers.items()}
            if response.status_code == 304:
                result.outcome = "not_modified"
            elif response.status_code in GONE_STATUSES:
                raise TerminalFetchError(f"HTTP {response.status_code}: the feed is gone")
            elif response.status_code in RETRY_AFTER_STATUSES or response.status_code >= 500:
                result.retry_after_s = parse_retry_after(response.headers.get("retry-after"), now)
                raise RetryableFetchError(f"HTTP {response.status_code}")
            elif response.status_code >= 400:
                raise TerminalFetchError(f"HTTP {response.status_code}")
            else:
                declared = response.headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > max_bytes:
                    raise RetryableFetchError(f"body of {declared} bytes exceeds {max_bytes}")
                chunks: list[bytes] = []
                size = 0
                deadline = start + TOTAL_TIMEOUT_FACTOR * read_timeout_s(client)
                for chunk in response.iter_bytes():
                    if time.monotonic() > deadline:
                        raise httpx.ReadTimeout(
                            f"body still arriving after {deadline - start:.0f}s"
                        )
                    size += len(chunk)
                    if size > max_bytes:
                        raise RetryableFetchError(f"body exceeds {max_bytes} bytes")
                    chunks.append(chunk)
                result.body = b"".join(chunks)
                result.outcome = "ok"
    except TerminalFetchError as exc:
        gone = result.status in GONE_STATUSES
        result.outcome = "gone" if gone else "failed"
        result.error_class = f"HTTP {result.status}"
        result.error_message = str(exc)
    except RetryableFetchError as exc:
        result.outcome = "retry"
        result.error_class = f"HTTP {result.status}" if result.status else "Unavailable"
        if "exceeds" in str(exc):
            result.error_class = "TooLarge"
        result.error_message = str(exc)
    except httpx.TimeoutException as exc:
        result.outcome = "retry"
        result.error_class = "Timeout"
        result.error_message = f"{type(exc).__name__}: {exc}"
    except httpx.HTTPError as exc:
        result.outcome = "retry"
        result.error_class = type(exc).__name__
        result.error_message = str(exc)
    result.duration_ms = (time.monotonic() - start) * 1000.0
    return result


def render_user_agent(contact: str = "") -> str:
    """USER_AGENT, with "; contact: <contact>" inside its comment when a contact is given."""
    contact = " ".join(contact.split())
    return USER_AGENT[:-1] + f"; contact: {contact})" if contact else USER_AGENT


def make_client(timeout_s: float = READ_TIMEOUT_S, contact: str = "") -> httpx.Client:
    """An httpx client with our User-Agent, redirects, gzip (httpx default) and timeouts."""
    return httpx.Client(
        headers={"User-Agent": render_user_agent(contact)},
        follow_redirects=True,
        max_redirects=5,
        timeout=httpx.Timeout(timeout_s, connect=min(CONNECT_TIMEOUT_S, timeout_s)),
        limits=httpx.Limits(max_connections=MAX_CONCURRENT_FETCHES),
    )


def fetch_feeds_iter(
    feeds: Sequence[FeedRow],
    now: datetime,
    *,
    timeout_s: float = READ_TIMEOUT_S,
    max_bytes: int = MAX_BODY_BYTES,
    concurrency: int = MAX_CONCURRENT_FETCHES,
    contact: str = "",
) -> Iterator[FetchResult]:
    """Like fetch_feeds, but yields each result (in the order given) so the caller can parse
    and spool one body at a time instead of holding them all."""
    if not feeds:
        return
    with (
        make_client(timeout_s, contact) as client,
        ThreadPoolExecutor(max_workers=concurrency) as pool,
    ):
        # A sliding window: while the caller parses one result, the next `concurrency` feeds
        # are in flight (a fixed window of 4 left the pool idle while the caller parsed the
        # window's last bodies). At most concurrency + 1 bodies wait in memory.
        pending: deque[Future[FetchResult]] = deque()
        todo = iter(feeds)
        for feed in itertools.islice(todo, concurrency):
            pending.append(pool.submit(fetch_feed, client, feed, now, max_bytes))
        while pending:
            result = pending.popleft().result()
            for feed in itertools.islice(todo, 1):
                pending.append(pool.submit(fetch_feed, client, feed, now, max_bytes))
            yield result


def fetch_feeds(
    feeds: Sequence[FeedRow],
    now: datetime,
    *,
    timeout_s: float = READ_TIMEOUT_S,
    max_bytes: int = MAX_BODY_BYTES,
    concurrency: int = MAX_CONCURRENT_FETCHES,
) -> list[FetchResult]:
    """Poll `feeds` with at most `concurrency` in flight; results in the order given."""
    if not feeds:
        return []
    with make_client(timeout_s) as client, ThreadPoolExecutor(max_workers=concurrency) as pool:
        return list(pool.map(lambda f: fetch_feed(client, f, now, max_bytes), feeds))
