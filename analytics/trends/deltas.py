"""Before/after-event deltas per category and AI skill: ma_endpoints (here), window and share
(bootstrap.py), did and did_external (did.py), its and its_placebo (its.py). Pure functions on
the wide daily counts; one row per (subject, method) in the shape of table a_event_deltas.

Each method is one entry of METHOD_FUNCTIONS: a function of (context, subject column) returning
(windows, values) pairs. A new method is a new function and a new entry (register_method).
Rules every method shares (significance.py): the small-base floor on both of the method's own
windows, the refusal of a placebo event whose after window reaches the real event, and
Benjamini-Hochberg q-values across the subjects of one event and method.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from analytics.trends.adjusted import AdjustedInputs, compute_share_adjusted
from analytics.trends.bootstrap import compute_window
from analytics.trends.controls import ALL_OTHER_POSTINGS as ALL_OTHER_POSTINGS  # re-exported
from analytics.trends.controls import compute_default_control
from analytics.trends.did import compute_did
from analytics.trends.events import CHATGPT_LAUNCH
from analytics.trends.its import compute_its, compute_its_placebos
from analytics.trends.methods import METHODS
from analytics.trends.placebo_calibration import compute_placebo_note
from analytics.trends.series import MOVING_AVERAGE_DAYS
from analytics.trends.significance import (
    compute_placebo_refusal,
    compute_q_values,
    compute_small_base_note,
)
from analytics.trends.windows import (
    BASE_FLOOR_POSTINGS,
    DELTA_LAG_DAYS,
    DELTA_WINDOW_DAYS,
    Windows,
    category_names,
    compute_gap_days,
    compute_windows,
    control_total,
    render_gap_ranges,
    select,
    subject_columns,
)

# Default control for `did`: the typical donor categories (trends/controls.py). The
# least-exposed categories (the first default) are the ones the study found AI *feeds*, and
# all other postings (the second) fell with the treated ones. Configure [analytics] controls
# to name categories instead.
DEFAULT_CONTROLS: tuple[str, ...] = ()
DONOR_MEDIAN = "typical donors"  # the default control's name in the settings fingerprint
# The first generative-AI launch: a placebo event whose after window reaches it measures it.
FIRST_REAL_EVENT = CHATGPT_LAUNCH
SIGNIFICANT_Q = 0.05  # "significant" = Benjamini-Hochberg q below this (one event and method)


@dataclass(frozen=True)
class DeltaSettings:
    """How deltas are computed; every field is stated in the output rows' windows or notes."""

    window_days: int = DELTA_WINDOW_DAYS
    lag_days: int = DELTA_LAG_DAYS
    base_floor: int = BASE_FLOOR_POSTINGS
    controls: tuple[str, ...] = DEFAULT_CONTROLS  # empty: the typical donors (controls.py)
    ma_days: int = MOVING_AVERAGE_DAYS
    methods: tuple[str, ...] = METHODS
    seed: int = 20221130
    external_series: str = "indeed_postings_index"  # external_series.series used by did_external
    external_sector: str = "aggregate"  # ... and its sector
    external: pd.Series | None = field(default=None, compare=False)  # that daily index, loaded
    # confusion matrix and tagged/exact daily counts for share_adjusted (trends/adjusted.py)
    adjusted: AdjustedInputs | None = field(default=None, compare=False)

    def fingerprint(self) -> str:
        """The settings a stored result depends on, as stable text (saved beside the rows)."""
        parts = [
            f"window_days={self.window_days}",
            f"lag_days={self.lag_days}",
            f"base_floor={self.base_floor}",
            f"controls={'|'.join(self.controls) or DONOR_MEDIAN}",
            f"ma_days={self.ma_days}",
            f"methods={'|'.join(self.methods)}",
            f"seed={self.seed}",
            f"external={self.external_series}/{self.external_sector}",
        ]
        return "; ".join(parts)


@dataclass(frozen=True)
class EventContext:
    """What every method of one event sees: the data, the windows and the settings."""

    wide: pd.DataFrame
    event: date
    as_of: date
    windows: Windows | None
    settings: DeltaSettings
    rng: np.random.Generator
    first_day: date


MethodResult = list[tuple[Windows | None, dict[str, Any]]]
MethodFunction = Callable[[EventContext, tuple[str, str]], MethodResult]


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
        "p_value": None,
    }
    row.update(values)
    return row


def compute_window_counts(n: pd.Series, w: Windows) -> dict[str, int]:
    """Postings in each window of `w` (collected days only)."""
    before = select(n, w.before_start, w.before_end)
    after = select(n, w.after_start, w.after_end)
    return {"n_before": int(np.nansum(before)), "n_after": int(np.nansum(after))}


