"""Difference in differences of weekly postings: a subject against a control series.

With one treated and one (aggregated) control unit, the two-way fixed-effects regression
log n_it = a_i + d_t + b * treated_i * post_t is exactly the regression of the weekly
difference y_t = log n_treated,t - log n_control,t on a constant and `post`: the date fixed
effects (platform growth, seasons) cancel in the difference. Weekly sums remove the weekly
cycle. The estimate is the plain OLS contrast, mean(after) - mean(before) of y_t, every week
weighted the same (a gradual effect is read at its window average, as `share` reads it); the
errors are persistent (real demand is), so its variance is OLS's under the AR(1) + noise
error model the restricted likelihood picks (persistent.py: stationary AR(1) or integrated),
a sandwich (sandwich.py: GLS under a drifting model read a 180-day ramp at a fraction of its
size), and the interval widens with the persistence the data show.

Tiny counts are modelled as counts: below COUNT_MODEL_WEEKLY postings a week in either window,
a Poisson regression of the subject's weekly count with the control as exposure (statsmodels
GLM, offset log control) with Newey-West errors over weeks; log(n + 0.5) is far from log n there.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from analytics.trends.sandwich import compute_persistent_contrast
from analytics.trends.windows import Windows, compute_weekly

COUNT_MODEL_WEEKLY = 70.0  # 10 a day: below it log counts are biased, so counts are modelled
MIN_WEEKS = 4  # fewer collected weeks than this on a side: no estimate
EVENT_STUDY_BIN_DAYS = 30  # "monthly" event-study bins, counted from the event date
Z95 = 1.959964
EMPTY_STUDY = ["month", "estimate_pct", "ci_low_pct", "ci_high_pct", "days"]


def compute_poisson_lags(weeks: int) -> int:
    """Newey-West's rule of thumb, floor(4 (n/100)^(2/9)), for the count model's weeks."""
    return int(np.floor(4 * (weeks / 100) ** (2 / 9)))


def compute_window_weeks(series: pd.Series, w: Windows) -> pd.DataFrame:
    """Weekly sums in both windows: `t` (weeks from before_start), `n`, `post`."""
    weeks = w.days // 7
    gap_weeks = (w.after_start - w.before_start).days / 7
    frames = []
    for start, offset, post in ((w.before_start, 0.0, 0.0), (w.after_start, gap_weeks, 1.0)):
        sums = compute_weekly(series, start, weeks)
        frames.append(pd.DataFrame({"t": offset + sums.index, "n": sums.to_numpy(), "post": post}))
    return pd.concat(frames, ignore_index=True)


def compute_pct(b: float, low: float, high: float, p: float, note: str) -> dict[str, Any]:
    """A log effect and its interval as percent changes, with the p-value."""
    return {
        "estimate_pct": 100 * float(np.expm1(b)),
        "ci_low_pct": 100 * float(np.expm1(low)),
        "ci_high_pct": 100 * float(np.expm1(high)),
        "p_value": p,
        "note": note,
    }


def compute_count_fit(
    n: np.ndarray, x: np.ndarray, exposure: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Poisson GLM (log link) coefficients, HAC standard errors and p-values (statsmodels)."""
    from statsmodels.genmod.families import Poisson  # not statsmodels.api: seconds to import
    from statsmodels.genmod.generalized_linear_model import GLM

    offset = None if exposure is None else np.log(exposure)
    model = GLM(n, x, family=Poisson(), offset=offset)
    fit = model.fit(cov_type="HAC", cov_kwds={"maxlags": compute_poisson_lags(len(n))})
    return np.asarray(fit.params), np.asarray(fit.bse), np.asarray(fit.pvalues)


def compute_count_regression(
    n: np.ndarray, x: np.ndarray, exposure: np.ndarray | None, index: int
) -> tuple[float, float, float, float]:
    """Poisson GLM coefficient `index`, its 95% HAC interval and p-value."""
    params, bse, p = compute_count_fit(n, x, exposure)
    b, se = float(params[index]), float(bse[index])
    return b, b - Z95 * se, b + Z95 * se, float(p[index])


