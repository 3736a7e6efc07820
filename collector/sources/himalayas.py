"""Himalayas `GET https://himalayas.app/jobs/api`: {"jobs": [...]} (or the list alone) of
{guid, title, applicationLink, companyName, employmentType ("Full Time", "Contractor", ...),
minSalary, maxSalary, currency (yearly figures), categories, parentCategories, description
(HTML), excerpt, pubDate (epoch s), locationRestrictions}. Terms: link back to Himalayas."""

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


def parse_item(item: Mapping[str, Any], feed_name: str, source: str) -> EntryRecord:
    def salary(key: str) -> Any:
        value = item.get(key)
        return None if value in (None, "None", "") else value

    pay = render_pay_line(salary("minSalary"), salary("maxSalary"), item.get("currency"), "year")
    link = item.get("applicationLink") or item.get("guid")
    return make_entry(
        feed_name, source, guid=item.get("guid") or link, link=link, title=item.get("title"),
        body_html=item.get("description") or item.get("excerpt"),
        fields=[("Job Type", item.get("employmentType")), ("Salary", pay),
                ("Company", item.get("companyName")),
                ("Location", ", ".join(parse_list(item.get("locationRestrictions"))))],
        # the parent category is the site's own broad label; the fine ones follow it
        labels=parse_list(item.get("parentCategories")) + parse_list(item.get("categories")),
        published=parse_epoch_or_iso(item.get("pubDate")),
    )  # fmt: skip


def parse_body(
    body: bytes, feed_name: str, source: str, headers: Mapping[str, str] | None = None
) -> ParsedFeed:
    return parse_items(
        body, headers, lambda doc: doc["jobs"] if isinstance(doc, dict) else doc,
        lambda i: parse_item(i, feed_name, source),
    )  # fmt: skip
