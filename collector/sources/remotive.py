"""Remotive `GET https://remotive.com/api/remote-jobs`: {"jobs": [{id, url, title, category,
tags, job_type ("full_time" | "contract" | "freelance" | "part_time" | "internship"),
publication_date, candidate_required_location, salary (free text, "$80k - $100k"),
description (HTML)}]}. Terms: at most 4 requests a day, link back and name Remotive."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from collector.parsed import ParsedFeed, make_entry, parse_epoch_or_iso, parse_list
from collector.sources.json_body import parse_items
from warehouse.postings import EntryRecord


def parse_item(item: Mapping[str, Any], feed_name: str, source: str) -> EntryRecord:
    return make_entry(
        feed_name, source, guid=item.get("id"), link=item.get("url"), title=item.get("title"),
        body_html=item.get("description"),
        fields=[("Job Type", item.get("job_type")), ("Salary", item.get("salary")),
                ("Location", item.get("candidate_required_location"))],
        labels=[item.get("category")], published=parse_epoch_or_iso(item.get("publication_date")),
        tags=parse_list(item.get("tags")),
    )  # fmt: skip


def parse_body(
    body: bytes, feed_name: str, source: str, headers: Mapping[str, str] | None = None
) -> ParsedFeed:
    return parse_items(
        body, headers, lambda doc: doc["jobs"], lambda i: parse_item(i, feed_name, source)
    )