def compute_ma_endpoints(ctx: EventContext, subject: tuple[str, str]) -> MethodResult:
    """The study's statistic: % change of the trailing MA from the event date to the last
    complete collected day. Descriptive: no interval, no control."""
    n, ma_days, event = ctx.wide[subject], ctx.settings.ma_days, ctx.event
    last = ctx.as_of - timedelta(days=1)
    w = Windows(
        event - timedelta(days=ma_days - 1), event, last - timedelta(days=ma_days - 1), last
    )
    before, after = select(n, w.before_start, w.before_end), select(n, w.after_start, w.after_end)
    if before.count() < ma_days or after.count() < ma_days:
        return [(w, {"meaningful": False, "note": f"fewer than {ma_days} collected days a side"})]
    values: dict[str, Any] = {"descriptive": True, **compute_window_counts(n, w)}
    values["note"] = f"descriptive: {ma_days}-day MA on {event} vs on {last}; no control"
    values["estimate_pct"] = 100 * (after.mean() / before.mean() - 1) if before.sum() else None
    return [(w, values)]


def _windowed(ctx: EventContext, subject: tuple[str, str], values: dict[str, Any]) -> MethodResult:
    assert ctx.windows is not None
    return [(ctx.windows, {**compute_window_counts(ctx.wide[subject], ctx.windows), **values})]


def compute_window_method(ctx: EventContext, subject: tuple[str, str]) -> MethodResult:
    assert ctx.windows is not None
    w, n = ctx.windows, ctx.wide[subject]
    values = compute_window(
        select(n, w.before_start, w.before_end), select(n, w.after_start, w.after_end), ctx.rng
    )
    return _windowed(ctx, subject, values)


def compute_share_method(ctx: EventContext, subject: tuple[str, str]) -> MethodResult:
    assert ctx.windows is not None
    w, total = ctx.windows, ctx.wide[("all", "all")]
    share = ctx.wide[subject] / total.where(total > 0)
    values = compute_window(
        select(share, w.before_start, w.before_end),
        select(share, w.after_start, w.after_end),
        ctx.rng,
    )
    return _windowed(ctx, subject, values)


def compute_share_adjusted_method(ctx: EventContext, subject: tuple[str, str]) -> MethodResult:
    """share_adjusted: the share corrected with the confusion matrix (trends/adjusted.py)."""
    assert ctx.windows is not None
    [(w, counts)] = _windowed(ctx, subject, {})
    small = compute_small_base_note(
        counts.get("n_before") or 0, counts.get("n_after") or 0, ctx.settings.base_floor
    )
    if small:  # the shared small-base rule says why (compute_method_rows)
        return [(w, counts)]
    values = compute_share_adjusted(ctx.settings.adjusted, subject, w, ctx.settings.seed)
    return [(w, {**counts, **values})]


def compute_control(ctx: EventContext, subject: tuple[str, str]) -> tuple[pd.Series, str]:
    """The control series of `did` for a subject and the words that name it."""
    categories = category_names(ctx.wide)
    controls = [c for c in ctx.settings.controls if c in categories and c != subject[1]]
    if controls:
        return control_total(ctx.wide, controls), "controls: " + ", ".join(controls)
    assert ctx.windows is not None
    control, named = compute_default_control(ctx.wide, subject, ctx.windows)
    return control, f"controls: {named}"  # the report reads it


def compute_did_method(ctx: EventContext, subject: tuple[str, str]) -> MethodResult:
    assert ctx.windows is not None
    control, named = compute_control(ctx, subject)
    values = compute_did(ctx.wide[subject], control, ctx.windows, ctx.event)
    values["note"] = named + "; " + values["note"]
    return _windowed(ctx, subject, values)


def compute_did_external_method(ctx: EventContext, subject: tuple[str, str]) -> MethodResult:
    assert ctx.windows is not None
    s = ctx.settings
    if s.external is None:
        return []
    values = compute_did(ctx.wide[subject], s.external, ctx.windows, ctx.event)
    values["note"] = f"control: external {s.external_series}/{s.external_sector}; " + values["note"]
    if values.get("estimate_pct") is not None:  # issue 12: the placebo rank beside the p-value
        external = s.external
        values["note"] += "; " + compute_placebo_note(
            values["estimate_pct"],
            ctx.windows,
            ctx.event,
            max(ctx.first_day, external.index.min().date()),
            lambda fake_w, fake: compute_did(ctx.wide[subject], external, fake_w, fake),
        )
    return _windowed(ctx, subject, values)


