"""RemoteOK `GET https://remoteok.com/api`: a JSON list whose first element is the legal
notice, then jobs {id, url, position, company, tags, description, location, date/epoch,
salary_min, salary_max (yearly USD, 0 when not stated)}. Terms: link back to the job on
Remote OK and name "Remote OK" as the source."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from collector.parsed import (
    ParsedFeed,
    make_entry,
    parse_epoch_or_iso,
    parse_list,
    render_pay_line,
)
from collector.sources.json_body import parse_items
from warehouse.postings import EntryRecord


def parse_item(item: Mapping[str, Any], feed_name: str, source: str) -> EntryRecord | None:
    if "legal" in item and "id" not in item:
        return None  # the notice, not a job
    tags = parse_list(item.get("tags"))
    company = item.get("company")
    position = item.get("position") or item.get("title")
    return make_entry(
        feed_name, source, guid=item.get("id"), link=item.get("url") or item.get("apply_url"),
        title=position, body_html=item.get("description"),
        fields=[("Company", company),
                ("Salary", render_pay_line(item.get("salary_min"), item.get("salary_max"),
                                           "USD", "year")),
                ("Location", item.get("location"))],
        labels=tags, published=parse_epoch_or_iso(item.get("epoch") or item.get("date")),
        tags=tags,
    )  # fmt: skip


def parse_body(
    body: bytes, feed_name: str, source: str, headers: Mapping[str, str] | None = None
) -> ParsedFeed:
    return parse_items(body, headers, lambda doc: doc, lambda i: parse_item(i, feed_name, source))
