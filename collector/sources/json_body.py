"""Reading a JSON API body: decoded as UTF-8 (or what the headers say), never as a path."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from collector.parsed import ParsedFeed
from warehouse.postings import EntryRecord


def parse_json_body(body: bytes, headers: Mapping[str, str] | None) -> tuple[Any, str | None]:
    """(the document, None) or (None, the reason it is not JSON)."""
    charset = "utf-8"
    content_type = (headers or {}).get("content-type", "")
    if "charset=" in content_type:
        charset = content_type.split("charset=", 1)[1].split(";")[0].strip() or charset
    try:
        return json.loads(body.decode(charset)), None
    except (UnicodeDecodeError, LookupError, ValueError) as exc:
        return None, f"not a JSON document: {type(exc).__name__}: {str(exc)[:200]}"


def parse_items(
    body: bytes, headers: Mapping[str, str] | None, items_of: Callable[[Any], Iterable[Any]],
    entry_of: Callable[[Mapping[str, Any]], EntryRecord | None],
) -> ParsedFeed:  # fmt: skip
    """A ParsedFeed from the items `items_of(doc)` finds; an item that does not read is
    counted in the problem (something lost), the rest are kept."""
    doc, error = parse_json_body(body, headers)
    if error is not None:
        return ParsedFeed(problem=error, fatal=True)
    try:
        items = list(items_of(doc))
    except (AttributeError, KeyError, TypeError):
        return ParsedFeed(problem="JSON document has no list of jobs where expected", fatal=True)
    result = ParsedFeed()
    bad = 0
    for item in items:
        if not isinstance(item, Mapping):
            bad += 1
            continue
        try:
            entry = entry_of(item)
        except (AttributeError, KeyError, TypeError, ValueError):
            bad += 1
            continue
        if entry is not None:
            result.entries.append(entry)
    if bad:
        result.problem = f"{bad} of {len(items)} items unreadable"
    return result
