"""Pay extraction: the Upwork footer and free-text rates, in their original currency and period.

`parse_pay(text)` is pure and returns a `Pay` naming the rule that produced it. USD figures
come from `compute_usd(pay, year, rates)` with the dated table in taxonomy/exchange_rates.toml.
Fixed budgets stay budgets: they are never turned into hourly rates.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from analytics.tagging.pay_phrases import Phrase, parse_free, parse_labelled
from analytics.tagging.pay_starts import (
    CURRENCY_STARTS,
    CURRENCY_WORD_STEMS,
    FOLD_EXCEPTIONS,
    RuleStarts,
    _may_name_currency,
)

__all__ = ["CURRENCY_STARTS", "CURRENCY_WORD_STEMS", "FOLD_EXCEPTIONS", "RuleStarts",
           "_may_name_currency"]  # fmt: skip  # re-exported: they were defined here

EXCHANGE_RATES_FILE = Path(__file__).parent / "taxonomy" / "exchange_rates.toml"

HOURS_PER_YEAR = 2080.0  # 40 h/week x 52 weeks: the usual full-time conversion of a salary
HOURS_PER_PERIOD = {
    "hour": 1.0,
    "day": 8.0,  # one 8-hour working day
    "week": 40.0,
    "month": HOURS_PER_YEAR / 12,
    "year": HOURS_PER_YEAR,
}
MAX_PLAUSIBLE_HOURLY_USD = 1000.0  # Upwork's labelled 2023 data tops out at $749.50/h
MIN_PLAUSIBLE_HOURLY_USD = 1.0  # Upwork's floor for hourly contracts is about $3/h
MAX_PLAUSIBLE_BUDGET_USD = 1_000_000.0  # the largest budget in the shared data is $250,000

CURRENCY_SYMBOLS = {"$": "USD", "£": "GBP", "€": "EUR", "usd": "USD", "gbp": "GBP", "eur": "EUR"}
# Words that can start a site's pay field ("Salary: ...", "(Budget: $25 USD / hr)")
PAY_FIELD_WORDS = ("salary", "budget", "pay", "compensation", "rate")
PERIOD_WORDS = {
    "hour": "hour", "hr": "hour", "h": "hour", "hourly": "hour",
    "day": "day", "daily": "day",
    "week": "week", "wk": "week", "weekly": "week",
    "month": "month", "mo": "month", "monthly": "month",
    "year": "year", "yr": "year", "annum": "year", "annually": "year", "yearly": "year",
}  # fmt: skip

_NUM = r"\d[\d,]*(?:\.\d+)?"

# "Hourly Range: $15.00-$30.00" -> (15.0, 30.0); "Hourly Range</b>: $25.00" -> (25.0, None)
FOOTER_HOURLY = re.compile(
    rf"Hourly Range(?:</b>)?\s*:\s*\$\s*(?P<lo>{_NUM})(?:\s*-\s*\$?\s*(?P<hi>{_NUM}))?",
    re.IGNORECASE,
)
# "Hourly: $25.00 - $35.00" -> (25.0, 35.0) (Upwork search pages, 2025)
LABEL_HOURLY = re.compile(
    rf"\bHourly\s*:\s*\$\s*(?P<lo>{_NUM})(?:\s*-\s*\$?\s*(?P<hi>{_NUM}))?", re.IGNORECASE
)
# "Est. budget:\n$150.00" -> 150.0 (Upwork search pages); checked before FOOTER_BUDGET
EST_BUDGET = re.compile(
    rf"Est\.?\s*budget\s*:\s*\$\s*(?P<lo>{_NUM})(?:\s*-\s*\$?\s*(?P<hi>{_NUM}))?", re.IGNORECASE
)
# "Budget: $1,500" -> 1500.0; "<b>Budget</b>: $500-$750" -> (500.0, 750.0)
FOOTER_BUDGET = re.compile(
    rf"\bBudget(?:</b>)?\s*:\s*\$\s*(?P<lo>{_NUM})(?:\s*-\s*\$?\s*(?P<hi>{_NUM}))?",
    re.IGNORECASE,
)
# "$30/hr", "£20-25 per hour", "€25/h", "$120k/yr", "$40 - $60 an hour", "USD 30 per hour"
FREE_SYMBOL_FIRST = re.compile(
    rf"(?P<cur>[$£€]|\b(?:USD|GBP|EUR)\b)\s?(?P<lo>{_NUM})\s?(?P<klo>k\b)?"
    rf"(?:\s*(?:-|–|to)\s*(?:[$£€]|USD|GBP|EUR)?\s?(?P<hi>{_NUM})\s?(?P<khi>k\b)?)?"
    r"[ \t]*(?:/|\bper\b|\ban?\b|\beach\b)[ \t]*"
    r"(?P<per>hour|hr|h|day|week|wk|month|mo|year|yr|annum)\b",
    re.IGNORECASE,
)
# "30 USD per hour", "25-30 EUR/h", "20 GBP an hour"
FREE_CODE_AFTER = re.compile(
    rf"(?<![\d.,])(?P<lo>{_NUM})\s?(?P<klo>k)?(?:\s*(?:-|–|to)\s*(?P<hi>{_NUM})\s?(?P<khi>k)?)?"
    r"\s*(?P<cur>USD|GBP|EUR|dollars?|euros?|pounds?)"
    r"[ \t]*(?:/|\bper\b|\ban?\b)[ \t]*(?P<per>hour|hr|h|day|week|wk|month|mo|year|yr|annum)\b",
    re.IGNORECASE,
)
# The period must sit on the same line as the amount: "= $360\n\nPer Month = $1,440" is a
# weekly figure followed by a heading, not "$360 per month".
# "$2,000" (a bare amount with no period) is not read as pay: too often a revenue or a price.

WORD_CURRENCIES = {"dollar": "USD", "euro": "EUR", "pound": "GBP"}


@dataclass(frozen=True)
class Pay:
    """Pay as written. Amounts are in `currency`; `period` is hour/day/week/month/year/fixed."""

    pay_kind: str  # 'hourly' | 'budget' | 'salary' | 'none'
    currency: str | None = None
    amount_low: float | None = None
    amount_high: float | None = None
    period: str | None = None
    flag: str | None = None
    rule: str = "no_pay_found"
    raw_text: str | None = None


NO_PAY = Pay(pay_kind="none")


def _number(text: str | None, thousands: str | None = None) -> float | None:
    # "1,500.00" -> 1500.0; "120" with "k" -> 120000.0
    if text is None:
        return None
    value = float(text.replace(",", ""))
    return value * 1000 if thousands else value


def _flag(kind: str, low: float | None, high: float | None, hours: float | None) -> str | None:
    values = [v for v in (low, high) if v is not None]
    if not values:
        return None
    if any(v < 0 for v in values):
        return "negative"
    if any(v == 0 for v in values):
        return "zero"
    if low is not None and high is not None and high < low:
        return "inverted_range"
    if kind == "budget":
        return "implausible_high" if max(values) > MAX_PLAUSIBLE_BUDGET_USD else None
    if hours:
        per_hour = [v / hours for v in values]
        if max(per_hour) > MAX_PLAUSIBLE_HOURLY_USD:
            return "implausible_high"
        if min(per_hour) < MIN_PLAUSIBLE_HOURLY_USD:
            return "implausible_low"
    return None


def _structured(match: re.Match[str], kind: str, rule: str) -> Pay:
    low = _number(match["lo"])
    high = _number(match["hi"]) if match["hi"] else low
    period = "hour" if kind == "hourly" else "fixed"
    hours = 1.0 if kind == "hourly" else None
    return Pay(
        pay_kind=kind,
        currency="USD",
        amount_low=low,
        amount_high=high,
        period=period,
        flag=_flag(kind, low, high, hours),
        rule=rule,
        raw_text=match.group(0),
    )


def _free(match: re.Match[str], rule: str) -> Pay:
    cur_text = match["cur"].lower().rstrip("s")
    currency = CURRENCY_SYMBOLS.get(cur_text) or WORD_CURRENCIES.get(cur_text, cur_text.upper())
    period = PERIOD_WORDS[match["per"].lower()]
    # "$120-150k/yr": a trailing k on the high end applies to the low end too
    k_low = match["klo"] or (match["khi"] if match["hi"] else None)
    low = _number(match["lo"], k_low)
    high = _number(match["hi"], match["khi"]) if match["hi"] else low
    kind = "hourly" if period == "hour" else "salary"
    return Pay(
        pay_kind=kind,
        currency=currency,
        amount_low=low,
        amount_high=high,
        period=period,
        flag=_flag(kind, low, high, HOURS_PER_PERIOD[period]),
        rule=rule,
        raw_text=match.group(0),
    )


def _from_phrase(phrase: Phrase, rule: str) -> Pay:
    """A Pay from a pay_phrases Phrase: fixed -> budget, hour -> hourly, else salary (which
    keeps its own period: a yearly salary stays yearly)."""
    period = phrase.period or "fixed"
    kind = "budget" if period == "fixed" else "hourly" if period == "hour" else "salary"
    low = None if "up to" in phrase.raw.lower() else phrase.low  # "up to X": a ceiling only
    return Pay(
        pay_kind=kind,
        currency=phrase.currency or "USD",
        amount_low=low,
        amount_high=phrase.high,
        period=period,
        flag=_flag(kind, low, phrase.high, HOURS_PER_PERIOD.get(period)),
        rule=rule,
        raw_text=phrase.raw,
    )


def parse_pay(text: str | None) -> Pay:
    """The pay stated in a posting's text (footer first, then a site's pay field, then free
    text), or NO_PAY."""
    if not text:
        return NO_PAY
    lowered = text.lower()
    has_money = "$" in text or "£" in text or "€" in text
    if has_money:
        starts = RuleStarts(text, lowered)
        if m := starts.search(FOOTER_HOURLY, starts.at("hourly range")):
            return _structured(m, "hourly", "upwork_footer_hourly_range")
        budget_at = starts.at("budget")
        if m := starts.search(EST_BUDGET, starts.before_est(budget_at)):
            return _structured(m, "budget", "upwork_est_budget")
    fields = ":" in text and any(w in lowered for w in PAY_FIELD_WORDS)
    if fields and (phrase := parse_labelled(text, lowered=lowered)):
        return _from_phrase(phrase, "site_pay_field")
    if has_money:
        starts = RuleStarts(text, lowered)
        if m := starts.search(FOOTER_BUDGET, starts.at("budget")):
            return _structured(m, "budget", "upwork_footer_budget")
        if m := starts.search(LABEL_HOURLY, starts.at("hourly")):
            return _structured(m, "hourly", "upwork_hourly_label")
        if m := starts.search(FREE_SYMBOL_FIRST, starts.first_currency()):
            return _free(m, "free_text_symbol_rate")
    if _may_name_currency(lowered) and (m := FREE_CODE_AFTER.search(text)):
        return _free(m, "free_text_code_rate")
    if fields and (phrase := parse_labelled(text, early=False, lowered=lowered)):
        return _from_phrase(phrase, "site_pay_field")
    if (has_money or "₹" in text or _may_name_currency(lowered)) and (phrase := parse_free(text)):
        return _from_phrase(phrase, "free_text_salary" if phrase.period == "year" else
                            "free_text_any_currency")  # fmt: skip
    return NO_PAY


@cache
def read_exchange_rates(path: Path = EXCHANGE_RATES_FILE) -> dict[int, dict[str, float]]:
    """USD per unit of each currency by year, from the shipped TOML table."""
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    return {int(year): dict(rates) for year, rates in data["rates"].items()}


def usd_per_unit(
    currency: str | None, year: int, rates: dict[int, dict[str, float]]
) -> float | None:
    """USD per one `currency` in `year` (clamped to the table's years); None if unknown."""
    if currency is None:
        return None
    clamped = min(max(year, min(rates)), max(rates))
    return rates[clamped].get(currency)


@dataclass(frozen=True)
class UsdPay:
    """USD figures for one Pay: hourly for hourly/salary pay, a budget for fixed pay."""

    hourly_low: float | None = None
    hourly_high: float | None = None
    hourly_mid: float | None = None
    budget: float | None = None


def compute_usd(pay: Pay, year: int, rates: dict[int, dict[str, float]]) -> UsdPay:
    """Convert `pay` to USD at `year`'s rate. Flagged or unconvertible pay gives no figures."""
    fx = usd_per_unit(pay.currency, year, rates)
    if pay.flag or fx is None or pay.amount_low is None:
        return UsdPay()
    high = pay.amount_high if pay.amount_high is not None else pay.amount_low
    if pay.pay_kind == "budget":
        return UsdPay(budget=round((pay.amount_low + high) / 2 * fx, 2))
    hours = HOURS_PER_PERIOD.get(pay.period or "", None)
    if hours is None:
        return UsdPay()
    low_h = round(pay.amount_low * fx / hours, 2)
    high_h = round(high * fx / hours, 2)
    return UsdPay(hourly_low=low_h, hourly_high=high_h, hourly_mid=round((low_h + high_h) / 2, 2))
