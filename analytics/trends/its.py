"""Interrupted time series on one subject's weekly postings, with placebo event dates.

log n_w = a + b t + level * post_w + slope * (t - t1) post_w + yearly + e_w on weekly sums,
fitted on up to ITS_PRE_DAYS before the event and the after window (the lag between them,
where an effect ramps in, is left out; t1 is the after window's first week). Yearly Fourier
terms enter when the pre-period itself spans a whole year (YEARLY_PRE_DAYS; with less, a
season cannot be told from a trend and the row says so); with only one year they are weakly
separated from the trend, and the persistent-error interval is wide accordingly. The errors
are persistent: GLS under AR(1) or integrated errors plus noise (persistent.py);
below COUNT_MODEL_WEEKLY postings a week the same design is a Poisson regression of the
counts. The reported estimate is the level change at the after window's start,
exp(level) - 1; the slope change is in the note.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from analytics.trends.did import (
    COUNT_MODEL_WEEKLY,
    MIN_WEEKS,
    compute_count_regression,
    compute_pct,
)
from analytics.trends.persistent import compute_persistent_ols
from analytics.trends.windows import MIN_WINDOW_DAYS, Windows, compute_weekly

ITS_PRE_DAYS = 728  # two years (104 weeks): enough to separate trend from the yearly cycle
YEARLY_HARMONICS = 2
YEARLY_PRE_DAYS = 364  # yearly terms need a whole year of pre-period to be identified at all
WEEKS_PER_YEAR = 365.25 / 7
PLACEBO_OFFSETS_DAYS = (364, 182)  # fake events one year and half a year before the real one


def compute_its(n: pd.Series, w: Windows, event: date) -> dict[str, Any]:
    """Level change (percent) with a 95% interval and p-value; see the module docstring."""
    first = n.index.min().date()
    pre_weeks = min(ITS_PRE_DAYS, (event - first).days) // 7
    weeks = w.days // 7
    if 7 * pre_weeks < MIN_WINDOW_DAYS or weeks * 7 < MIN_WINDOW_DAYS:
        return {"meaningful": False, "note": "too few days for an interrupted time series"}
    pre_start = event - timedelta(days=7 * pre_weeks)
    pre, post = compute_weekly(n, pre_start, pre_weeks), compute_weekly(n, w.after_start, weeks)
    if len(pre) < MIN_WEEKS or len(post) < MIN_WEEKS:
        return {"meaningful": False, "note": "too few collected weeks for an interrupted series"}
    gap = (w.after_start - pre_start).days / 7
    t = np.concatenate([pre.index.to_numpy() - gap, post.index.to_numpy()]).astype(float)
    counts = np.concatenate([pre.to_numpy(), post.to_numpy()])
    after = (t >= 0).astype(float)
    columns = [np.ones(len(t)), t / WEEKS_PER_YEAR, after, after * t / WEEKS_PER_YEAR]
    yearly = 7 * pre_weeks >= YEARLY_PRE_DAYS
    if yearly:
        day = pd.Timestamp(w.after_start) + pd.to_timedelta(7 * t + 3, unit="D")
        doy = 2 * np.pi * day.day_of_year.to_numpy() / 365.25
        for k in range(1, YEARLY_HARMONICS + 1):
            columns += [np.sin(k * doy), np.cos(k * doy)]
    x = np.column_stack(columns)
    common = (
        f"level change at {w.after_start}; {len(pre)}+{len(post)} weeks"
        f"{'; yearly terms' if yearly else ''}; pre-period from {pre_start}"
    )
    if min(pre.mean(), post.mean()) < COUNT_MODEL_WEEKLY:
        b, low, high, p = compute_count_regression(counts, x, None, 2)
        return compute_pct(b, low, high, p, f"Poisson ITS on weekly counts; {common}")
    if (counts <= 0).any():
        return {"meaningful": False, "note": "a collected week with no postings"}
    fit = compute_persistent_ols(np.log(counts), x, t)
    low, high = fit.interval(2)
    slope = 100 * float(fit.params[3])
    note = f"{common}; slope change {slope:+.1f} %/year; {fit.errors}"
    return compute_pct(float(fit.params[2]), low, high, fit.p_value(2), note)


def compute_its_placebos(
    n: pd.Series, w: Windows, event: date, first_day: date
) -> list[tuple[Windows, dict[str, Any]]]:
    """ITS at fake event dates before the real one, using pre-event data only.

    Each placebo keeps the real lag and shortens its after window to end before the real
    event; a placebo interval that excludes zero is a warning about the real estimate.
    """
    lag = (w.after_start - event).days
    before_real = n.loc[: pd.Timestamp(event) - pd.Timedelta(days=1)]
    out = []
    for offset in PLACEBO_OFFSETS_DAYS:
        fake = event - timedelta(days=offset)
        days = min(w.days, offset - lag, (fake - first_day).days) // 7 * 7
        if days < MIN_WINDOW_DAYS:
            continue
        fake_w = Windows(
            fake - timedelta(days=days),
            fake - timedelta(days=1),
            fake + timedelta(days=lag),
            fake + timedelta(days=lag + days - 1),
        )
        values = compute_its(before_real, fake_w, fake)
        values["note"] = f"placebo at {fake} (real event {event}); " + values.get("note", "")
        out.append((fake_w, values))
    return out
