"""Engagement, seekers and site crosswalks (pure), and demand counts without seekers and
restricted by engagement (a real DuckDB)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import duckdb
import pytest

from analytics.tagging.categories import classify_posting, read_platform_map, read_taxonomy
from analytics.tagging.engagement import parse_cue, parse_engagement
from analytics.tagging.enrich import enrich_postings
from analytics.tagging.site_labels import parse_crosswalk
from analytics.trends.series import read_daily_counts
from warehouse.db import transaction
from warehouse.migrate import apply_migrations
from warehouse.postings import EntryRecord, save_entries
from warehouse.runs import start_run


@pytest.mark.parametrize(
    ("title", "description", "source", "want"),
    [
        ("Dev", "text\nJob Type: Contract", "weworkremotely", ("contract", "source", False)),
        ("Dev", "Job Type: full_time", "remotive", ("full_time", "source", False)),
        ("Dev", "Job Type: Full-Time, Contract", "jobicy", ("full_time", "source", False)),
        ("Logo", "Budget: $50", "upwork", ("freelance", "platform", False)),
        ("Acme | SRE | Remote | Permanent (Full-time)", "", "hackernews",
         ("full_time", "text", False)),
        ("Acme | Dev | Full time or Full time contract", "", "hackernews",
         ("full_time", "text", False)),
        ("SEEKING WORK | Python | Remote", "", "hackernews", ("unknown", "none", True)),
        ("[For Hire] Video editor", "Freelance editor", "reddit", ("freelance", "text", True)),
        ("[Hiring] Logo designer", "", "reddit", ("unknown", "none", False)),
        ("Summer internship, data team", "", "remoteok", ("internship", "text", False)),
    ],
)  # fmt: skip
def test_engagement(title: str, description: str, source: str, want: tuple[object, ...]) -> None:
    got = parse_engagement(title, description, source)
    assert (got.engagement, got.rule, got.is_seeker) == want


def test_site_label_decides_before_the_rules() -> None:
    taxonomy, mapping = read_taxonomy(), read_platform_map()
    advocate = classify_posting(
        "Developer Advocate", "Write blog posts and tutorials", "Sales and Marketing",
        taxonomy, mapping, "weworkremotely",
    )  # fmt: skip
    assert (advocate.category, advocate.method) == ("Other", "site")  # not Writing
    seller = classify_posting(
        "Account Executive", "Close sales deals, generate leads, B2B sales",
        "Sales and Marketing", taxonomy, mapping, "weworkremotely",
    )  # fmt: skip
    assert (seller.category, seller.method) == ("Sales & Business Development", "site")
    copy = classify_posting("Copywriter", "", "Copywriting", taxonomy, mapping, "weworkremotely")
    assert (copy.category, copy.method, copy.subcategory) == ("Writing", "site", "Copywriting")
    unlisted = classify_posting("Logo designer", "", "All Other Remote", taxonomy, mapping,
                                "weworkremotely")  # fmt: skip
    assert unlisted.method == "rules"
    upwork = classify_posting("x", "", "Design & Creative / Graphic Design", taxonomy, mapping,
                              "upwork")  # fmt: skip
    assert (upwork.category, upwork.method, upwork.subcategory) == (
        "Graphic Design", "platform", "Graphic Design")  # fmt: skip
    top_only = classify_posting("x", "", "Writing / Creative Writing", taxonomy, mapping, "upwork")
    assert top_only.category == "Writing"  # the sub-category is unlisted: the top level maps


def test_a_crosswalk_naming_an_unknown_category_is_an_error() -> None:
    with pytest.raises(ValueError, match="Writting"):
        parse_crosswalk('[labels]\n"Copy" = "Writting"\n', read_taxonomy().names)


def test_demand_counts_leave_seekers_out_and_follow_the_engagement_setting() -> None:
    conn = duckdb.connect(":memory:")
    apply_migrations(conn)
    day = datetime(2026, 7, 1, 12, tzinfo=UTC)
    entries = [
        EntryRecord("hn", "hackernews", "1", "https://h/1", "SEEKING WORK | Go | Remote", "x",
                    published_at=day),
        EntryRecord("hn", "hackernews", "2", "https://h/2", "Acme | Go developer | Contract",
                    "x", published_at=day),
        EntryRecord("hn", "hackernews", "3", "https://h/3", "Beta | SRE | Full-time", "x",
                    published_at=day),
    ]  # fmt: skip
    with transaction(conn):
        save_entries(conn, start_run(conn, "file", day), entries, day)
    enrich_postings(conn, now=day)

    def total(engagements: tuple[str, ...] = ()) -> int:
        frame = read_daily_counts(conn, since=date(2026, 7, 1), until=date(2026, 7, 2),
                                  engagements=engagements)  # fmt: skip
        return int(frame[frame["kind"] == "all"]["n"].sum())

    assert total() == 2  # the seeker is a person, not a job
    assert total(("contract",)) == 1
    assert total(("freelance",)) == 0


OLD_CUES = re.compile(
    r"\b(?:(?P<full_time>full[- ]?time|permanent)|(?P<part_time>part[- ]?time)"
    r"|(?P<freelance>freelance(?:r)?)|(?P<contract>contract(?:or)?|fixed[- ]term)"
    r"|(?P<internship>intern(?:ship)?))\b",
    re.IGNORECASE,
)


@pytest.mark.parametrize(
    "text",
    [
        "Remote | Full-time", "PART TIME or full time", "Freelancers welcome; contract",
        "international role", "Internship (paid)", "contractual work", "Fixed-term, permanent",
        "éfull time", "full timer", "", "A Fixed term contract",
    ],
)  # fmt: skip
def test_cue_scanner_finds_what_the_ignorecase_regex_found(text: str) -> None:
    old = OLD_CUES.search(text)
    assert parse_cue(text) == (old.lastgroup if old else None)