def compute_did(subject: pd.Series, control: pd.Series, w: Windows, event: date) -> dict[str, Any]:
    """The DiD effect in percent, exp(b) - 1, with a 95% interval and its p-value."""
    s, c = compute_window_weeks(subject, w), compute_window_weeks(control, w)
    both = s.merge(c[["t", "n"]], on="t", suffixes=("", "_control"))
    both = both[both["n_control"] > 0]
    sides = both.groupby("post")["n"]
    if len(both) < 2 * MIN_WEEKS or sides.size().min() < MIN_WEEKS or sides.ngroups < 2:
        return {"meaningful": False, "note": "control series does not cover both windows"}
    x = np.column_stack([np.ones(len(both)), both["post"].to_numpy()])
    weeks = f"{sides.size().iloc[0]}+{sides.size().iloc[1]} weeks"
    if sides.mean().min() < COUNT_MODEL_WEEKLY:
        b, low, high, p = compute_count_regression(
            both["n"].to_numpy(), x, both["n_control"].to_numpy(), 1
        )
        lags = compute_poisson_lags(len(both))
        note = f"Poisson DiD on weekly counts, control as exposure, {weeks}, HAC {lags} weeks"
        return compute_pct(b, low, high, p, note)
    y = np.log(both["n"].to_numpy()) - np.log(both["n_control"].to_numpy())
    fit = compute_persistent_contrast(y, x, both["t"].to_numpy())
    low, high = fit.interval(1)
    note = f"weekly log-difference DiD (unit + date FE), {weeks}, {fit.errors}"
    return compute_pct(float(fit.params[1]), low, high, fit.p_value(1), note)


def compute_event_study(
    subject: pd.Series, control: pd.Series, event: date, start: date, end: date
) -> pd.DataFrame:
    """Monthly (30-day bin) DiD coefficients relative to the bin just before the event.

    Weekly log differences from `start` to `end` with a dummy per bin (a week belongs to the
    bin of its first day): each month's OLS mean against month -1's, with its variance under
    the persistent error model chosen by REML (sandwich.py; 14-lag errors on daily bin dummies
    called 17% of pre-event months "significant" under no effect, and GLS under a drifting
    model read the demo's 180-day ramp in Writing as flat months). Returns `month,
    estimate_pct, ci_low_pct, ci_high_pct, days`; month -1 is the reference (0 by
    construction). Flat pre-event months are what parallel pre-trends look like.
    """
    first_week = -((event - start).days // 7)
    weeks = (end - event).days // 7 - first_week
    if weeks < 2 * MIN_WEEKS:
        return pd.DataFrame(columns=EMPTY_STUDY)
    week_start = event + timedelta(days=7 * first_week)
    s, c = compute_weekly(subject, week_start, weeks), compute_weekly(control, week_start, weeks)
    both = pd.concat([s.rename("n"), c.rename("c")], axis=1, join="inner")
    both = both[both["c"] > 0]
    if len(both) < 2 * MIN_WEEKS or both["n"].sum() == 0:
        return pd.DataFrame(columns=EMPTY_STUDY)
    t = both.index.to_numpy() + first_week
    month = np.floor(7 * t / EVENT_STUDY_BIN_DAYS).astype(int)
    bins = np.array(sorted(set(month.tolist()) - {-1}))
    if len(bins) == len(set(month.tolist())):
        return pd.DataFrame(columns=EMPTY_STUDY)
    x = np.column_stack([np.ones(len(month)), (month[:, None] == bins[None, :]).astype(float)])
    if both["n"].mean() < COUNT_MODEL_WEEKLY or (both["n"] == 0).any():
        params, bse, _p = compute_count_fit(both["n"].to_numpy(), x, both["c"].to_numpy())
        bounds = [(params[i] - Z95 * bse[i], params[i] + Z95 * bse[i]) for i in range(len(params))]
    else:
        y = np.log(both["n"].to_numpy()) - np.log(both["c"].to_numpy())
        fit = compute_persistent_contrast(y, x, t.astype(float))
        params, bounds = fit.params, [fit.interval(i) for i in range(len(fit.params))]
    rows = [{"month": -1, "estimate_pct": 0.0, "ci_low_pct": 0.0, "ci_high_pct": 0.0}]
    for i, m in enumerate(bins, start=1):
        low, high = bounds[i]
        rows.append(
            {
                "month": int(m),
                "estimate_pct": 100 * float(np.expm1(params[i])),
                "ci_low_pct": 100 * float(np.expm1(low)),
                "ci_high_pct": 100 * float(np.expm1(high)),
            }
        )
    out = pd.DataFrame(rows).sort_values("month", ignore_index=True)
    values, counts = np.unique(month, return_counts=True)
    out["days"] = out["month"].map(dict(zip(values.tolist(), (7 * counts).tolist(), strict=True)))
    return out
