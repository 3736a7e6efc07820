"""When to poll a feed next (pure): the feed's own limit after an answer, Retry-After when the
server gave one, else exponential backoff with jitter; never again for a feed that is gone."""

from __future__ import annotations

import email.utils
import random
from datetime import datetime, timedelta

from warehouse.feed_state import Outcome

BACKOFF_BASE_S = 300.0  # first retry after a transient failure: 5 minutes ...
BACKOFF_MAX_S = 24 * 3600.0  # ... doubling up to a day
RETRY_AFTER_MAX_S = 7 * 24 * 3600.0  # ignore absurd Retry-After values beyond a week


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a Retry-After header: "120" -> 120.0;
    "Wed, 21 Oct 2026 07:28:00 GMT" -> seconds until then (>= 0); garbage -> None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), RETRY_AFTER_MAX_S)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return min(max((when - now).total_seconds(), 0.0), RETRY_AFTER_MAX_S)


def compute_next_poll(
    outcome: Outcome,
    now: datetime,
    min_interval_s: int,
    consecutive_failures: int,
    retry_after_s: float | None = None,
    rng: random.Random | None = None,
) -> datetime | None:
    """When to poll next. `consecutive_failures` counts failures before this one.

    ok/not_modified: after the feed's own limit. gone: never (None). retry/failed: honour
    Retry-After when given, else exponential backoff with +-20 % jitter, never sooner
    than the feed's limit.
    """
    if outcome == "gone":
        return None
    if outcome in ("ok", "not_modified"):
        return now + timedelta(seconds=min_interval_s)
    if retry_after_s is not None:
        wait = max(retry_after_s, 1.0)
    else:
        backoff = min(BACKOFF_BASE_S * 2 ** min(consecutive_failures, 20), BACKOFF_MAX_S)
        jitter = (rng or random.Random()).uniform(0.8, 1.2)
        wait = max(backoff * jitter, float(min_interval_s))
    return now + timedelta(seconds=wait)
