"""Pay as today's job sites write it, beyond Upwork's footer: any currency (symbol or ISO
code, before or after the amount), "k" thousands, hyphen/en/em-dash ranges, "up to", a period
or none. A bare salary with no period is yearly only when it is large enough to be one.

Each regex has its example; `parse_phrase_pay` returns a Pay (analytics/tagging/pay.py) or None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

NUM = r"\d[\d,]*(?:\.\d+)?"
SYMBOLS = {"$": "USD", "£": "GBP", "€": "EUR", "₹": "INR", "us$": "USD", "ca$": "CAD",
           "c$": "CAD", "a$": "AUD", "au$": "AUD"}  # fmt: skip
CODES = ("USD", "EUR", "GBP", "INR", "CAD", "AUD")
_SYM = r"(?:US\$|CA\$|AU\$|C\$|A\$|[$£€₹])"
_CODE = r"(?:USD|EUR|GBP|INR|CAD|AUD)\b"
_PER = r"(?P<per>hour|hr|h|day|week|wk|month|mo|year|yr|annum)\b"
PERIODS = {"hour": "hour", "hr": "hour", "h": "hour", "day": "day", "week": "week",
           "wk": "week", "month": "month", "mo": "month", "year": "year", "yr": "year",
           "annum": "year"}  # fmt: skip
# A low [- high] amount with its currency anywhere around it:
# "$96,000—$180,000 USD", "USD 3000-4000", "₹600 - ₹1500 INR", "$160k–$180k", "$31,2k- $52k"
AMOUNT = (
    rf"(?P<c1>{_SYM}|{_CODE}\s?)?\s?(?P<lo>{NUM})\s?(?P<klo>[kK]\b)?"
    rf"(?:\s*(?:-|–|—|to)\s*(?P<c2>{_SYM}|{_CODE}\s?)?\s?(?P<hi>{NUM})\s?(?P<khi>[kK]\b)?)?"
    rf"(?:\s?(?P<c3>{_CODE}))?"
)
# ... followed by a period: "25 USD per hour", "$25 USD / hr", "EUR 25/h", "$90 - $150 /hour"
_PERIOD_TAIL = rf"[ \t]*(?:/|\bper\b|\ban?\b)[ \t]*{_PER}"
WITH_PERIOD = rf"{AMOUNT}{_PERIOD_TAIL}"
# A site's field line, as the collector writes them and Freelancer.com shows them:
# "Salary: 175000 - 200000 USD per year", "(Budget: $25 USD / hr)", "Budget: ₹600 - ₹1500 INR"
LABELLED = re.compile(
    rf"\b(?P<label>Salary|Budget|Pay|Compensation|Rate)\s*:\s*(?:up to\s+|OTE\s+)?"
    rf"{AMOUNT}(?:{_PERIOD_TAIL})?",
    re.IGNORECASE,
)
# Free text with a period and the currency as a code first or a non-dollar symbol:
# "USD 30 per hour", "EUR 25/h", "USD 3000-4000 per month", "₹500 per hour"
FREE_WITH_PERIOD = re.compile(WITH_PERIOD, re.IGNORECASE)
# "Salary up to $185,500 + equity", "compensation: $120k" (a salary word, then an amount)
SALARY_WORD = re.compile(
    rf"\b(?:salary|compensation|base pay)\b[^\n\d$£€₹]{{0,25}}?(?:up to\s+)?{AMOUNT}",
    re.IGNORECASE,
)
# "$150k - $230k", "$96,000—$180,000 USD": a range of two symbol amounts, no period
BARE_RANGE = re.compile(
    rf"(?P<c1>{_SYM})\s?(?P<lo>{NUM})\s?(?P<klo>[kK]\b)?\s*(?:-|–|—|to)\s*"
    rf"(?P<c2>{_SYM})?\s?(?P<hi>{NUM})\s?(?P<khi>[kK]\b)?(?:\s?(?P<c3>{_CODE}))?"
)
# A stated amount with no period is a yearly salary only at or above this: below it a bare
# figure is as likely a monthly salary, a budget or a price ("$3k - $10k" stays unread).
MIN_YEARLY_WITHOUT_PERIOD = 15_000.0


@dataclass(frozen=True)
class Phrase:
    """What a phrase says: amounts in `currency`, `period` hour..year, fixed or None."""

    currency: str | None
    low: float | None
    high: float | None
    period: str | None
    raw: str


def _currency(match: re.Match[str]) -> str | None:
    for group in ("c3", "c1", "c2"):
        value = (match.groupdict().get(group) or "").strip()
        if value:
            return SYMBOLS.get(value.lower(), value.upper())
    return None


def _number(text: str | None, k: str | None) -> float | None:
    # "185,500" -> 185500.0; "160" with "k" -> 160000.0; "31,2" with "k" -> 31200.0 (a
    # decimal comma before a k)
    if text is None:
        return None
    if k and re.fullmatch(r"\d+,\d", text):
        text = text.replace(",", ".")
    value = float(text.replace(",", ""))
    return value * 1000 if k else value


def parse_phrase(match: re.Match[str], default_period: str | None = None) -> Phrase:
    """The amounts, currency and period of a match of one of this module's regexes."""
    groups = match.groupdict()
    k_low = groups.get("klo") or (groups.get("khi") if groups.get("hi") else None)
    low = _number(groups.get("lo"), k_low)
    high = _number(groups.get("hi"), groups.get("khi")) if groups.get("hi") else low
    per = groups.get("per")
    period = PERIODS[per.lower()] if per else default_period
    return Phrase(_currency(match), low, high, period, match.group(0).strip())


def parse_labelled(text: str, *, early: bool = True) -> Phrase | None:
    """A "Salary:"/"Budget:"/"Pay:" field. `early` (checked before Upwork's plain "Budget:
    $1,500" footer) takes only fields that say more than it can: a currency code, a non-dollar
    symbol, a period, or a "Salary:" line (the collector writes the sites' salary fields so);
    the rest are read after the footer and symbol rules (early=False)."""
    for match in LABELLED.finditer(text):
        if match["lo"] is None:
            continue
        label = match["label"].lower()
        rich = bool(match["per"] or match["c3"] or (match["c1"] or "").strip() not in ("", "$"))
        line_start = match.start() == 0 or text[match.start() - 1] == "\n"
        if early and not (rich or (label == "salary" and line_start)):
            continue
        if label == "budget":
            if rich or not early:
                return parse_phrase(match, "fixed")
            continue
        phrase = parse_phrase(match)
        return phrase if phrase.period else _yearly_if_large(phrase)
    return None


def _yearly_if_large(phrase: Phrase) -> Phrase | None:
    """A salary with no period: yearly when every amount is at least a year's pay."""
    amounts = [a for a in (phrase.low, phrase.high) if a is not None]
    if amounts and min(amounts) >= MIN_YEARLY_WITHOUT_PERIOD:
        return Phrase(phrase.currency or "USD", phrase.low, phrase.high, "year", phrase.raw)
    return None


def parse_free(text: str) -> Phrase | None:
    """Free-text pay: with a period and any currency, else a salary word or a bare range
    of yearly size."""
    for match in FREE_WITH_PERIOD.finditer(text):
        if _currency(match):
            return parse_phrase(match)
    for pattern in (SALARY_WORD, BARE_RANGE):
        for match in pattern.finditer(text):
            if _currency(match) and (found := _yearly_if_large(parse_phrase(match))):
                return found
    return None
