"""Interrupted time series on one subject's log daily postings, with placebo event dates.

log(n_t + 0.5) = a + b t + level * post_t + slope * (t - t1) post_t + weekday + yearly + e_t,
fitted on up to ITS_PRE_DAYS before the event and the after window (the lag between them,
where an effect ramps in, is left out; t1 is the after window's first day). Yearly Fourier
terms enter only when the pre-period spans two years. Errors are Newey-West. The reported
estimate is the level change at the after window's start, exp(level) - 1; the slope change
is in the note.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from analytics.trends.did import HAC_LAGS_DAYS, LOG_OFFSET, Z95
from analytics.trends.hac import compute_ols_hac
from analytics.trends.windows import MIN_WINDOW_DAYS, Windows

ITS_PRE_DAYS = 728  # two years (104 weeks): enough to separate trend from the yearly cycle
YEARLY_HARMONICS = 2
PLACEBO_OFFSETS_DAYS = (364, 182)  # fake events one year and half a year before the real one


def compute_its(n: pd.Series, w: Windows, event: date) -> dict[str, Any]:
    """Level change (percent) with a 95% Newey-West interval; see the module docstring."""
    start = max(n.index.min(), pd.Timestamp(event - timedelta(days=ITS_PRE_DAYS)))
    pre = n.loc[start : pd.Timestamp(event) - pd.Timedelta(days=1)]
    post = n.loc[pd.Timestamp(w.after_start) : pd.Timestamp(w.after_end)]
    if len(pre) < MIN_WINDOW_DAYS or len(post) < MIN_WINDOW_DAYS:
        return {"meaningful": False, "note": "too few days for an interrupted time series"}
    index = pd.DatetimeIndex(pre.index.append(post.index))
    y = np.log(np.concatenate([pre.to_numpy(), post.to_numpy()]) + LOG_OFFSET)
    days = (index - pd.Timestamp(w.after_start)).days.to_numpy().astype(float)
    after = (days >= 0).astype(float)
    weekday = index.day_of_week.to_numpy()
    columns = [np.ones(len(y)), days / 365.25, after, after * days / 365.25]
    columns += [(weekday == d).astype(float) for d in range(1, 7)]
    yearly = (index.max() - index.min()).days >= 2 * 364
    if yearly:
        doy = 2 * np.pi * index.day_of_year.to_numpy() / 365.25
        for k in range(1, YEARLY_HARMONICS + 1):
            columns += [np.sin(k * doy), np.cos(k * doy)]
    params, bse = compute_ols_hac(y, np.column_stack(columns), HAC_LAGS_DAYS)
    b, se = float(params[2]), float(bse[2])
    slope = 100 * float(params[3])
    return {
        "estimate_pct": 100 * np.expm1(b),
        "ci_low_pct": 100 * np.expm1(b - Z95 * se),
        "ci_high_pct": 100 * np.expm1(b + Z95 * se),
        "note": (
            f"level change at {w.after_start}; slope change {slope:+.1f} %/year; weekday"
            f"{' + yearly' if yearly else ''} terms; Newey-West {HAC_LAGS_DAYS} lags; "
            f"pre-period from {start.date()}"
        ),
    }


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
        days = min(w.days, offset - lag, (fake - first_day).days)
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
