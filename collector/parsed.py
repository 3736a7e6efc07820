"""What every source adapter returns (bytes -> ParsedFeed), and the pieces adapters share:
HTML bodies to plain text, the site's own fields written as `Label: value` lines, epoch and
ISO times to aware UTC.

The plain-text description of a posting is the body's text followed by one line per field
the site states separately, in the form the enrichment reads:
"Job Type: Contract", "Salary: 60000 - 80000 USD per year", "Budget: 25 USD per hour",
"Location: Anywhere". The site's own category labels go to `platform_category`, joined by
SITE_LABEL_SEPARATOR, most specific first.
"""

from __future__ import annotations

import ast
import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from collector.html_text import parse_html_text
from warehouse.postings import EntryRecord

SITE_LABEL_SEPARATOR = " | "  # "Sales | Account-Manager": never inside a site's label
TAG_RE = re.compile(r"<[^>]*>")  # "<b>Dev</b>" -> "Dev" (titles are text; markup is noise)
# Lines sites append to every body, which say nothing about the job (RemoteOK asks readers to
# "mention the word TIGER" to prove they read the ad; Himalayas/Jobicy link back).
BOILERPLATE_RE = re.compile(
    r"^(?:please mention the word\b.*|.*\bwhen applying to show you read the job post\b.*"
    r"|the post .* appeared first on .*|see more jobs at .*|apply now\W*)$",
    re.IGNORECASE,
)


@dataclass
class ParsedFeed:
    """Entries salvaged from one body, and the problem if something in it was lost.

    `problem`: something may have been lost (a reject). `warning`: the body parsed with a
    complaint but nothing was lost (shown in feed health, not a reject). `declared_interval_s`:
    the feed's own polling hint (RSS <ttl>, sy:updatePeriod), honoured when longer than the
    feed list's minimum.
    """

    entries: list[EntryRecord] = field(default_factory=list)
    problem: str | None = None  # e.g. "SAXParseException: mismatched tag (line 12)"
    fatal: bool = False  # nothing usable at all (not a feed)
    warning: str | None = None  # e.g. "SAXParseException: unbound prefix"
    declared_interval_s: int | None = None


def parse_text(markup: str | None) -> str | None:
    """Plain text of a title or a body without boilerplate lines:
    "<p>Go dev</p><p>Please mention the word TIGER</p>" -> "Go dev"."""
    text = parse_html_text(markup)
    if text is None:
        return None
    kept = [line for line in text.splitlines() if not BOILERPLATE_RE.match(line)]
    return "\n".join(kept) or None


def parse_title_text(title: str | None) -> str | None:
    """A title as one line of text: tags removed, entities decoded, spaces collapsed."""
    if title is None:
        return None
    text = " ".join(html.unescape(TAG_RE.sub(" ", html.unescape(title))).split())
    return text or None


def parse_list(value: Any) -> list[str]:
    """A site's list field as strings: ["a", "b"], "['a', 'b']" (a dump's repr), "a" -> [...]."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        stripped = value.strip()
        if stripped.startswith("[") and stripped.endswith("]"):
            try:
                value = ast.literal_eval(stripped)  # literals only: never runs code
            except (ValueError, SyntaxError):
                return [stripped]
        else:
            return [stripped]
    if isinstance(value, list | tuple):
        return [html.unescape(str(v)).strip() for v in value if str(v).strip()]
    return [str(value)]


def parse_epoch_or_iso(value: Any) -> datetime | None:
    """1771851202, "1771851202", "2026-07-16T13:28:02" (UTC when no offset), or None."""
    if value is None or value == "" or value == "None":
        return None
    text = str(value).strip()
    try:
        if text.isdigit():
            number = int(text)
            return datetime.fromtimestamp(number / 1000 if number > 10**11 else number, UTC)
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (ValueError, OverflowError, OSError):
        return None
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def render_fields(body: str | None, fields: Iterable[tuple[str, str | None]]) -> str | None:
    """The body's text followed by "Label: value" lines for the fields that have a value."""
    lines = [body] if body else []
    for label, value in fields:
        if value is not None and str(value).strip():
            lines.append(f"{label}: {' '.join(str(value).split())}")
    return "\n".join(lines) or None


def render_site_labels(labels: Iterable[str | None]) -> str | None:
    """Site labels joined, first occurrence kept: ["Sales", "sales", "B2B"] -> "Sales | B2B"."""
    seen: list[str] = []
    for label in labels:
        text = " ".join((label or "").replace("|", "/").split())
        if text and text.lower() not in (s.lower() for s in seen):
            seen.append(text)
    return SITE_LABEL_SEPARATOR.join(seen) or None


def render_amount(value: Any) -> str | None:
    """A site's salary number as text, or None when absent or zero: "175000" -> "175000"."""
    if value is None:
        return None
    try:
        number = float(str(value).replace(",", ""))
    except ValueError:
        return None
    if number <= 0:
        return None  # RemoteOK writes 0 for "not stated"
    return f"{number:.0f}" if number == int(number) else f"{number:.2f}"


def render_pay_line(low: Any, high: Any, currency: str | None, period: str | None) -> str | None:
    """ "Salary:" text from structured fields: (175000, 200000, "USD", "year") ->
    "175000 - 200000 USD per year"; None when no amount is stated."""
    lo, hi = render_amount(low), render_amount(high)
    if lo is None and hi is None:
        return None
    amount = f"{lo} - {hi}" if lo and hi and lo != hi else (lo or hi)
    text = f"{amount} {(currency or 'USD').upper()}"
    return f"{text} per {period}" if period else text


def make_entry(
    feed_name: str, source: str, *, guid: Any, link: Any, title: Any, body_html: Any,
    fields: Iterable[tuple[str, str | None]], labels: Iterable[str | None],
    published: datetime | None, tags: Iterable[str] = (),
) -> EntryRecord:  # fmt: skip
    """One EntryRecord from a JSON item's parts (text fields as the site gave them)."""
    body = body_html if isinstance(body_html, str) else None
    return EntryRecord(
        feed_name=feed_name,
        source=source,
        guid=str(guid) if guid not in (None, "") else None,
        link=link if isinstance(link, str) and link.startswith("http") else None,
        title=parse_title_text(title if isinstance(title, str) else None),
        description=render_fields(parse_text(body), fields),
        summary_html=body,
        published_at=published,
        tags=tuple(t for t in tags if t),
        platform_category=render_site_labels(labels),
    )
