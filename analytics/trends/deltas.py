"""Before/after-event deltas per category and AI skill: ma_endpoints, window, share (here),
did (did.py) and its (its.py). Pure functions on the wide daily counts; one row per
(subject, method) in the shape of table a_event_deltas.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from analytics.trends.adjusted import AdjustedInputs, compute_share_adjusted
from analytics.trends.did import compute_did
from analytics.trends.exposure import compute_least_exposed, read_exposure
from analytics.trends.its import compute_its, compute_its_placebos
from analytics.trends.series import MOVING_AVERAGE_DAYS
from analytics.trends.windows import (
    BASE_FLOOR_POSTINGS,
    DELTA_LAG_DAYS,
    DELTA_WINDOW_DAYS,
    Windows,
    category_names,
    compute_windows,
    control_total,
    select,
    subject_columns,
)

BOOTSTRAP_REPS = 400  # percentile intervals stable to ~0.5 pp at this count
BOOTSTRAP_BLOCK_DAYS = 14  # two weeks: keeps the weekly cycle and short autocorrelation intact
# The least-exposed categories by the shipped exposure file (issue 5's default): today Video
# Editing & Production, Graphic Design, Back-End Development. A control that AI moved biases
# `did` by that movement: configure [analytics] controls when you know better.
DEFAULT_CONTROLS = compute_least_exposed(read_exposure())
METHODS = (
    "ma_endpoints", "window", "share", "share_adjusted", "did", "did_external", "its",
    "its_placebo",
)  # fmt: skip


@dataclass(frozen=True)
class DeltaSettings:
    """How deltas are computed; every field is stated in the output rows' windows or notes."""

    window_days: int = DELTA_WINDOW_DAYS
    lag_days: int = DELTA_LAG_DAYS
    base_floor: int = BASE_FLOOR_POSTINGS
    controls: tuple[str, ...] = DEFAULT_CONTROLS
    ma_days: int = MOVING_AVERAGE_DAYS
    methods: tuple[str, ...] = METHODS
    seed: int = 20221130
    external_series: str = "indeed_postings_index"  # external_series.series used by did_external
    external_sector: str = "aggregate"  # ... and its sector
    external: pd.Series | None = field(default=None, compare=False)  # that daily index, loaded
    # confusion matrix and tagged/exact daily counts for share_adjusted (trends/adjusted.py)
    adjusted: AdjustedInputs | None = field(default=None, compare=False)


