"""Recorded feeds, one case per file, each with its expected result beside it."""

from __future__ import annotations

import html
import json
import re
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from collector.entries import parse_feed_bytes, parse_html_text, parse_posted_on
from collector.upwork_footer import parse_plain_text
from tests.conftest import SHARED_DATA

RECORDED = Path(__file__).parent / "fixtures" / "feeds" / "recorded"
CASES = sorted(p for p in RECORDED.iterdir() if not p.name.endswith(".expected.json"))
UTF8 = {"content-type": "application/rss+xml; charset=utf-8"}
REAL_UPWORK = SHARED_DATA / "upwork-rss-powerbi-2024" / "raw_xml" / "20240516_RSS_PowerBI.xml"
REAL_FIRST = {
    "first_title": "Professional KPI dashboards required for industry clients",
    "first_category": "Data Visualization",
}
REAL_CASES = {  # what the real feed (30 items) and its first 20,000 bytes must parse to
    "whole": (None, {"entries": 30, "fatal": False, "bozo": False, **REAL_FIRST,
                     "first_published": "2024-05-16T09:28:00+00:00",
                     "first_description_has": ["Budget: $300", "Category: Data Visualization",
                                               "Posted On: May 16, 2024 09:28 UTC",
                                               "Country: South Africa"]}),
    "truncated": (20_000, {"entries": 5, "fatal": False, "bozo": True, **REAL_FIRST}),
}  # fmt: skip


@pytest.mark.parametrize("path", CASES, ids=[p.name for p in CASES])
def test_recorded_feed(path: Path) -> None:
    expected = json.loads(path.with_name(path.stem + ".expected.json").read_text("utf-8"))
    check_parsed(path.read_bytes(), path.stem, expected)


@pytest.mark.skipif(not REAL_UPWORK.exists(), reason=f"real feed not present: {REAL_UPWORK}")
@pytest.mark.parametrize("case", REAL_CASES)
def test_real_upwork_feed(case: str) -> None:
    cut, expected = REAL_CASES[case]
    check_parsed(REAL_UPWORK.read_bytes()[:cut], "upwork", expected)
    if cut is None:
        first = parse_feed_bytes(REAL_UPWORK.read_bytes(), "f", "upwork").entries[0]
        assert first.summary_html is not None and "<b>Budget</b>: $300" in first.summary_html


def check_parsed(body: bytes, name: str, expected: dict[str, Any]) -> None:
    """parse_feed_bytes(body) gives what `expected` (an .expected.json) says."""
    parsed = parse_feed_bytes(body, name, "test", UTF8)
    assert len(parsed.entries) == expected["entries"]
    assert parsed.fatal == expected["fatal"]
    assert (parsed.problem is not None) == expected["bozo"]
    if parsed.entries:
        first = parsed.entries[0]
        assert first.title == expected["first_title"]
        if "first_category" in expected:
            assert first.platform_category == expected["first_category"]
        if "first_published" in expected:
            assert first.published_at is not None
            assert first.published_at.isoformat() == expected["first_published"]
        for text in expected.get("first_description_has", []):
            assert first.description is not None and text in first.description.splitlines()
        assert (
            first.summary_html is None
            or "<b>" in first.summary_html
            or "boom" in (first.summary_html)
            or "Budget" in first.summary_html
        )


def test_upwork_footer_kept_verbatim_in_html() -> None:
    body = (RECORDED / "upwork_handwritten.xml").read_bytes()
    first = parse_feed_bytes(body, "f", "upwork").entries[0]
    assert first.summary_html is not None and "<b>Budget</b>: $300" in first.summary_html
    assert first.content_html is not None


def test_entity_bomb_is_not_expanded() -> None:
    start = time.monotonic()
    parsed = parse_feed_bytes((RECORDED / "billion_laughs.xml").read_bytes(), "b", "test")
    assert time.monotonic() - start < 5.0
    assert all("lollol" not in (e.title or "") for e in parsed.entries)


def test_parse_html_text_and_posted_on() -> None:
    text = parse_html_text(
        "Hi<br /><b>Hourly Range</b>: $15.00-$30.00\n<br /><b>Posted On</b>: May 13, 2024 09:46 UTC"
    )
    assert text == "Hi\nHourly Range: $15.00-$30.00\nPosted On: May 13, 2024 09:46 UTC"
    assert parse_posted_on(text) is not None and parse_posted_on(text).hour == 9  # type: ignore[union-attr]
    assert parse_posted_on("no footer") is None


def _per_line_text(markup: str) -> str | None:
    """parse_html_text as first written: blanks collapsed line by line (the reference)."""
    text = re.sub(r"<(script|style)\b.*?</\1\s*>", "", markup, flags=re.S | re.I)
    text = re.sub(r"</?(?:br|div|h1|h2|h3|h4|li|ol|p|table|tr|ul)\b[^>]*>", "\n", text, flags=re.I)
    text = html.unescape(re.sub(r"<!--.*?-->|<[^>]*>", "", text, flags=re.S))
    lines = (re.sub(r"[ \t\r\f\v\xa0]+", " ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line) or None


# blanks and line breaks of every kind, tags, entities, and the Upwork apply line
PIECES = [" ", "  ", "\t", "\r", "\n", "\r\n", "\x0b", "\x0c", "\x1c", "\x85", "\xa0",
          "\u2028", "\u2029", "\u3000", "<br />", "<P>", "</li>", "<b>", "&amp;", "&nbsp;",
          "x", "Budget", "click to apply", "Click To Apply", "<script>a</script>"]  # fmt: skip


@given(st.lists(st.sampled_from(PIECES), max_size=30).map("".join))
@example("x  x\xa0 \tx\u3000 x \rx")
def test_html_text_collapses_blanks_as_line_by_line(markup: str) -> None:
    # one pass over the whole text (collector/html_text.py) must read as one per line did
    expected = _per_line_text(markup)
    assert parse_html_text(markup) == expected
    kept = [line for line in (expected or "").splitlines() if line.lower() != "click to apply"]
    assert parse_plain_text(markup) == ("\n".join(kept) or None)


@given(
    month=st.sampled_from(["January", "February", "May", "September", "December", "Sept", "Mai"]),
    day=st.integers(0, 39),
    year=st.integers(1999, 2031),
    hour=st.integers(0, 29),
    minute=st.integers(0, 69),
    pad=st.booleans(),
)
def test_posted_on_reads_what_strptime_reads(
    month: str, day: int, year: int, hour: int, minute: int, pad: bool
) -> None:
    stamp = (
        f"{month} {day:02d}, {year} {hour:02d}:{minute:02d}"
        if pad
        else (f"{month} {day}, {year} {hour}:{minute:02d}")
    )
    try:
        expected = datetime.strptime(stamp, "%B %d, %Y %H:%M").replace(tzinfo=UTC)
    except ValueError:
        expected = None
    assert parse_posted_on(f"Budget: $5\nPosted On: {stamp} UTC\nCountry: x") == expected
