"""Parse fetched bytes into EntryRecords: feedparser with the response headers; a malformed
(bozo) feed keeps whatever entries were salvaged and reports the problem instead of raising.
"""

from __future__ import annotations

import calendar
import html as html_lib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import feedparser

from warehouse.postings import EntryRecord

# "<b>Posted On</b>: May 16, 2024 09:28 UTC" (as text: "Posted On: May 16, 2024 09:28 UTC")
POSTED_ON_RE = re.compile(r"^Posted On:\s*([A-Z][a-z]+ \d{1,2}, \d{4} \d{1,2}:\d{2}) UTC\s*$", re.M)
# "Category: Data Visualization" -> "Data Visualization"
CATEGORY_RE = re.compile(r"^Category:\s*(.+?)\s*$", re.M)
BLOCK_TAGS = {"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "ul", "ol", "table"}


@dataclass
class ParsedFeed:
    """Entries salvaged from one body, and the problem if the feed was malformed."""

    entries: list[EntryRecord] = field(default_factory=list)
    problem: str | None = None  # e.g. "SAXParseException: mismatched tag (line 12)"
    fatal: bool = False  # nothing usable at all (not a feed)


# "<script>x()</script>" / "<style>p{}</style>" -> "" (their content is not text)
SCRIPT_RE = re.compile(r"<(script|style)\b.*?</\1\s*>", re.S | re.I)
# "<br />", "</p>", "<li class=x>" -> a line break
BLOCK_TAG_RE = re.compile(r"</?(?:" + "|".join(sorted(BLOCK_TAGS)) + r")\b[^>]*>", re.I)
# "<b>", "<a href=\"x\">", "<!-- c -->" -> ""
ANY_TAG_RE = re.compile(r"<!--.*?-->|<[^>]*>", re.S)
# "  a \t b " -> " a b "
SPACES_RE = re.compile(r"[ \t\r\f\v\xa0]+")


def parse_html_text(html: str | None) -> str | None:
    """Plain text from HTML, line breaks kept: "<b>Budget</b>: $1,500<br />" -> "Budget: $1,500".

    Regexes rather than an HTML parser: 4x faster on feed snippets, and the text only feeds
    searches and the footer parsers (the HTML itself is kept verbatim).
    """
    if html is None:
        return None
    text = SCRIPT_RE.sub("", html)
    text = BLOCK_TAG_RE.sub("\n", text)
    text = html_lib.unescape(ANY_TAG_RE.sub("", text))
    lines = (SPACES_RE.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line) or None


def parse_posted_on(text: str | None) -> datetime | None:
    """The Upwork footer's date: "Posted On: May 16, 2024 09:28 UTC" -> 2024-05-16 09:28 UTC."""
    match = POSTED_ON_RE.search(text or "")
    if not match:
        return None
    return datetime.strptime(match.group(1), "%B %d, %Y %H:%M").replace(tzinfo=UTC)


def _struct_time(value: Any) -> datetime | None:
    if not value:
        return None
    return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)


def _entry_record(entry: Any, feed_name: str, source: str) -> EntryRecord:
    summary_html = entry.get("summary")
    content = entry.get("content") or []
    content_html = content[0].get("value") if content else None
    description = parse_html_text(summary_html or content_html)
    category = CATEGORY_RE.search(description or "")
    published = parse_posted_on(description) or _struct_time(dict.get(entry, "published_parsed"))
    tags = tuple(t.get("term") for t in entry.get("tags", []) if t.get("term"))
    return EntryRecord(
        feed_name=feed_name,
        source=source,
        guid=entry.get("id") or None,
        link=entry.get("link") or None,
        title=entry.get("title"),
        description=description,
        summary_html=summary_html,
        content_html=content_html,
        published_at=published,
        updated_at=_struct_time(dict.get(entry, "updated_parsed")),
        tags=tags,
        platform_category=category.group(1) if category else None,
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