def compute_block_bootstrap_ratio(
    before: np.ndarray, after: np.ndarray, rng: np.random.Generator
) -> tuple[float, float]:
    """95% percentile interval (percent) of mean(after)/mean(before) - 1, moving-block bootstrap."""
    draws = []
    for values in (before, after):
        length = len(values)
        block = min(BOOTSTRAP_BLOCK_DAYS, length)
        n_blocks = -(-length // block)
        starts = rng.integers(0, length - block + 1, size=(BOOTSTRAP_REPS, n_blocks))
        index = (starts[:, :, None] + np.arange(block)).reshape(BOOTSTRAP_REPS, -1)[:, :length]
        draws.append(values[index].mean(axis=1))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = 100 * (draws[1] / draws[0] - 1)
    low, high = np.nanpercentile(ratio, [2.5, 97.5])
    return float(low), float(high)


def _row(subject: tuple[str, str], method: str, w: Windows | None, **values: Any) -> dict:
    kind, name = subject
    row: dict[str, Any] = {
        "kind": kind,
        "subject": name,
        "method": method,
        "estimate_pct": None,
        "ci_low_pct": None,
        "ci_high_pct": None,
        "n_before": None,
        "n_after": None,
        "before_start": w.before_start if w else None,
        "before_end": w.before_end if w else None,
        "after_start": w.after_start if w else None,
        "after_end": w.after_end if w else None,
        "meaningful": True,
        "descriptive": False,
        "note": None,
    }
    row.update(values)
    return row


def compute_ma_endpoints(
    n: pd.Series, event: date, as_of: date, ma_days: int, base_floor: int
) -> dict[str, Any]:
    """The study's statistic: % change of the trailing MA from the event date to the last
    complete day before as_of. Descriptive: no interval, no control."""
    last = as_of - timedelta(days=1)
    w = Windows(
        event - timedelta(days=ma_days - 1), event, last - timedelta(days=ma_days - 1), last
    )
    before, after = select(n, w.before_start, w.before_end), select(n, w.after_start, w.after_end)
    if len(before) < ma_days or len(after) < ma_days:
        return {"w": w, "meaningful": False, "note": f"fewer than {ma_days} days on a side"}
    values: dict[str, Any] = {"w": w, "n_before": int(before.sum()), "n_after": int(after.sum())}
    values["descriptive"] = True
    values["note"] = f"descriptive: {ma_days}-day MA on {event} vs on {last}; no control"
    if before.sum() < base_floor:
        values.update(meaningful=False, note=_small_base(values, base_floor))
    else:
        values["estimate_pct"] = 100 * (after.mean() / before.mean() - 1)
    return values


def _small_base(values: dict[str, Any], floor: int) -> str:
    return (
        f"not meaningful: base of {values['n_before']} postings before "
        f"(floor {floor}); {values['n_after']} after"
    )


def compute_window(before: pd.Series, after: pd.Series, rng: np.random.Generator) -> dict[str, Any]:
    """Mean daily value after vs before (percent) with a block-bootstrap 95% interval."""
    b, a = before.to_numpy(), after.to_numpy()
    if b.mean() == 0:
        return {"meaningful": False, "note": "no postings before"}
    low, high = compute_block_bootstrap_ratio(b, a, rng)
    return {
        "estimate_pct": 100 * (a.mean() / b.mean() - 1),
        "ci_low_pct": low,
        "ci_high_pct": high,
        "note": f"block bootstrap, {BOOTSTRAP_BLOCK_DAYS}-day blocks, {BOOTSTRAP_REPS} reps",
    }


def compute_event_deltas(
    wide: pd.DataFrame, *, event: date, as_of: date, settings: DeltaSettings
) -> pd.DataFrame:
    """Every method's delta for every (kind, subject) column of `wide` (see compute_wide_counts).

    `wide` must include the ('all', 'all') column. Rows follow a_event_deltas' columns.
    """
    rows: list[dict[str, Any]] = []
    if wide.empty:
        return pd.DataFrame(rows)
    first_day = wide.index.min().date()
    w = compute_windows(
        first_day, as_of, event, window_days=settings.window_days, lag_days=settings.lag_days
    )
    total = wide[("all", "all")]
    categories = category_names(wide)
    rng = np.random.default_rng(settings.seed)
    for subject in subject_columns(wide):
        n = wide[subject]
        if "ma_endpoints" in settings.methods:
            values = compute_ma_endpoints(n, event, as_of, settings.ma_days, settings.base_floor)
            rows.append(_row(subject, "ma_endpoints", values.pop("w"), **values))
        if w is None:
            note = "not enough complete days around the event for before/after windows"
            for method in [m for m in settings.methods if m not in ("ma_endpoints", "its_placebo")]:
                rows.append(_row(subject, method, None, meaningful=False, note=note))
            continue
        before, after = (
            select(n, w.before_start, w.before_end),
            select(n, w.after_start, w.after_end),
        )
        counts = {"n_before": int(before.sum()), "n_after": int(after.sum())}
        small = counts["n_before"] < settings.base_floor
        share = n / total.where(total > 0)
        for method in settings.methods:
            if method == "ma_endpoints":
                continue
            if small:
                if method != "its_placebo":
                    note = _small_base(counts, settings.base_floor)
                    rows.append(_row(subject, method, w, meaningful=False, note=note, **counts))
                continue
            if method == "window":
                rows.append(
                    _row(subject, method, w, **counts, **compute_window(before, after, rng))
                )
            elif method == "share":
                values = compute_window(
                    select(share, w.before_start, w.before_end).fillna(0),
                    select(share, w.after_start, w.after_end).fillna(0),
                    rng,
                )
                rows.append(_row(subject, method, w, **counts, **values))
            elif method == "share_adjusted":
                values = compute_share_adjusted(settings.adjusted, subject, w, settings.seed)
                rows.append(_row(subject, method, w, **counts, **values))
            elif method == "did":
                controls = [c for c in settings.controls if c in categories and c != subject[1]]
                if not controls:
                    rows.append(_row(subject, method, w, meaningful=False, note="no controls"))
                    continue
                values = compute_did(n, control_total(wide, controls), w, event)
                values["note"] = "controls: " + ", ".join(controls) + "; " + values["note"]
                rows.append(_row(subject, method, w, **counts, **values))
            elif method == "did_external" and settings.external is not None:
                values = compute_did(n, settings.external, w, event)
                values["note"] = (
                    f"control: external {settings.external_series}/{settings.external_sector}; "
                    + values["note"]
                )
                rows.append(_row(subject, method, w, **counts, **values))
            elif method == "its":
                rows.append(_row(subject, method, w, **counts, **compute_its(n, w, event)))
            elif method == "its_placebo":
                for fake_w, values in compute_its_placebos(n, w, event, first_day):
                    rows.append(_row(subject, method, fake_w, **values))
    frame = pd.DataFrame(rows)
    frame.insert(0, "event_date", event)
    frame.insert(1, "as_of", as_of)
    return frame
