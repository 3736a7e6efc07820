"""The RSS/Atom adapter: fetched bytes -> EntryRecords through feedparser, handed an in-memory
stream (given bytes or a str, feedparser.parse may take them for a file name or URL and open
it). A malformed (bozo) feed keeps whatever entries were salvaged and reports the problem
instead of raising; a complaint that lost nothing (an undeclared namespace prefix, as in
Himalayas' feed) is a warning, not a problem.

Beyond title/link/body, a feed's own fields are kept: the fuller of <description> and
content:encoded, <category> as the site's labels, WWR's <type> as a "Job Type:" line, and the
feed's polling hint (<ttl>, sy:updatePeriod/sy:updateFrequency).
"""

from __future__ import annotations

import calendar
import io
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import feedparser

from collector.html_text import parse_html_text
from collector.parsed import (
    ParsedFeed,
    parse_text,
    parse_title_text,
    render_fields,
    render_site_labels,
)
from collector.upwork_footer import (
    parse_category,
    parse_plain_text,
    parse_posted_on,
    parse_title,
)
from warehouse.postings import EntryRecord

__all__ = ["ParsedFeed", "parse_feed_bytes", "parse_html_text", "parse_posted_on"]

# Parser complaints after which feedparser's loose parser still reads every entry, as it was
# written (a charset override is not one: the text may be mis-decoded).
WARNING_MARKERS = ("unbound prefix", "NonXMLContentType")
SY_PERIOD_SECONDS = {"hourly": 3600, "daily": 86400, "weekly": 7 * 86400,
                     "monthly": 30 * 86400, "yearly": 365 * 86400}  # fmt: skip
# hnrss titles every comment 'New comment by jdoe in "Ask HN: Who is hiring? (July 2026)"'
HN_COMMENT_TITLE_RE = re.compile(r'^New comment by \S+ in "', re.IGNORECASE)
TITLE_FROM_BODY_CHARS = 200  # a first line longer than this is a paragraph, not a title
# A feed's own job-type element: WWR <type>; Himalayas <himalayasJobs:employmentType>
# (feedparser keys it "himalayasjobs_employmenttype")
JOB_TYPE_KEYS = ("type", "job_type", "jobtype")
JOB_TYPE_SUFFIXES = (
    "_employmenttype",
    "_jobtype",
    "_job_type",
)  # a first line longer than this is a paragraph, not a title


def _struct_time(value: Any) -> datetime | None:
    if not value:
        return None
    return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)


def _fuller(summary_html: str | None, content_html: str | None) -> str | None:
    """The body with more text: Himalayas' <description> is one line, its content:encoded
    the whole posting with the salary; Upwork's are the same text."""
    if not content_html:
        return summary_html
    if not summary_html:
        return content_html
    return content_html if len(content_html) > len(summary_html) else summary_html


def _title(raw_title: str | None, description: str | None) -> str | None:
    """The entry's title; a comment feed's generic title is replaced by the comment's first
    line ('New comment by x in "Ask HN..."' -> "Acme | Go developer | Remote")."""
    title = parse_title_text(parse_title(raw_title))
    if title and HN_COMMENT_TITLE_RE.match(title) and description:
        first = description.splitlines()[0].strip()
        if 0 < len(first) <= TITLE_FROM_BODY_CHARS:
            return first
    return title


def _entry_record(entry: Any, feed_name: str, source: str, kind: str) -> EntryRecord:
    # dict.get, not FeedParserDict.get: these keys are stored under their own names (its
    # keymap renames none of them), and its get costs a fifth of mapping an entry
    get = dict.get
    summary_html = get(entry, "summary")
    content = get(entry, "content") or []
    content_html = get(content[0], "value") if content else None
    body = _fuller(summary_html, content_html)
    tags = tuple(term for t in get(entry, "tags", []) if (term := get(t, "term")))
    link = get(entry, "link") or ""
    if kind == "upwork-rss" or source == "upwork" or "upwork.com/" in link:
        # the same text rules as `jobtrends import` (collector/upwork_footer.py), so a posting
        # collected live and the same posting imported from an archive read alike
        description = parse_plain_text(body)
        label = parse_category(description)
    else:
        job_type = next((entry[k] for k in entry if k in JOB_TYPE_KEYS or
                         k.endswith(JOB_TYPE_SUFFIXES)), None)  # fmt: skip
        description = render_fields(
            parse_text(body),
            [("Job Type", job_type if isinstance(job_type, str) else None),
             ("Location", entry.get("region") if isinstance(entry.get("region"), str) else None)],
        )  # fmt: skip
        label = render_site_labels(tags)
    published = parse_posted_on(description) or _struct_time(get(entry, "published_parsed"))
    return EntryRecord(
        feed_name=feed_name,
        source=source,
        guid=get(entry, "id") or None,
        link=link or None,
        title=_title(get(entry, "title"), description),
        description=description,
        summary_html=summary_html,
        content_html=content_html,
        published_at=published,
        updated_at=_struct_time(get(entry, "updated_parsed")),
        tags=tags,
        platform_category=label,
    )


def parse_declared_interval(feed: Mapping[str, Any]) -> int | None:
    """The feed's own polling hint in seconds: <ttl>1440</ttl> -> 86400;
    sy:updatePeriod daily with sy:updateFrequency 2 -> 43200; none or garbage -> None."""
    ttl = str(feed.get("ttl") or "").strip()
    if ttl.isdigit() and int(ttl) > 0:
        return int(ttl) * 60
    period = SY_PERIOD_SECONDS.get(str(feed.get("sy_updateperiod") or "").strip().lower())
    if period is None:
        return None
    frequency = str(feed.get("sy_updatefrequency") or "1").strip()
    return period // max(int(frequency), 1) if frequency.isdigit() else period


def parse_feed_bytes(
    body: bytes, feed_name: str, source: str, headers: Mapping[str, str] | None = None,
    kind: str = "rss",
) -> ParsedFeed:  # fmt: skip
    """Parse one response body; `headers` (lower-case names) give feedparser the charset.
    The body is always read as data, never as a path or URL."""
    parsed = feedparser.parse(
        io.BytesIO(body), response_headers=dict(headers or {}), resolve_relative_uris=False,
        sanitize_html=False,
    )  # fmt: skip
    result = ParsedFeed()
    for entry in parsed.entries:
        result.entries.append(_entry_record(entry, feed_name, source, kind))
    result.declared_interval_s = parse_declared_interval(parsed.get("feed") or {})
    if parsed.get("bozo"):
        exc = parsed.get("bozo_exception")
        message = f"{type(exc).__name__}: {exc}"[:500]
        if parsed.entries and any(m in message for m in WARNING_MARKERS):
            result.warning = message
        else:
            result.problem = message
    if not parsed.entries and not parsed.get("version"):
        result.fatal = True
        result.problem = result.problem or "not an RSS/Atom feed (no feed version, no entries)"
    return result
