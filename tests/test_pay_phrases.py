"""Pay as today's sites write it (issue 11's list): amounts, currency and period kept; an
hourly rate never read as a fixed budget; a yearly salary stays yearly."""

from __future__ import annotations

import pytest

from analytics.tagging.pay import HOURS_PER_YEAR, compute_usd, parse_pay, read_exchange_rates

CASES = [
    # text, (pay_kind, currency, low, high, period)
    ("$96,000—$180,000 USD", ("salary", "USD", 96000.0, 180000.0, "year")),
    ("Salary up to $185,500 + equity", ("salary", "USD", None, 185500.0, "year")),
    ("$160k–$180k ($210k for senior band)", ("salary", "USD", 160000.0, 180000.0, "year")),
    ("$150k - $230k", ("salary", "USD", 150000.0, 230000.0, "year")),
    ("USD 30 per hour", ("hourly", "USD", 30.0, 30.0, "hour")),
    ("EUR 25/h", ("hourly", "EUR", 25.0, 25.0, "hour")),
    ("USD 3000-4000 per month", ("salary", "USD", 3000.0, 4000.0, "month")),
    ("(Budget: ₹600 - ₹1500 INR", ("budget", "INR", 600.0, 1500.0, "fixed")),
    ("(Budget: $25 USD / hr)", ("hourly", "USD", 25.0, 25.0, "hour")),
    ("Salary: 175000 - 200000 USD per year", ("salary", "USD", 175000.0, 200000.0, "year")),
    ("Salary: $31,2k- $52k", ("salary", "USD", 31200.0, 52000.0, "year")),
    ("Salary: $90 - $150 /hour", ("hourly", "USD", 90.0, 150.0, "hour")),
    ("Budget: 250 - 750 CAD", ("budget", "CAD", 250.0, 750.0, "fixed")),
    ("Budget: $1,500", ("budget", "USD", 1500.0, 1500.0, "fixed")),  # Upwork's footer rule
]


@pytest.mark.parametrize(("text", "want"), CASES, ids=[c[0] for c in CASES])
def test_phrase(text: str, want: tuple[object, ...]) -> None:
    pay = parse_pay(text)
    assert (pay.pay_kind, pay.currency, pay.amount_low, pay.amount_high, pay.period) == want


@pytest.mark.parametrize(
    "text", ["we raised $2,000,000 in 2020", "Salary: $3k - $10k", "rate: 5 stars", "2 to 3 days"]
)
def test_not_pay(text: str) -> None:
    assert parse_pay(text).pay_kind == "none"


def test_a_yearly_salary_stays_yearly_and_its_hourly_equivalent_uses_one_constant() -> None:
    pay = parse_pay("Salary: 104000 USD per year")
    assert pay.period == "year" and pay.amount_low == 104000.0
    usd = compute_usd(pay, 2024, read_exchange_rates())
    assert usd.hourly_mid == round(104000.0 / HOURS_PER_YEAR, 2)


def test_inr_budget_converts_as_a_budget_never_hourly() -> None:
    usd = compute_usd(parse_pay("Budget: ₹600 - ₹1500 INR"), 2024, read_exchange_rates())
    assert usd.hourly_mid is None and usd.budget is not None and 10 < usd.budget < 15