def compute_its_method(ctx: EventContext, subject: tuple[str, str]) -> MethodResult:
    assert ctx.windows is not None
    return _windowed(ctx, subject, compute_its(ctx.wide[subject], ctx.windows, ctx.event))


def compute_its_placebo_method(ctx: EventContext, subject: tuple[str, str]) -> MethodResult:
    assert ctx.windows is not None
    n = ctx.wide[subject]
    return [
        (fake_w, {**compute_window_counts(n, fake_w), **values})
        for fake_w, values in compute_its_placebos(n, ctx.windows, ctx.event, ctx.first_day)
    ]


METHOD_FUNCTIONS: dict[str, MethodFunction] = {
    "ma_endpoints": compute_ma_endpoints,
    "window": compute_window_method,
    "share": compute_share_method,
    "share_adjusted": compute_share_adjusted_method,
    "did": compute_did_method,
    "did_external": compute_did_external_method,
    "its": compute_its_method,
    "its_placebo": compute_its_placebo_method,
}
NEEDS_NO_WINDOWS = {"ma_endpoints"}  # methods with their own windows (rows even without w)


def register_method(name: str, function: MethodFunction, *, own_windows: bool = False) -> None:
    """Add a delta method (e.g. share_adjusted); list it in DeltaSettings.methods to run it."""
    METHOD_FUNCTIONS[name] = function
    if own_windows:
        NEEDS_NO_WINDOWS.add(name)


def compute_method_rows(
    ctx: EventContext, subject: tuple[str, str], method: str, refusal: str | None
) -> list[dict[str, Any]]:
    """One method's rows for one subject, with the shared rules applied."""
    if ctx.windows is None and method not in NEEDS_NO_WINDOWS:
        if method == "its_placebo":
            return []
        note = "not enough complete days around the event for before/after windows"
        return [_row(subject, method, None, meaningful=False, note=note)]
    rows = []
    for w, values in METHOD_FUNCTIONS[method](ctx, subject):
        small = compute_small_base_note(
            values.get("n_before") or 0, values.get("n_after") or 0, ctx.settings.base_floor
        )
        if refusal and method != "its_placebo":
            values = {**values, "meaningful": False, "note": refusal}
        elif small and values.get("meaningful", True):
            values = {**values, "meaningful": False, "note": small}
        if values.get("meaningful") is False:
            values = {**values, "estimate_pct": None, "ci_low_pct": None, "ci_high_pct": None}
            values["p_value"] = None
        rows.append(_row(subject, method, w, **values))
    return rows


def compute_event_deltas(
    wide: pd.DataFrame,
    *,
    event: date,
    as_of: date,
    settings: DeltaSettings,
    on_unit: Callable[[tuple[str, str], str], None] | None = None,
) -> pd.DataFrame:
    """Every method's delta for every (kind, subject) column of `wide` (see compute_wide_counts).

    `wide` must include the ('all', 'all') column. The analysis stops at the last collected
    day (as_of moves back to the day after it); gap days are excluded and named in the notes.
    Rows follow a_event_deltas' columns, with p_value and q_value. `on_unit(subject, method)`
    is called before each (subject, method) is computed (a progress bar's tick).
    """
    if wide.empty:
        return pd.DataFrame()
    first_day = wide.index.min().date()
    end = min(as_of, wide.index.max().date() + timedelta(days=1))  # after the last collected day
    w = compute_windows(
        first_day, end, event, window_days=settings.window_days, lag_days=settings.lag_days
    )
    ctx = EventContext(
        wide, event, end, w, settings, np.random.default_rng(settings.seed), first_day
    )
    refusal = compute_placebo_refusal(event, w, FIRST_REAL_EVENT)
    rows: list[list[dict[str, Any]]] = []
    for subject in subject_columns(wide):
        for method in [m for m in settings.methods if m in METHOD_FUNCTIONS]:
            if on_unit:
                on_unit(subject, method)
            rows.append(compute_method_rows(ctx, subject, method, refusal))
    frame = pd.DataFrame([r for group in rows for r in group])
    if frame.empty:
        return frame
    frame["p_value"] = pd.to_numeric(frame["p_value"], errors="coerce")
    frame["q_value"] = np.nan
    for _method, group in frame.groupby("method"):
        frame.loc[group.index, "q_value"] = compute_q_values(group["p_value"])
    gaps = compute_gap_days(wide)
    if gaps:
        frame["note"] = frame["note"].fillna("") + (
            f"; {len(gaps)} gap day(s) excluded: {render_gap_ranges(gaps)}"
        )
    frame.insert(0, "event_date", event)
    frame.insert(1, "as_of", as_of)
    return frame
