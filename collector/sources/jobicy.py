"""Jobicy `GET https://jobicy.com/api/v2/remote-jobs`: {"jobs": [...]} (or the list alone)
of {id, url, jobTitle, companyName, jobIndustry [..], jobType ["Full-Time"], jobGeo,
jobLevel, jobExcerpt, jobDescription (HTML), pubDate, salaryMin, salaryMax, salaryCurrency,
salaryPeriod}. Terms: at most one request an hour; no redistribution to other aggregators."""

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

JOBICY_PERIODS = {"hourly": "hour", "daily": "day", "weekly": "week", "monthly": "month",
                  "yearly": "year", "annual": "year", "annually": "year"}  # fmt: skip


def parse_item(item: Mapping[str, Any], feed_name: str, source: str) -> EntryRecord:
    period = str(item.get("salaryPeriod") or "").strip().lower()
    pay = render_pay_line(
        item.get("salaryMin") or item.get("annualSalaryMin"),
        item.get("salaryMax") or item.get("annualSalaryMax"),
        item.get("salaryCurrency"),
        JOBICY_PERIODS.get(period, "year" if item.get("annualSalaryMin") else None),
    )
    return make_entry(
        feed_name, source, guid=item.get("id"), link=item.get("url"), title=item.get("jobTitle"),
        body_html=item.get("jobDescription") or item.get("jobExcerpt"),
        fields=[("Job Type", ", ".join(parse_list(item.get("jobType")))), ("Salary", pay),
                ("Location", item.get("jobGeo")), ("Level", item.get("jobLevel"))],
        labels=parse_list(item.get("jobIndustry")),
        published=parse_epoch_or_iso(item.get("pubDate")),
    )  # fmt: skip


def parse_body(
    body: bytes, feed_name: str, source: str, headers: Mapping[str, str] | None = None
) -> ParsedFeed:
    return parse_items(
        body, headers, lambda doc: doc["jobs"] if isinstance(doc, dict) else doc,
        lambda i: parse_item(i, feed_name, source),
    )  # fmt: skip
