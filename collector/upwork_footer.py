"""Upwork's RSS description HTML: plain text with the structured footer kept as lines.

Upwork ends every item's description with a footer of `<b>Label</b>: value<br />` lines
("Hourly Range", "Budget", "Posted On", "Category", "Skills", "Country"). Analytics read pay
and categories from those lines, so the plain text keeps them as `Label: value` lines.
The collector (collector/entries.py) and the importer both read items through this module.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

from collector.html_text import parse_html_lines

# "Category: Data Visualization" -> "Data Visualization"
_CATEGORY_RE = re.compile(r"^Category:\s*(.+?)\s*$", re.MULTILINE)
# "Posted On: May 13, 2024 09:46 UTC" -> ("May", "13", "2024", "09", "46")
_POSTED_ON_RE = re.compile(
    r"^Posted On:\s*([A-Z][a-z]+) (\d{1,2}), (\d{4}) (\d{1,2}):(\d{2})\s*UTC", re.M
)
MONTHS = {
    name: number
    for number, name in enumerate(
        "January February March April May June July August September October November December"
        .split(), start=1,
    )
}  # fmt: skip
# "click to apply" is the link text at the very end of every Upwork item.
_APPLY_LINE = "click to apply"
UPWORK_TITLE_SUFFIX = " - Upwork"  # "Data entry - Upwork" -> "Data entry"


def parse_plain_text(description_html: str | None) -> str | None:
    """Plain text of an item's HTML with one line per footer field, e.g.

    "Hi<br /><b>Budget</b>: $1,500<br /><b>Category</b>: Writing"
    -> "Hi\\nBudget: $1,500\\nCategory: Writing"
    """
    if description_html is None:
        return None
    # lines are stripped: only one of the apply line's length can be it (lower() is the cost)
    n = len(_APPLY_LINE)
    lines = parse_html_lines(description_html)
    kept = [line for line in lines if len(line) != n or line.lower() != _APPLY_LINE]
    return "\n".join(kept) or None


def parse_category(plain_text: str | None) -> str | None:
    """The footer's Upwork category ("Category: Data Visualization" -> "Data Visualization")."""
    if not plain_text:
        return None
    match = _CATEGORY_RE.search(plain_text)
    return match.group(1) if match else None


def parse_posted_on(plain_text: str | None) -> datetime | None:
    """The footer's "Posted On" time in UTC ("Posted On: May 13, 2024 09:46 UTC")."""
    if not plain_text:
        return None
    match = _POSTED_ON_RE.search(plain_text)
    if not match:
        return None
    month, day, year, hour, minute = match.groups()
    if month not in MONTHS:
        return None
    try:  # what strptime("%B %d, %Y %H:%M") reads, at a tenth of its cost
        return datetime(int(year), MONTHS[month], int(day), int(hour), int(minute), tzinfo=UTC)
    except ValueError:  # "February 30", "25:00"
        return None


def parse_title(title: str | None) -> str | None:
    """A title as text, without Upwork's " - Upwork" suffix. Entities are decoded once more:
    Upwork's feed escapes twice ("0365 &amp;amp; gsuit"), so one XML decoding leaves "&amp;"."""
    if title is None:
        return None
    title = html.unescape(title).strip()
    if title.endswith(UPWORK_TITLE_SUFFIX):
        title = title[: -len(UPWORK_TITLE_SUFFIX)].rstrip()
    return title or None
