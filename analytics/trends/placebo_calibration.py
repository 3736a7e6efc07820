"""Placebo calibration inside `analyze`: the same estimator at fake event dates in the
pre-period, the yardstick for "unusual" that does not lean on the error model.

For a `did` estimate (did_external: against the imported external series), every
PLACEBO_STEP_DAYS a placebo date whose before window, lag and after window all end before
the real event gets the same estimate with the same window lengths. The placebo p-value is
the rank of the real |estimate| among the placebos' (1 + #{|placebo| >= |real|}) / (1 + m),
over the latest MAX_PLACEBOS dates,
published in the row's note beside the model-based p-value. The placebo dates are
PLACEBO_STEP_DAYS apart while the windows are a year long, so neighbouring placebos share most
of their weeks: m counts dates, not independent draws, and with few of them the rank is
coarse (its smallest value is 1 / (1 + m)). Where the pre-period is too short for
MIN_PLACEBOS dates (364-day windows and a 91-day lag need 819 days before the first one,
plus a step per further date) the note says so and how many days it would take.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from analytics.trends.windows import Windows

PLACEBO_STEP_DAYS = 28  # four weeks between placebo dates (analyze and `validate --placebo-series`)
MIN_PLACEBOS = 5  # fewer placebo dates than this: no calibration, said in the note
MAX_PLACEBOS = 20  # the latest 20 dates (a fit each, ~25 ms): enough for a rank, bounded cost


def compute_placebo_windows(w: Windows, event: date, first_day: date) -> list[tuple[date, Windows]]:
    """The placebo dates (latest first) whose whole windows, as long as `w`'s, fit between
    `first_day` and the day before `event`, with `w`'s lag."""
    days = (w.before_end - w.before_start).days + 1
    lag = (w.after_start - event).days
    out: list[tuple[date, Windows]] = []
    fake = event - timedelta(days=lag + days)  # the latest whose after window ends in time
    while fake - timedelta(days=days) >= first_day and len(out) < MAX_PLACEBOS:
        out.append(
            (
                fake,
                Windows(
                    fake - timedelta(days=days),
                    fake - timedelta(days=1),
                    fake + timedelta(days=lag),
                    fake + timedelta(days=lag + days - 1),
                ),
            )
        )
        fake -= timedelta(days=PLACEBO_STEP_DAYS)
    return out


def compute_placebo_note(
    estimate_pct: float,
    w: Windows,
    event: date,
    first_day: date,
    estimator: Callable[[Windows, date], dict[str, Any]],
) -> str:
    """The placebo rank of `estimate_pct` as words for the note (or why there is none).

    `estimator(windows, fake_event)` is the same estimate at a placebo date.
    """
    placebos = compute_placebo_windows(w, event, first_day)
    if len(placebos) < MIN_PLACEBOS:
        days = (w.before_end - w.before_start).days + 1
        needed = 2 * days + (w.after_start - event).days + PLACEBO_STEP_DAYS * (MIN_PLACEBOS - 1)
        return (
            f"placebo calibration: not possible, {(event - first_day).days} days before the "
            f"event, {needed} needed for {MIN_PLACEBOS} placebo dates"
        )
    values = [estimator(fake_w, fake).get("estimate_pct") for fake, fake_w in placebos]
    found = np.array([v for v in values if v is not None and not pd.isna(v)], dtype=float)
    if len(found) < MIN_PLACEBOS:
        return f"placebo calibration: only {len(found)} placebo dates gave an estimate"
    logs = np.abs(np.log1p(found / 100))
    real = abs(float(np.log1p(estimate_pct / 100)))
    larger = int((logs >= real).sum())
    p = (1 + larger) / (1 + len(found))
    first, last = placebos[-1][0], placebos[0][0]
    return (
        f"placebo p {p:.2f}: {larger} of {len(found)} placebo dates {first}..{last} "
        f"(every {PLACEBO_STEP_DAYS} days, overlapping windows) read at least as large"
    )
