"""Placebo validation on a real external series: no event happened, so how often do
95% intervals exclude zero? Runs `did` (sector against the aggregate index) and `its`
(the sector alone) at placebo dates every PLACEBO_STEP_DAYS whose after window ends before
the real event, over every sector of an imported series (e.g. Indeed's by-sector index,
`jobtrends import-series`).
"""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import numpy as np
import pandas as pd

from analytics.trends.did import compute_did
from analytics.trends.events import CHATGPT_LAUNCH
from analytics.trends.its import compute_its
from analytics.trends.placebo_calibration import PLACEBO_STEP_DAYS
from analytics.trends.windows import compute_windows

PLACEBO_LAST = date(2022, 6, 1)  # placebo dates before 2022-06 (the yardstick)
PLACEBO_WINDOW_DAYS = 91  # 13 weeks a side: the after window of 2022-05-31 ends before ChatGPT
PLACEBO_LAG_DAYS = 91


def read_series_frame(conn: duckdb.DuckDBPyConnection, series: str) -> pd.DataFrame:
    """Daily values of every sector of `series` as a wide frame (date x sector)."""
    frame = conn.execute(
        "SELECT date, sector, value FROM external_series WHERE series = ? ORDER BY date",
        [series],
    ).df()
    frame["date"] = pd.to_datetime(frame["date"])
    wide = frame.pivot_table(index="date", columns="sector", values="value")
    return wide.reindex(pd.date_range(wide.index.min(), wide.index.max(), freq="D"))


def compute_placebo_dates(
    first: date, window_days: int, lag_days: int, step_days: int = PLACEBO_STEP_DAYS
) -> list[date]:
    """Every PLACEBO_STEP_DAYS from the first date with a whole before window, up to
    PLACEBO_LAST, keeping only those whose after window ends before the real event."""
    out, day = [], first + timedelta(days=window_days)
    while day < PLACEBO_LAST:
        if day + timedelta(days=lag_days + window_days) <= CHATGPT_LAUNCH:
            out.append(day)
        day += timedelta(days=step_days)
    return out


def compute_series_placebos(
    wide: pd.DataFrame,
    control: str = "aggregate",
    window_days: int = PLACEBO_WINDOW_DAYS,
    lag_days: int = PLACEBO_LAG_DAYS,
    step_days: int = PLACEBO_STEP_DAYS,
) -> pd.DataFrame:
    """One row per (sector, placebo date, method): estimate, interval, excludes_zero."""
    first = wide.index.min().date()
    rows = []
    for event in compute_placebo_dates(first, window_days, lag_days, step_days):
        end = event + timedelta(days=lag_days + window_days)
        w = compute_windows(first, end, event, window_days=window_days, lag_days=lag_days)
        if w is None:
            continue
        for sector in [c for c in wide.columns if c != control]:
            n = wide[sector]
            for method, values in (
                ("did", compute_did(n, wide[control], w, event) if control in wide else {}),
                ("its", compute_its(n.loc[: pd.Timestamp(end)], w, event)),
            ):
                if values.get("ci_low_pct") is None:
                    continue
                rows.append(
                    {
                        "sector": sector,
                        "placebo": event,
                        "method": method,
                        "estimate_pct": values["estimate_pct"],
                        "ci_low_pct": values["ci_low_pct"],
                        "ci_high_pct": values["ci_high_pct"],
                    }
                )
    out = pd.DataFrame(rows)
    out["excludes_zero"] = (out["ci_low_pct"] > 0) | (out["ci_high_pct"] < 0)
    return out


CALIBRATION_QUANTILE = 0.95  # the placebo yardstick: what 95% of no-event estimates stay under
MIN_CALIBRATION_PLACEBOS = 5  # fewer disjoint placebos than this: no calibration


def compute_calibrated(
    placebos: pd.DataFrame, window_days: int = PLACEBO_WINDOW_DAYS
) -> pd.DataFrame:
    """Placebo-calibrated verdicts, leave-one-out per sector and method.

    For each placebo, the other placebos of the same sector whose windows do not overlap it
    give the yardstick: the interval's half-width becomes the largest of its own, the 95%
    quantile of their |estimates|, and its own times the 95% quantile of their |t| (|estimate|
    / half-width). `calibrated_excludes_zero` says whether the estimate still clears it.
    """
    out = placebos.copy()
    out["half"] = (out["ci_high_pct"] - out["ci_low_pct"]) / 2
    span = pd.Timedelta(days=3 * window_days + PLACEBO_LAG_DAYS)
    verdicts: dict[object, bool] = {}
    for _key, group in out.groupby(["sector", "method"]):
        dates = pd.to_datetime(group["placebo"])
        for i, row in group.iterrows():
            others = group[(dates - pd.Timestamp(row["placebo"])).abs() > span]
            if len(others) < MIN_CALIBRATION_PLACEBOS:
                continue
            size = np.quantile(others["estimate_pct"].abs(), CALIBRATION_QUANTILE)
            ratio = np.quantile(
                (others["estimate_pct"] / others["half"]).abs(), CALIBRATION_QUANTILE
            )
            half = max(float(row["half"]), float(size), float(row["half"]) * float(ratio))
            verdicts[i] = abs(float(row["estimate_pct"])) > half
    out["calibrated_excludes_zero"] = pd.Series(verdicts, dtype="boolean").reindex(out.index)
    return out
