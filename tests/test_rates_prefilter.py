"""parse_pay's substring starts (RuleStarts) are only an optimisation: the same Pay as
searching every rule's regex from the start of the text."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.tagging.pay import (
    EST_BUDGET,
    FOLD_EXCEPTIONS,
    FOOTER_BUDGET,
    FOOTER_HOURLY,
    FREE_CODE_AFTER,
    FREE_SYMBOL_FIRST,
    LABEL_HOURLY,
    NO_PAY,
    Pay,
    _free,
    _from_phrase,
    _may_name_currency,
    _structured,
    parse_pay,
)
from analytics.tagging.pay_phrases import parse_free, parse_labelled
from tests.conftest import SHARED_DATA

FIXTURES = Path(__file__).parent / "fixtures"
TEXT_FILES = sorted((FIXTURES / "enrich").glob("*.*")) + [
    FIXTURES / "feeds" / "recorded" / "upwork_handwritten.xml"
]
REAL_TEXT_FILES = [  # uncompressed real files with pay text: an RSS feed, JSONL items, a CSV
    SHARED_DATA / "upwork-rss-powerbi-2024" / "raw_xml" / "20240513_RSS_PowerBI.xml",
    SHARED_DATA / "upwork-rss-2021-02-edn" / "test_feed_items.jsonl",
    SHARED_DATA / "upwork-rss-2022-06-parsed" / "jobs.csv",
]
NEEDLE_LETTERS = sorted(set("hourly range budget usd gbp eur".replace(" ", "")))


def reference_parse_pay(text: str) -> Pay:
    """parse_pay as it was before RuleStarts: every regex searched from the start (the
    sites' pay fields after Upwork's hourly and est. budget, any-currency phrases last)."""
    if not text:
        return NO_PAY
    money = "$" in text or "£" in text or "€" in text
    if money:
        for pattern, kind, rule in (
            (FOOTER_HOURLY, "hourly", "upwork_footer_hourly_range"),
            (EST_BUDGET, "budget", "upwork_est_budget"),
        ):
            if m := pattern.search(text):
                return _structured(m, kind, rule)
    if phrase := parse_labelled(text):
        return _from_phrase(phrase, "site_pay_field")
    if money:
        for pattern, kind, rule in (
            (FOOTER_BUDGET, "budget", "upwork_footer_budget"),
            (LABEL_HOURLY, "hourly", "upwork_hourly_label"),
        ):
            if m := pattern.search(text):
                return _structured(m, kind, rule)
        if m := FREE_SYMBOL_FIRST.search(text):
            return _free(m, "free_text_symbol_rate")
    if _may_name_currency(text.lower()) and (m := FREE_CODE_AFTER.search(text)):
        return _free(m, "free_text_code_rate")
    if phrase := parse_labelled(text, early=False):
        return _from_phrase(phrase, "site_pay_field")
    if phrase := parse_free(text):
        rule = "free_text_salary" if phrase.period == "year" else "free_text_any_currency"
        return _from_phrase(phrase, rule)
    return NO_PAY


def test_ignorecase_matches_needle_letters_only_where_lower_does() -> None:
    """The premise of the substring starts, checked over every code point: re.IGNORECASE
    matches a character to a needle letter exactly when its .lower() is that letter; the
    known exceptions ("ſ" ~ "s") are listed in FOLD_EXCEPTIONS and handled."""
    everything = "".join(map(chr, range(sys.maxunicode + 1)))
    for letter in NEEDLE_LETTERS:
        folded = set(re.findall(f"[{letter}]", everything, re.IGNORECASE))
        lowered = {c for c in everything if c.lower() == letter}
        assert folded - lowered <= set(FOLD_EXCEPTIONS), letter
        assert lowered <= folded, letter


@pytest.mark.parametrize("path", TEXT_FILES + REAL_TEXT_FILES, ids=lambda p: p.name)
def test_same_pay_as_full_searches_on_text_files(path: Path) -> None:
    if not path.exists():
        pytest.skip(f"real data not present: {path}")
    text = path.read_text(encoding="utf-8", errors="replace")
    # whole file, and each line/item-sized piece of it
    pieces = [text] + text.split("\n\n") + text.split("<item>")
    for piece in pieces:
        assert parse_pay(piece) == reference_parse_pay(piece), piece[:300]


PIECES = [
    "Hourly Range: $15.00-$30.00", "HOURLY range : $ 25", "Hourly Range</b>: $25.00",
    "hourly: $25.00 - $35.00", "Est. budget:\n$150.00", "EST.\n\n  BUDGET: $1,000",
    "eſt budget: $5", "Est budget: $ 7", "Budget: $1,500", "<b>Budget</b>: $500-$750",
    "$30/hr", "USD 30 per hour", "uſd 20 / h", "30 USD per hour", "£20-25 per hour",
    "€25/h", "$120k/yr", "$2,000", "İstanbul", "ſ", "Σ", "ΑΣ", "budget", "hourly range",
    "Hourly", "est.", " ", "\n", "\t", "x", "ıı", "budgét", "$", "30", "k", "per hour", ":",
]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=12).map("".join))
def test_same_pay_as_full_searches_on_mixed_text(text: str) -> None:
    assert parse_pay(text) == reference_parse_pay(text)
