"""Difference in differences of log daily postings: a subject against a control series.

With one treated and one (aggregated) control unit, the two-way fixed-effects regression
log n_it = a_i + d_t + b * treated_i * post_t is exactly the regression of the daily
difference y_t = log n_treated,t - log n_control,t on a constant and `post`: the date fixed
effects (platform growth, seasons, the weekly cycle) cancel in the difference. Its errors are
Newey-West (HAC) because daily differences are autocorrelated.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from analytics.trends.hac import compute_ols_hac
from analytics.trends.windows import Windows, select

HAC_LAGS_DAYS = 14  # two weeks of autocorrelation allowed for in Newey-West errors
LOG_OFFSET = 0.5  # log(n + 0.5): defined on zero days, negligible at 50+ postings a day
EVENT_STUDY_BIN_DAYS = 30  # "monthly" event-study bins, counted from the event date
Z95 = 1.959964


def compute_log_difference(subject: pd.Series, control: pd.Series) -> pd.Series:
    """Daily log(subject + 0.5) - log(control + 0.5) on the dates both have."""
    both = pd.concat([subject, control], axis=1, join="inner").dropna()
    return np.log(both.iloc[:, 0] + LOG_OFFSET) - np.log(both.iloc[:, 1] + LOG_OFFSET)


def compute_did(subject: pd.Series, control: pd.Series, w: Windows, event: date) -> dict[str, Any]:
    """The DiD effect in percent, exp(b) - 1, with a 95% HAC interval."""
    y = compute_log_difference(subject, control)
    y = pd.concat([select(y, w.before_start, w.before_end), select(y, w.after_start, w.after_end)])
    if len(y) < 2 * 28:
        return {"meaningful": False, "note": "control series does not cover both windows"}
    post = (y.index >= pd.Timestamp(w.after_start)).astype(float)
    exog = np.column_stack([np.ones(len(post)), post])
    params, bse = compute_ols_hac(y.to_numpy(), exog, HAC_LAGS_DAYS)
    b, se = float(params[1]), float(bse[1])
    return {
        "estimate_pct": 100 * np.expm1(b),
        "ci_low_pct": 100 * np.expm1(b - Z95 * se),
        "ci_high_pct": 100 * np.expm1(b + Z95 * se),
        "note": f"log-difference DiD (unit + date FE), Newey-West {HAC_LAGS_DAYS} lags",
    }


def compute_event_study(
    subject: pd.Series, control: pd.Series, event: date, start: date, end: date
) -> pd.DataFrame:
    """Monthly (30-day bin) DiD coefficients relative to the bin just before the event.

    Returns `month, estimate_pct, ci_low_pct, ci_high_pct, days`; month -1 is the reference
    (0 by construction). Flat pre-event months are what parallel pre-trends look like.
    """
    y = compute_log_difference(subject, control).loc[pd.Timestamp(start) : pd.Timestamp(end)]
    if len(y) < 2 * EVENT_STUDY_BIN_DAYS:
        return pd.DataFrame(columns=["month", "estimate_pct", "ci_low_pct", "ci_high_pct", "days"])
    month = np.floor(
        (pd.DatetimeIndex(y.index) - pd.Timestamp(event)).days.to_numpy() / EVENT_STUDY_BIN_DAYS
    ).astype(int)
    bins = np.array(sorted(set(month.tolist()) - {-1}))
    if len(bins) == len(set(month.tolist())):
        return pd.DataFrame(columns=["month", "estimate_pct", "ci_low_pct", "ci_high_pct", "days"])
    exog = np.column_stack([np.ones(len(month)), (month[:, None] == bins[None, :]).astype(float)])
    params, bse = compute_ols_hac(y.to_numpy(), exog, HAC_LAGS_DAYS)
    rows = [{"month": -1, "estimate_pct": 0.0, "ci_low_pct": 0.0, "ci_high_pct": 0.0}]
    for i, m in enumerate(bins, start=1):
        b, se = float(params[i]), float(bse[i])
        rows.append(
            {
                "month": int(m),
                "estimate_pct": 100 * np.expm1(b),
                "ci_low_pct": 100 * np.expm1(b - Z95 * se),
                "ci_high_pct": 100 * np.expm1(b + Z95 * se),
            }
        )
    out = pd.DataFrame(rows).sort_values("month", ignore_index=True)
    values, days = np.unique(month, return_counts=True)
    out["days"] = out["month"].map(dict(zip(values.tolist(), days.tolist(), strict=True)))
    return out
