"""Freelancer.com's project API, readable without a login:
`GET https://www.freelancer.com/api/projects/0.1/projects/active/?full_description=true&job_details=true&limit=100&sort_field=time_updated`
-> {"status": "success", "result": {"projects": [{id, seo_url, title, preview_description,
description, type ("fixed" | "hourly"), budget {minimum, maximum}, currency {code, sign},
time_submitted (epoch s), jobs [{name, category {name}}], hourly_project_info}]}}.

Every project is freelance work. The budget is written as a "Budget:" line with its currency
and, for hourly projects, "per hour", so an hourly rate never reads as a fixed budget.
Terms: the API's rate limits apply (HTTP 429 with Retry-After is honoured by the fetcher).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from collector.parsed import ParsedFeed, make_entry, parse_epoch_or_iso, render_amount
from collector.sources.json_body import parse_items
from warehouse.postings import EntryRecord

PROJECT_URL = "https://www.freelancer.com/projects/"


def render_budget(item: Mapping[str, Any]) -> str | None:
    """{"type": "hourly", "budget": {"minimum": 25}, "currency": {"code": "USD"}} ->
    "25 USD per hour"; fixed -> "250 - 750 INR"."""
    budget = item.get("budget") or {}
    low, high = render_amount(budget.get("minimum")), render_amount(budget.get("maximum"))
    if low is None and high is None:
        return None
    code = str((item.get("currency") or {}).get("code") or "USD").upper()
    amount = f"{low} - {high}" if low and high and low != high else (low or high)
    hourly = str(item.get("type") or "").lower() == "hourly"
    return f"{amount} {code}" + (" per hour" if hourly else "")


def parse_item(item: Mapping[str, Any], feed_name: str, source: str) -> EntryRecord:
    jobs = [j for j in item.get("jobs") or [] if isinstance(j, Mapping)]
    labels = [str(j.get("name") or "") for j in jobs]
    labels += [str((j.get("category") or {}).get("name") or "") for j in jobs]
    seo = item.get("seo_url")
    link = PROJECT_URL + seo if isinstance(seo, str) and seo else None
    return make_entry(
        feed_name, source, guid=item.get("id"), link=link, title=item.get("title"),
        body_html=item.get("description") or item.get("preview_description"),
        fields=[("Job Type", "freelance"), ("Budget", render_budget(item))],
        labels=labels, published=parse_epoch_or_iso(item.get("time_submitted")),
        tags=[str(j.get("name")) for j in jobs if j.get("name")],
    )  # fmt: skip


def parse_body(
    body: bytes, feed_name: str, source: str, headers: Mapping[str, str] | None = None
) -> ParsedFeed:
    return parse_items(
        body, headers, lambda doc: doc["result"]["projects"],
        lambda i: parse_item(i, feed_name, source),
    )  # fmt: skip
