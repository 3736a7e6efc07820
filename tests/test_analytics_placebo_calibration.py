"""The placebo rank `analyze` publishes beside did_external's model-based p-value."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from analytics.trends.did import compute_did
from analytics.trends.placebo_calibration import (
    MIN_PLACEBOS,
    compute_placebo_note,
    compute_placebo_windows,
)
from analytics.trends.windows import Windows

EVENT = date(2022, 11, 30)
W = Windows(
    EVENT - timedelta(days=364),
    EVENT - timedelta(days=1),
    EVENT + timedelta(days=91),
    EVENT + timedelta(days=91 + 363),
)


def series(first: str, effect: float, seed: int) -> tuple[pd.Series, pd.Series]:
    rng = np.random.default_rng(seed)
    days = pd.date_range(first, "2024-03-31", freq="D")
    drift = np.cumsum(rng.normal(0, 0.003, len(days)))
    after = np.asarray(days >= pd.Timestamp(EVENT))
    subject = rng.poisson(300 * np.exp(drift + np.log1p(effect) * after)).astype(float)
    return pd.Series(subject, index=days), pd.Series(3000.0, index=days)


def note_for(first: str, effect: float, seed: int = 1) -> str:
    subject, control = series(first, effect, seed)
    estimate = compute_did(subject, control, W, EVENT)["estimate_pct"]
    return compute_placebo_note(
        estimate, W, EVENT, subject.index.min().date(),
        lambda fake_w, fake: compute_did(subject, control, fake_w, fake),
    )  # fmt: skip


def test_placebo_windows_end_before_the_event_and_fit_the_data() -> None:
    placebos = compute_placebo_windows(W, EVENT, date(2018, 1, 1))
    assert len(placebos) >= MIN_PLACEBOS
    for fake, w in placebos:
        assert w.after_end < EVENT and w.before_start >= date(2018, 1, 1)
        assert (w.after_start - fake).days == 91 and w.days == 364


def test_a_short_pre_period_says_why_there_is_no_rank() -> None:
    note = note_for("2021-01-01", 0.0)
    assert note.startswith("placebo calibration: not possible, 698 days before the event")


def test_a_large_effect_outranks_every_placebo_and_none_does_not() -> None:
    big = note_for("2017-01-01", -0.4)
    assert big.startswith("placebo p 0.05: 0 of 20 placebo dates")
    ranks = [float(note_for("2017-01-01", 0.0, seed).split()[2][:-1]) for seed in range(6)]
    assert max(ranks) > 0.2  # no effect: the real estimate is not outside every placebo
