"""Before/after windows around an event, and the wide daily frame the delta methods read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

DELTA_WINDOW_DAYS = 364  # 52 weeks: each window spans whole weekly and yearly cycles
DELTA_LAG_DAYS = 91  # skip a quarter after the event: effects ramp in, the lag keeps it out
MIN_WINDOW_DAYS = 28  # a comparison of fewer than four weeks per side is not reported
BASE_FLOOR_POSTINGS = 30  # a percent change off fewer postings than this is not meaningful


@dataclass(frozen=True)
class Windows:
    """Inclusive date ranges; `days` per side (equal on both sides)."""

    before_start: date
    before_end: date
    after_start: date
    after_end: date

    @property
    def days(self) -> int:
        return (self.before_end - self.before_start).days + 1


def compute_windows(
    first_day: date,
    as_of: date,
    event: date,
    *,
    window_days: int = DELTA_WINDOW_DAYS,
    lag_days: int = DELTA_LAG_DAYS,
) -> Windows | None:
    """Equal before/after windows, clipped to complete data; None when under MIN_WINDOW_DAYS.

    before = the days just before `event`; after = starting `lag_days` after it, ending before
    `as_of` (the as-of day is incomplete). Both shrink to the shorter one's length.
    """
    after_start = event + timedelta(days=lag_days)
    available_before = (event - first_day).days
    available_after = (as_of - after_start).days
    days = min(window_days, available_before, available_after)
    if days < MIN_WINDOW_DAYS:
        return None
    return Windows(
        before_start=event - timedelta(days=days),
        before_end=event - timedelta(days=1),
        after_start=after_start,
        after_end=after_start + timedelta(days=days - 1),
    )


def compute_wide_counts(counts: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Daily n per (kind, subject) as columns, complete days only, missing days as zero."""
    cutoff = pd.Timestamp(as_of)
    kept = counts[counts["date"] < cutoff]
    wide = kept.pivot_table(
        index="date", columns=["kind", "subject"], values="n", aggfunc="sum", fill_value=0
    )
    if wide.empty:
        return wide
    full = pd.date_range(wide.index.min(), cutoff - pd.Timedelta(days=1), freq="D")
    return wide.reindex(full, fill_value=0).astype("float64")


def subject_columns(wide: pd.DataFrame) -> list[tuple[str, str]]:
    """The (kind, subject) columns of a wide frame other than ('all', 'all')."""
    return [(str(c[0]), str(c[1])) for c in wide.columns if c[0] != "all"]


def control_total(wide: pd.DataFrame, controls: list[str]) -> pd.Series:
    """Daily sum of the named categories' postings."""
    return wide.loc[:, [("category", c) for c in controls]].sum(axis=1)


def category_names(wide: pd.DataFrame) -> set[str]:
    return {s for k, s in subject_columns(wide) if k == "category"}


def select(series: pd.Series | pd.DataFrame, start: date, end: date) -> pd.Series:
    """Rows of a date-indexed series with start <= date <= end."""
    out = series.loc[pd.Timestamp(start) : pd.Timestamp(end)]
    assert isinstance(out, pd.Series)
    return out
