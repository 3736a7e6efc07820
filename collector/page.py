"""The parse step: one fetched response (or one recorded file) -> a FeedPage, the unit the
save step commits in one transaction: its entries, its fetch_log row, and its problems.

Parsers are chosen by the feed's kind (feeds.toml `kind`): collector/sources/ holds them,
one per kind, (body, feed name, source, response headers) -> ParsedFeed.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from collector.entries import parse_feed_bytes
from collector.fetch import FetchResult
from collector.schedule import compute_next_poll
from collector.sources import parse_source_bytes
from warehouse.feed_state import FetchOutcome
from warehouse.postings import EntryRecord

ERROR_MESSAGE_MAX_CHARS = 1000


@dataclass(frozen=True)
class Problem:
    """Something a page could not use, kept as a reject: "upwork", "parse", "SAXParse..."."""

    origin: str  # the feed name or file path
    stage: str  # rejects.stage: 'parse'
    reason: str


@dataclass
class FeedPage:
    """One feed's response (or one recorded file), parsed: what one transaction saves."""

    outcome: FetchOutcome
    entries: list[EntryRecord] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    polled: bool = True  # False: a recorded file, which is no feed of the list


def parse_page(result: FetchResult) -> FeedPage:
    """A fetched result as a page: entries (when a body came), the fetch outcome with the
    next poll time, and a parse problem as a reject (pure)."""
    outcome, error_class, error_message = result.outcome, result.error_class, result.error_message
    feed = result.feed
    entries: list[EntryRecord] = []
    problems: list[Problem] = []
    interval_s = feed.min_interval_s
    if result.outcome == "ok":
        parsed = parse_source_bytes(feed.kind, result.body, feed.name, feed.source,
                                    result.headers)  # fmt: skip
        # the feed's own <ttl>/sy:updatePeriod, when it asks for fewer polls than the list
        interval_s = max(interval_s, parsed.declared_interval_s or 0)
        entries = parsed.entries
        if parsed.fatal:
            outcome, error_class, error_message = "failed", "NotAFeed", parsed.problem
        elif parsed.problem:
            error_class, error_message = "Malformed XML", parsed.problem
        elif parsed.warning:  # nothing lost: shown in feed health, not a reject
            error_class, error_message = "ParsedWithWarning", parsed.warning
        if parsed.problem:
            problems.append(Problem(feed.name, "parse", parsed.problem))
    record = FetchOutcome(
        feed_name=feed.name,
        fetched_at=result.fetched_at,
        url=feed.url,
        outcome=outcome,
        http_status=result.status,
        bytes=len(result.body),
        duration_ms=round(result.duration_ms, 1),
        entries_seen=len(entries),
        error_class=error_class,
        error_message=(error_message or "")[:ERROR_MESSAGE_MAX_CHARS] or None,
        etag=result.headers.get("etag"),
        last_modified=result.headers.get("last-modified"),
        moved_to=result.moved_to,
        next_poll_at=compute_next_poll(
            outcome, result.fetched_at, interval_s, feed.consecutive_failures,
            result.retry_after_s,
        ),
    )  # fmt: skip
    return FeedPage(record, entries, problems)


def parse_file_source(links: list[str | None]) -> str:
    """The site a recorded file came from, by its entries' link host:
    "https://www.upwork.com/jobs/..." -> "upwork"; no links -> "file"."""
    for link in links:
        host = urlsplit(link or "").hostname or ""
        parts = host.removeprefix("www.").split(".")
        if len(parts) >= 2:
            return parts[-2]
    return "file"


def parse_file_page(path: Path, body: bytes, now: datetime, source: str | None = None) -> FeedPage:
    """A recorded RSS/Atom file as a page, exactly as if fetched (feed = the file's stem;
    source = `source`, else guessed from the entries' links)."""
    parsed = parse_feed_bytes(body, path.stem, source or "file")
    if not source:
        guessed = parse_file_source([e.link for e in parsed.entries[:5]])
        parsed.entries = [dataclasses.replace(e, source=guessed) for e in parsed.entries]
    record = FetchOutcome(
        feed_name=path.stem, fetched_at=now, url=path.resolve().as_uri(),
        outcome="failed" if parsed.fatal else "ok", bytes=len(body),
        entries_seen=len(parsed.entries),
    )  # fmt: skip
    problems = [Problem(str(path), "parse", parsed.problem)] if parsed.problem else []
    return FeedPage(record, parsed.entries, problems, polled=False)
