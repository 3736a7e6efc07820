"""Parse fetched bytes into EntryRecords: feedparser with the response headers; a malformed
(bozo) feed keeps whatever entries were salvaged and reports the problem instead of raising.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import feedparser

from collector.html_text import parse_html_text
from collector.upwork_footer import (
    parse_category,
    parse_plain_text,
    parse_posted_on,
    parse_title,
)
from warehouse.postings import EntryRecord

__all__ = ["ParsedFeed", "parse_feed_bytes", "parse_html_text", "parse_posted_on"]


@dataclass
class ParsedFeed:
    """Entries salvaged from one body, and the problem if the feed was malformed."""

    entries: list[EntryRecord] = field(default_factory=list)
    problem: str | None = None  # e.g. "SAXParseException: mismatched tag (line 12)"
    fatal: bool = False  # nothing usable at all (not a feed)


def _struct_time(value: Any) -> datetime | None:
    if not value:
        return None
    return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)


def _entry_record(entry: Any, feed_name: str, source: str) -> EntryRecord:
    summary_html = entry.get("summary")
    content = entry.get("content") or []
    content_html = content[0].get("value") if content else None
    # the same text rules as `jobtrends import` (collector/upwork_footer.py), so a posting
    # collected live and the same posting imported from an archive read alike
    description = parse_plain_text(summary_html or content_html)
    published = parse_posted_on(description) or _struct_time(dict.get(entry, "published_parsed"))
    tags = tuple(t.get("term") for t in entry.get("tags", []) if t.get("term"))
    return EntryRecord(
        feed_name=feed_name,
        source=source,
        guid=entry.get("id") or None,
        link=entry.get("link") or None,
        title=parse_title(entry.get("title")),
        description=description,
        summary_html=summary_html,
        content_html=content_html,
        published_at=published,
        updated_at=_struct_time(dict.get(entry, "updated_parsed")),
        tags=tags,
        platform_category=parse_category(description),
    )


def parse_feed_bytes(
    body: bytes, feed_name: str, source: str, headers: Mapping[str, str] | None = None
) -> ParsedFeed:
    """Parse one response body; `headers` (lower-case names) give feedparser the charset."""
    parsed = feedparser.parse(
        body, response_headers=dict(headers or {}), resolve_relative_uris=False, sanitize_html=False
    )
    result = ParsedFeed()
    for entry in parsed.entries:
        result.entries.append(_entry_record(entry, feed_name, source))
    if parsed.get("bozo"):
        exc = parsed.get("bozo_exception")
        result.problem = f"{type(exc).__name__}: {exc}"[:500]
    if not parsed.entries and not parsed.get("version"):
        result.fatal = True
        result.problem = result.problem or "not an RSS/Atom feed (no feed version, no entries)"
    return result
