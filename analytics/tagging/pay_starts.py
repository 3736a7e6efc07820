"""Where each pay regex can first match: substring pre-checks on the lower-cased text that
spare parse_pay (analytics/tagging/pay.py) most regex searches, with the same result."""

from __future__ import annotations

import re

# FREE_CODE_AFTER needs one of these words; most postings have none, and a substring test is
# ~20x cheaper than the regex. "ſ" (long s) is listed because re.IGNORECASE matches it to "s".
CURRENCY_WORD_STEMS = ("usd", "gbp", "eur", "dollar", "pound", "ſ")
# where FREE_SYMBOL_FIRST can start: a symbol or a code ("USD 30 per hour")
CURRENCY_STARTS = ("$", "£", "€", "usd", "gbp", "eur")
# Characters re.IGNORECASE matches to an ASCII letter although their .lower() is not that
# letter: "ſ" ~ "s", "ı" and "İ" ~ "i". The needles below avoid "i" and "s"; a text with "ſ"
# is searched from its start (tests/test_rates_prefilter.py checks this over all of Unicode).
FOLD_EXCEPTIONS = ("ſ",)


class RuleStarts:
    """Where each pay regex can first match, from a substring search on the lower-cased text.

    Each footer rule begins with a fixed word ("Hourly Range", "Budget", "Hourly"; "Est.
    budget" ends with one): re.IGNORECASE matches that word only where the lower-cased text
    holds it, so no match starts before its first occurrence, and a word that is absent
    means no match at all. Searching from there instead of the start is ~5x cheaper and gives
    the same match. When lowering changes the text's length ("İ" -> "i̇"), positions differ and
    the regex searches from the start (absence still rules the rule out).
    """

    def __init__(self, text: str, lowered: str) -> None:
        self.text = text
        self.lowered = lowered
        self.one_to_one = len(lowered) == len(text)

    def at(self, needle: str) -> int | None:
        """Where a match beginning with `needle` can first start; None: nowhere."""
        found = self.lowered.find(needle)
        if found < 0:
            return None
        return found if self.one_to_one else 0

    def before_est(self, budget_at: int | None) -> int | None:
        """Where "Est.<spaces>budget" can first start, given the first "budget"."""
        if budget_at is None or not budget_at:
            return budget_at
        k = budget_at  # "Est. budget": back over the spaces, the optional ".", then "est"
        while k > 0 and self.text[k - 1].isspace():
            k -= 1
        if k > 0 and self.text[k - 1] == ".":
            k -= 1
        return max(0, k - 3)

    def first_currency(self) -> int | None:
        """Where FREE_SYMBOL_FIRST can first start: the first symbol or currency code."""
        if not self.one_to_one or any(c in self.lowered for c in FOLD_EXCEPTIONS):
            return 0
        found = [i for c in CURRENCY_STARTS if (i := self.lowered.find(c)) >= 0]
        return min(found) if found else None

    def search(self, pattern: re.Pattern[str], start: int | None) -> re.Match[str] | None:
        """`pattern.search(text)`, begun at `start` (None: it cannot match)."""
        return None if start is None else pattern.search(self.text, start)


def _may_name_currency(lowered: str) -> bool:
    """False only when FREE_CODE_AFTER cannot match (`lowered` is the lower-cased text):
    "paid 30 usd per hour" -> True."""
    return any(stem in lowered for stem in CURRENCY_WORD_STEMS)
