"""Pay extraction: the issue's surface forms, flags, USD conversion, hand-written files in the
real formats and the real files of ../shared/data."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.evaluation.pay import evaluate_rates, read_footer_truth
from analytics.tagging.pay import (
    FREE_CODE_AFTER,
    _may_name_currency,
    compute_usd,
    parse_pay,
    read_exchange_rates,
)
from jobtrends.cli import cli
from tests.conftest import FIXTURES, SHARED_DATA

ENRICH = FIXTURES / "enrich"
UPWORK_FEED = FIXTURES / "feeds" / "recorded" / "upwork_handwritten.xml"
REAL_FOOTER_FILES = [  # one real file per format: RSS, JSONL items, parsed CSV, search page
    SHARED_DATA / "upwork-rss-powerbi-2024" / "raw_xml" / "20240513_RSS_PowerBI.xml",
    SHARED_DATA / "upwork-rss-2021-02-edn" / "test_feed_items.jsonl",
    SHARED_DATA / "upwork-rss-2022-06-parsed" / "jobs.csv",
    SHARED_DATA / "upwork-search-2025-rate-strings" / "upwork_jobs.csv.gz",
]

CASES = [
    # text, kind, currency, low, high, period, rule
    ("Hourly Range: $15.00-$30.00", "hourly", "USD", 15.0, 30.0, "hour",
     "upwork_footer_hourly_range"),
    ("Hourly Range: $25.00", "hourly", "USD", 25.0, 25.0, "hour", "upwork_footer_hourly_range"),
    ("Budget: $1,500", "budget", "USD", 1500.0, 1500.0, "fixed", "upwork_footer_budget"),
    ("We pay $30/hr for this", "hourly", "USD", 30.0, 30.0, "hour", "free_text_symbol_rate"),
    ("Rate is 30 USD per hour", "hourly", "USD", 30.0, 30.0, "hour", "free_text_code_rate"),
    ("£20-25 per hour", "hourly", "GBP", 20.0, 25.0, "hour", "free_text_symbol_rate"),
    ("€25/h", "hourly", "EUR", 25.0, 25.0, "hour", "free_text_symbol_rate"),
    ("$120k/yr plus equity", "salary", "USD", 120000.0, 120000.0, "year", "free_text_symbol_rate"),
    ("Est. budget: $150.00", "budget", "USD", 150.0, 150.0, "fixed", "upwork_est_budget"),
    ("Est. budget:\n$150.00", "budget", "USD", 150.0, 150.0, "fixed", "upwork_est_budget"),
    ("Hourly: $25.00 - $35.00", "hourly", "USD", 25.0, 35.0, "hour", "upwork_hourly_label"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "kind", "currency", "low", "high", "period", "rule"), CASES)
def test_issue_forms(
    text: str, kind: str, currency: str, low: float, high: float, period: str, rule: str
) -> None:
    pay = parse_pay(text)
    assert (pay.pay_kind, pay.currency, pay.amount_low, pay.amount_high, pay.period, pay.rule) == (
        kind, currency, low, high, period, rule,
    )  # fmt: skip
    assert pay.flag is None


@pytest.mark.parametrize("text", ["Hourly", "", "Sell 2,000 units a month", "N/A"])
def test_no_pay_is_none_not_zero(text: str) -> None:
    pay = parse_pay(text)
    assert pay.pay_kind == "none" and pay.amount_low is None


@pytest.mark.parametrize(
    ("text", "flag"),
    [("$5,000/hr", "implausible_high"), ("Budget: $0", "zero"), ("Hourly Range: $0.00", "zero")],
)
def test_impossible_values_are_flagged_and_not_converted(text: str, flag: str) -> None:
    pay = parse_pay(text)
    assert pay.flag == flag
    assert compute_usd(pay, 2024, read_exchange_rates()).hourly_mid is None


def test_budget_stays_budget_and_foreign_hourly_is_converted() -> None:
    rates = read_exchange_rates()
    budget = compute_usd(parse_pay("Budget: $1,500"), 2024, rates)
    assert budget.budget == 1500.0 and budget.hourly_mid is None
    gbp = compute_usd(parse_pay("£20 per hour"), 2024, rates)
    assert gbp.hourly_mid == pytest.approx(20 * rates[2024]["GBP"], abs=0.01)
    salary = compute_usd(parse_pay("$104k/yr"), 2030, rates)  # clamped to the last year
    assert salary.hourly_mid == pytest.approx(50.0)


def test_footer_truth_reader() -> None:
    assert read_footer_truth("x<br /><b>Budget</b>: $1,500<br />") == ("budget", 1500.0, 1500.0)
    assert read_footer_truth("<b>Hourly Range</b>: $25.00-$60.00<br/>") == ("hourly", 25.0, 60.0)


@pytest.mark.parametrize(
    "path",
    [
        UPWORK_FEED,
        ENRICH / "items_2021_format.jsonl",
        ENRICH / "jobs_2022_format.csv",
        ENRICH / "search_2025_format.csv",
    ],
    ids=lambda p: p.name,
)
def test_handwritten_files_footer_exact(path: Path) -> None:
    result = evaluate_rates([path])
    assert result["n"] >= 20
    assert result["exact_rate"] >= 0.995, result["failures"]


@pytest.mark.parametrize("path", REAL_FOOTER_FILES, ids=lambda p: p.name)
def test_real_files_footer_exact(path: Path) -> None:
    if not path.exists():
        pytest.skip(f"real data not present: {path}")
    result = evaluate_rates([path])
    assert result["n"] >= 30
    assert result["exact_rate"] >= 0.995, result["failures"]


@pytest.mark.skipif(not SHARED_DATA.exists(), reason=f"real data not present: {SHARED_DATA}")
def test_shared_footer_sets_exact() -> None:
    paths = sorted((SHARED_DATA / "upwork-rss-powerbi-2024" / "json_snapshots").glob("*.json"))
    paths += [SHARED_DATA / "upwork-rss-ai-2023" / "upwork_rss_ai_ml_2023.json"]
    result = evaluate_rates(paths)
    assert result["exact_rate"] >= 0.995, result["failures"]


# currency words as written, in odd cases; "Uſd" matches "USD" under re.IGNORECASE
CURRENCY_SPELLINGS = "USD|usd|Uſd|uſd|EUR|Euros|GBP|gbp|pound|Pounds|Dollars|dollar|DOLLAR"
FREE_RATES = st.builds(
    "{}{} {}{}{}{}".format,
    st.sampled_from(["", "paid ", "x\n"]),
    st.sampled_from(["30", "1,500.50", "20-25", "120k"]),
    st.sampled_from(CURRENCY_SPELLINGS.split("|")),
    st.sampled_from(["/", " /", " per ", " an "]),
    st.sampled_from(["hour", "hr", "h", "week", "year"]),
    st.sampled_from(["", " only", "\nthanks"]),
)


@settings(max_examples=200, deadline=None)
@given(FREE_RATES)
def test_currency_prefilter_never_hides_a_free_text_rate(text: str) -> None:
    """The cheap substring prefilter is only an optimisation: every text the regex it guards
    matches must pass it, whatever the case ("30 Uſd/hr" matches under IGNORECASE)."""
    assert FREE_CODE_AFTER.search(text) is not None, text
    assert _may_name_currency(text.lower()), text


def test_eval_rates_takes_a_directory_and_names_a_wrong_file(tmp_path: Path) -> None:
    """A dataset folder expands to its evaluation files; a stray file found in it is skipped
    with its reason, but the same file named on its own is an error naming it."""
    shutil.copy(UPWORK_FEED, tmp_path / "feed.xml")
    (tmp_path / "notes").mkdir()
    stray = tmp_path / "notes" / "other.json"
    stray.write_text('{"not": "an rss snapshot"}', encoding="utf-8")
    runner = CliRunner()
    whole = runner.invoke(cli, ["eval", "rates", str(tmp_path), "--json"])
    assert whole.exit_code == 0, whole.output
    result = json.loads(whole.stdout)
    alone = evaluate_rates([tmp_path / "feed.xml"])
    assert result["n"] == alone["n"] >= 20
    assert [s["path"] for s in result["skipped"]] == [str(stray)]
    named = runner.invoke(cli, ["eval", "rates", str(stray)])
    assert named.exit_code == 1
    assert f"{stray}: not a rate-evaluation file" in named.output
