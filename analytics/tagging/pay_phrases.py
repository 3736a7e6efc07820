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
# A site's field line, as the collector writes them and Freelancer.com shows them:
# "Salary: 175000 - 200000 USD per year", "(Budget: $25 USD / hr)", "Budget: ₹600 - ₹1500 INR"
LABELLED = re.compile(
    rf"\b(?P<label>Salary|Budget|Pay|Compensation|Rate)\s*:\s*(?:up to\s+|OTE\s+)?"
    rf"{AMOUNT}(?:{_PERIOD_TAIL})?",
    re.IGNORECASE,
)
# Free text with a period, the currency first: "USD 30 per hour", "EUR 25/h",
# "USD 3000-4000 per month", "₹500 per hour", "$90 - $150 /hour"
CURRENCY_FIRST = re.compile(
    rf"(?P<c1>{_SYM}|{_CODE}\s?)\s?(?P<lo>{NUM})\s?(?P<klo>[kK]\b)?"
    rf"(?:\s*(?:-|–|—|to)\s*(?P<c2>{_SYM}|{_CODE}\s?)?\s?(?P<hi>{NUM})\s?(?P<khi>[kK]\b)?)?"
    rf"(?:\s?(?P<c3>{_CODE}))?{_PERIOD_TAIL}",
    re.IGNORECASE,
)
# ... or the code after the amount: "25 INR per hour", "40-50 CAD/h"
CODE_AFTER = re.compile(
    rf"(?<![\d.,])(?P<lo>{NUM})\s?(?P<klo>[kK])?(?:\s*(?:-|–|—|to)\s*(?P<hi>{NUM})\s?"
    rf"(?P<khi>[kK])?)?\s?(?P<c3>{_CODE}){_PERIOD_TAIL}",
    re.IGNORECASE,
)
# "Salary up to $185,500 + equity", "compensation: $120k" (a salary word, then an amount)
SALARY_WORD = re.compile(
    rf"\b(?:salary|compensation|base pay)\b[^\n\d$£€₹]{{0,25}}?(?:up to\s+)?{AMOUNT}",
    re.IGNORECASE,
)
SALARY_WORDS = ("salary", "compensation", "base pay")
# "$150k - $230k", "$96,000—$180,000 USD": a range of two symbol amounts, no period
BARE_RANGE = re.compile(
    rf"(?P<c1>{_SYM})\s?(?P<lo>{NUM})\s?(?P<klo>[kK]\b)?\s*(?:-|–|—|to)\s*"
    rf"(?P<c2>{_SYM})?\s?(?P<hi>{NUM})\s?(?P<khi>[kK]\b)?(?:\s?(?P<c3>{_CODE}))?"
)
# Where a currency can start, for the substring pre-checks (as pay.RuleStarts does): the
# lower-cased needles, and the characters re.IGNORECASE folds differently from .lower()
CURRENCY_NEEDLES = ("$", "£", "€", "₹", "usd", "eur", "gbp", "inr", "cad", "aud",
                    "us$", "ca$", "au$", "c$", "a$")  # fmt: skip
CODE_NEEDLES = ("usd", "eur", "gbp", "inr", "cad", "aud")
FIELD_GATE = re.compile(r"(?:salary|budget|pay|compensation|rate)\s*:")
FOLD_EXCEPTIONS = ("ſ", "ı", "K")  # "ſ" ~ "s", "ı" ~ "i", the Kelvin sign ~ "k"


def _starts(lowered: str, text: str, needles: tuple[str, ...]) -> list[int] | None:
    """Every position a needle starts at, in order (None: lowering is not one-to-one, so
    positions cannot be trusted and the caller searches the whole text)."""
    if len(lowered) != len(text) or any(c in lowered for c in FOLD_EXCEPTIONS):
        return None
    found: set[int] = set()
    for needle in needles:
        i = lowered.find(needle)
        while i >= 0:
            found.add(i)
            i = lowered.find(needle, i + 1)
    return sorted(found)


def _search(pattern: re.Pattern[str], text: str, starts: list[int] | None) -> re.Match[str] | None:
    """pattern.search(text) for a pattern whose matches begin at a needle: tried only there."""
    if starts is None:
        return pattern.search(text)
    for i in starts:
        if match := pattern.match(text, i):
            return match
    return None


def _first(lowered: str, text: str, needles: tuple[str, ...]) -> int | None:
    """Where the first needle is (0 when lowering is not one-to-one), None when none is."""
    found = [i for n in needles if (i := lowered.find(n)) >= 0]
    if not found and not any(c in lowered for c in FOLD_EXCEPTIONS):
        return None
    if len(lowered) != len(text) or any(c in lowered for c in FOLD_EXCEPTIONS):
        return 0
    return min(found)


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


def parse_labelled(text: str, *, early: bool = True, lowered: str | None = None) -> Phrase | None:
    """A "Salary:"/"Budget:"/"Pay:" field. `early` (checked before Upwork's plain "Budget:
    $1,500" footer) takes only fields that say more than it can: a currency code, a non-dollar
    symbol, a period, or a "Salary:" line (the collector writes the sites' salary fields so);
    the rest are read after the footer and symbol rules (early=False). `lowered`: the text
    lower-cased, when the caller has it."""
    lowered = text.lower() if lowered is None else lowered
    gate = FIELD_GATE.search(lowered)
    one_to_one = len(lowered) == len(text) and not any(c in lowered for c in FOLD_EXCEPTIONS)
    if gate is None and one_to_one:
        return None
    start = gate.start() if gate is not None and one_to_one else 0
    for match in LABELLED.finditer(text, start):
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
    lowered = text.lower()
    if _first(lowered, text, CURRENCY_NEEDLES) is None:
        return None
    starts = _starts(lowered, text, CURRENCY_NEEDLES)
    if match := _search(CURRENCY_FIRST, text, starts):
        return parse_phrase(match)
    if _first(lowered, text, CODE_NEEDLES) is not None and (match := CODE_AFTER.search(text)):
        return parse_phrase(match)
    if _first(lowered, text, SALARY_WORDS) is not None:
        for match in SALARY_WORD.finditer(text):
            if _currency(match) and (found := _yearly_if_large(parse_phrase(match))):
                return found
    for i in starts if starts is not None else [None]:
        matches = BARE_RANGE.finditer(text) if i is None else [BARE_RANGE.match(text, i)]
        for match in matches:
            if match and (found := _yearly_if_large(parse_phrase(match))):
                return found
    return None
