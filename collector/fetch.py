"""Polite HTTP polling of one feed: timeouts, conditional GET, a body-size cap, Retry-After,
and 404/410 as 'gone'. Every failure is a FetchError whose type decides the outcome:
retryable (timeouts, connection errors, 429, 5xx, oversized bodies) or terminal (other 4xx,
and GoneFeed for 404/410). `fetch_feed` never raises for network or HTTP trouble.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import ClassVar

import httpx

from collector.schedule import parse_retry_after
from collector.sources import fetch_feed_url
from warehouse.feed_state import FeedRow, Outcome

USER_AGENT = "jobtrends/0.1 (job-trend research collector; polls each feed at its documented limit)"
MAX_BODY_BYTES = 10 * 1024 * 1024  # 10 MiB: the largest real job feed is well under 2 MiB
MAX_CONCURRENT_FETCHES = 4  # few feeds per site; be gentle
CONNECT_TIMEOUT_S = 10.0
READ_TIMEOUT_S = 20.0
TOTAL_TIMEOUT_FACTOR = 2  # a poll still arriving after 2 read timeouts in all (40 s) is a timeout:
# a 2 MB feed needs 50 KB/s; a drip of a byte a second must not hold a cycle for a minute
GONE_STATUSES = (404, 410)
PERMANENT_REDIRECTS = (301, 308)
RETRY_AFTER_STATUSES = (429, 503)


class FetchError(Exception):
    """A poll that produced no usable body; `outcome` says what the schedule does with it and
    `error_class` is the short cause kept in fetch_log ("HTTP 503", "Timeout", "TooLarge")."""

    outcome: ClassVar[Outcome] = "failed"

    def __init__(self, error_class: str, message: str, retry_after_s: float | None = None) -> None:
        super().__init__(message)
        self.error_class = error_class
        self.retry_after_s = retry_after_s  # from a Retry-After header, when one came


class RetryableFetchError(FetchError):
    """Timeouts, connection errors, 429, 5xx, oversized bodies: try again after a backoff."""

    outcome: ClassVar[Outcome] = "retry"


class TerminalFetchError(FetchError):
    """A 4xx other than 404/410: the request itself is wrong; backed off like a failure."""

    outcome: ClassVar[Outcome] = "failed"


class GoneFeed(TerminalFetchError):
    """404/410: the feed is gone; never polled again until its URL changes in the list."""

    outcome: ClassVar[Outcome] = "gone"


@dataclass
class FetchResult:
    """One poll of one feed, as it arrived."""

    feed: FeedRow
    fetched_at: datetime
    outcome: Outcome
    status: int | None = None
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    duration_ms: float = 0.0
    error_class: str | None = None
    error_message: str | None = None
    retry_after_s: float | None = None
    moved_to: str | None = None  # where permanent redirects (301/308) led, if any


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


def arrival_time(cycle_now: datetime, cycle_start: float) -> datetime:
    """The wall-clock time now, from the cycle's `cycle_now` (taken at monotonic time
    `cycle_start`) and the monotonic time since: the one clock stays the composition root's."""
    return cycle_now + timedelta(seconds=time.monotonic() - cycle_start)


def total_deadline_s(client: httpx.Client) -> float:
    """Seconds one poll may take in all (TOTAL_TIMEOUT_FACTOR read timeouts)."""
    return TOTAL_TIMEOUT_FACTOR * read_timeout_s(client)


def _permanent_url(response: httpx.Response) -> str | None:
    """Where a chain of permanent redirects (301/308) from the feed's URL ended, else None:
    the list's URL stays, and the poll goes there directly next time."""
    if not response.history:
        return None
    urls = [r.url for r in response.history[1:]] + [response.url]
    moved: str | None = None
    for hop, next_url in zip(response.history, urls, strict=True):
        if hop.status_code not in PERMANENT_REDIRECTS:
            break
        moved = str(next_url)
    return moved


def _check_status(response: httpx.Response, now: datetime) -> None:
    """Raise the FetchError that a 4xx/5xx status means (with its Retry-After, if any)."""
    status = response.status_code
    if status in GONE_STATUSES:
        raise GoneFeed(f"HTTP {status}", f"HTTP {status}: the feed is gone")
    if status in RETRY_AFTER_STATUSES or status >= 500:
        wait = parse_retry_after(response.headers.get("retry-after"), now)
        raise RetryableFetchError(f"HTTP {status}", f"HTTP {status}", wait)
    if status >= 400:
        raise TerminalFetchError(f"HTTP {status}", f"HTTP {status}")


def _read_body(response: httpx.Response, max_bytes: int, deadline: float, start: float) -> bytes:
    """The body, streamed under the size cap and the total deadline (time.monotonic())."""
    declared = response.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise RetryableFetchError("TooLarge", f"body of {declared} bytes exceeds {max_bytes}")
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        if time.monotonic() > deadline:
            raise httpx.ReadTimeout(f"body still arriving after {deadline - start:.0f}s")
        size += len(chunk)
        if size > max_bytes:
            raise RetryableFetchError("TooLarge", f"body exceeds {max_bytes} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def fetch_feed(
    client: httpx.Client,
    feed: FeedRow,
    now: datetime,
    max_bytes: int = MAX_BODY_BYTES,
    cycle_start: float | None = None,
) -> FetchResult:
    """Poll one feed; never raises for network or HTTP trouble (it is in the result).

    `now` is the cycle's time at monotonic `cycle_start` (default: this call's start): the
    result's fetched_at, from which Retry-After and the next poll are counted, is when the
    response arrived, not when the cycle began."""
    start = time.monotonic()
    cycle_start = start if cycle_start is None else cycle_start
    result = FetchResult(feed=feed, fetched_at=now, outcome="failed")
    try:
        try:
            url = fetch_feed_url(client, feed.kind, feed.url)  # the same URL but for hn-algolia
            if url is None:
                raise RetryableFetchError(
                    "Unavailable", "no current URL (no thread with that title yet)"
                )
            with client.stream("GET", url, headers=_conditional_headers(feed)) as response:
                arrived = arrival_time(now, cycle_start)
                result.status = response.status_code
                result.headers = {k.lower(): v for k, v in response.headers.items()}
                result.moved_to = _permanent_url(response)
                if response.status_code == 304:
                    result.outcome = "not_modified"
                else:
                    _check_status(response, arrived)
                    deadline = start + total_deadline_s(client)
                    result.body = _read_body(response, max_bytes, deadline, start)
                    result.outcome = "ok"
        except httpx.TimeoutException as exc:
            raise RetryableFetchError("Timeout", f"{type(exc).__name__}: {exc}") from exc
        except httpx.HTTPError as exc:
            raise RetryableFetchError(type(exc).__name__, str(exc)) from exc
    except FetchError as exc:
        result.outcome = exc.outcome
        result.error_class = exc.error_class
        result.error_message = str(exc)
        result.retry_after_s = exc.retry_after_s
    result.fetched_at = arrival_time(now, cycle_start)
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
