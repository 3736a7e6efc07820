"""Before/after windows around an event, and the wide daily frame the delta methods read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
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
    whole_weeks: bool = True,
) -> Windows | None:
    """Equal before/after windows, clipped to complete data; None when under MIN_WINDOW_DAYS.

    before = the days just before `event`; after = starting `lag_days` after it, ending before
    `as_of` (the as-of day is incomplete). Both shrink to the shorter one's length, in whole
    weeks (the methods estimate on weekly sums).
    """
    after_start = event + timedelta(days=lag_days)
    available_before = (event - first_day).days
    available_after = (as_of - after_start).days
    days = min(window_days, available_before, available_after)
    if whole_weeks:
        days = days // 7 * 7
    if days < MIN_WINDOW_DAYS:
        return None
    return Windows(
        before_start=event - timedelta(days=days),
        before_end=event - timedelta(days=1),
        after_start=after_start,
        after_end=after_start + timedelta(days=days - 1),
    )


def compute_wide_counts(counts: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Daily n per (kind, subject) as columns, from the first to the last collected day.

    A collected day is one with any posting before `as_of` (the as-of day is incomplete).
    The frame stops at the last collected day: days after it are not known to be zero (an
    outage, or a feed that has not been polled yet), so they are not there. Days inside the
    range with no posting at all are gaps: their row is NaN in every column (excluded, never
    counted as zero); a subject with no posting on a collected day has n = 0.
    """
    cutoff = pd.Timestamp(as_of)
    kept = counts[counts["date"] < cutoff]
    wide = kept.pivot_table(
        index="date", columns=["kind", "subject"], values="n", aggfunc="sum", fill_value=0
    )
    if wide.empty:
        return wide
    full = pd.date_range(wide.index.min(), wide.index.max(), freq="D")
    return wide.reindex(full).astype("float64")


def compute_gap_days(wide: pd.DataFrame) -> list[date]:
    """Days inside the collected range with no posting at all (NaN rows of the wide frame)."""
    if wide.empty:
        return []
    gaps = wide.index[wide.isna().all(axis=1)]
    return [d.date() for d in gaps]


def render_gap_ranges(gaps: list[date]) -> str:
    """'2023-01-02..2023-01-08, 2023-05-01' from sorted gap days."""
    ranges: list[tuple[date, date]] = []
    for day in gaps:
        if ranges and (day - ranges[-1][1]).days == 1:
            ranges[-1] = (ranges[-1][0], day)
        else:
            ranges.append((day, day))
    return ", ".join(str(a) if a == b else f"{a}..{b}" for a, b in ranges)


def compute_weekly(series: pd.Series, start: date, weeks: int) -> pd.Series:
    """Postings per 7-day week from `start`, indexed by week number 0..weeks-1.

    A week with a gap day (NaN) is left out: its sum would read as a fall.
    """
    values = compute_daily_values(series, start, 7 * weeks).reshape(weeks, 7)
    sums = pd.Series(values.sum(axis=1), index=range(weeks))
    return sums[~np.isnan(values).any(axis=1)]


def compute_daily_values(series: pd.Series, start: date, days: int) -> np.ndarray:
    """`days` daily values from `start` (NaN outside the series), by position when the index
    is a gap-free daily range (the wide frame's: a reindex per call was most of the cost)."""
    index = series.index
    first = pd.Timestamp(start)
    daily = isinstance(index, pd.DatetimeIndex) and len(index) > 0
    if daily and len(index) == (index[-1] - index[0]).days + 1 and index.is_monotonic_increasing:
        offset = (first - index[0]).days
        out = np.full(days, np.nan)
        lo, hi = max(offset, 0), min(offset + days, len(index))
        if hi > lo:
            out[lo - offset : hi - offset] = series.to_numpy(dtype=float)[lo:hi]
        return out
    end = first + pd.Timedelta(days=days - 1)
    return series.reindex(pd.date_range(first, end, freq="D")).to_numpy(dtype=float)


def subject_columns(wide: pd.DataFrame) -> list[tuple[str, str]]:
    """The (kind, subject) columns of a wide frame other than ('all', 'all')."""
    return [(str(c[0]), str(c[1])) for c in wide.columns if c[0] != "all"]


def column_positions(wide: pd.DataFrame) -> dict[tuple[str, str], int]:
    """Each (kind, subject) column's position (pandas' MultiIndex lookups cost ms a call)."""
    return {(str(c[0]), str(c[1])): i for i, c in enumerate(wide.columns)}


def control_total(
    wide: pd.DataFrame, controls: list[str], weights: np.ndarray | None = None
) -> pd.Series:
    """Daily sum of the named categories' postings, each times its weight when `weights`
    (one per control) is given (a gap day, NaN in each, sums to 0)."""
    position = column_positions(wide)
    chosen = wide.to_numpy()[:, [position[("category", c)] for c in controls]]
    if weights is not None:
        chosen = chosen * weights
    return pd.Series(np.nansum(chosen, axis=1), index=wide.index)


def compute_window_totals(
    wide: pd.DataFrame, w: Windows
) -> tuple[dict[tuple[str, str], float], dict[tuple[str, str], float]]:
    """Every column's postings in the before and in the after window (gap days left out)."""
    values = wide.to_numpy()
    out = []
    for start, end in ((w.before_start, w.before_end), (w.after_start, w.after_end)):
        rows = wide.index.slice_indexer(pd.Timestamp(start), pd.Timestamp(end))
        sums = np.nansum(values[rows], axis=0)
        out.append({c: float(sums[i]) for c, i in column_positions(wide).items()})
    return out[0], out[1]


def category_names(wide: pd.DataFrame) -> set[str]:
    return {s for k, s in subject_columns(wide) if k == "category"}


def select(series: pd.Series | pd.DataFrame, start: date, end: date) -> pd.Series:
    """Rows of a date-indexed series with start <= date <= end."""
    out = series.loc[pd.Timestamp(start) : pd.Timestamp(end)]
    assert isinstance(out, pd.Series)
    return out
