"""Pure parsing of archive rows: dates, Upwork footers, parsed-dump items."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from collector.import_formats import parse_feed_item, parse_time, sniff_format
from collector.upwork_footer import parse_category, parse_plain_text, parse_posted_on


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023-01-01T17:33:29Z", datetime(2023, 1, 1, 17, 33, 29, tzinfo=UTC)),
        ("Mon, 13 May 2024 12:22:38 +0000", datetime(2024, 5, 13, 12, 22, 38, tzinfo=UTC)),
        ("1655474410", datetime(2022, 6, 17, 14, 0, 10, tzinfo=UTC)),
        (1690239229000, datetime(2023, 7, 24, 22, 53, 49, tzinfo=UTC)),
        ("", None),
    ],
)
def test_parse_time(text: object, expected: datetime | None) -> None:
    assert parse_time(text) == expected


def test_parse_time_rejects_garbage() -> None:
    with pytest.raises(ValueError, match="unreadable date"):
        parse_time("next tuesday")


def test_footer_lines_survive_as_text() -> None:
    html = (
        "Need a writer&nbsp;now<br /><br /><b>Hourly Range</b>: $15.00-$30.00\n<br />"
        "<b>Posted On</b>: May 13, 2024 09:46 UTC<br /><b>Category</b>: Data Visualization &amp; BI"
        '<br /><a href="https://x">click to apply</a>'
    )
    text = parse_plain_text(html)
    assert text == (
        "Need a writer now\nHourly Range: $15.00-$30.00\nPosted On: May 13, 2024 09:46 UTC\n"
        "Category: Data Visualization & BI"
    )
    assert parse_category(text) == "Data Visualization & BI"
    assert parse_posted_on(text) == datetime(2024, 5, 13, 9, 46, tzinfo=UTC)


def test_parsed_dump_item_gets_footer_from_fields() -> None:
    item = {
        "title": "AI engineer - Upwork",
        "jobURL": "https://www.upwork.com/jobs/engineer_%7E01d0",
        "link": "%7E01d0",
        "content": "Python<br />",
        "hourly": "$30.00-$50.00",
        "budget": "",
        "postOn": 1690239229000,
        "category": "Machine Learning",
    }
    e = parse_feed_item(item, "f", "upwork")
    assert e.link == "https://www.upwork.com/jobs/engineer_%7E01d0"
    assert e.title == "AI engineer"
    assert e.description == "Python\nHourly Range: $30.00-$50.00\nCategory: Machine Learning"
    assert e.platform_category == "Machine Learning"


@pytest.mark.parametrize(
    ("head", "fmt"),
    [
        (b"<?xml version='1.0'?><rss>", "rss"),
        (b'{\n  "rss": {', "json"),
        (b'{"title": "x"}\n{"title": "y"}\n', "jsonl"),
        (b"PAR1\x15\x04", "parquet"),
        (b"title,link\nx,y\n", "csv"),
        (b"uid,title,published_on,occupations_oservice_pref_label\n", "upwork-labeled-csv"),
        (b"just words", None),
    ],
)
def test_sniff_format(head: bytes, fmt: str | None) -> None:
    assert sniff_format(head) == fmt
