"""The headline: sentences generated from the numbers, each carrying the counts behind it.

Each event sentence leads with the honest estimate (its method, interval and counts) and puts
the study's statistic beside it, labelled as the study's.
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd

WEEK_DAYS = 7  # "since last week" compares the 7 days ending as_of with the 7 days before
CONTROLS_PREFIX = "controls: "  # how analytics/trends/deltas.py starts a did row's note
MIN_WEEKLY_POSTINGS = 20  # below this a week-on-week percentage is noise; such subjects are skipped
Z95 = 1.959964  # two-sided 95% normal quantile


def compute_week_changes(series: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Postings in the last 7 days vs the 7 before, per subject.

    `series` has columns date, subject, n. Returns subject, this_week, last_week, change_pct,
    ci_low_pct, ci_high_pct (NaN when last_week < MIN_WEEKLY_POSTINGS), sorted by |change_pct|
    descending. The interval treats both counts as Poisson: exp(log(a/b) +- 1.96
    sqrt(1/a + 1/b)) (too narrow when postings arrive in bursts; the Methods text says so).
    """
    dates = pd.to_datetime(series["date"]).dt.date
    this_start = as_of - dt.timedelta(days=WEEK_DAYS - 1)
    last_start = this_start - dt.timedelta(days=WEEK_DAYS)
    this = series[(dates >= this_start) & (dates <= as_of)].groupby("subject")["n"].sum()
    last = series[(dates >= last_start) & (dates < this_start)].groupby("subject")["n"].sum()
    frame = pd.DataFrame({"this_week": this, "last_week": last}).fillna(0).astype("int64")
    enough = (frame["last_week"] >= MIN_WEEKLY_POSTINGS) & (frame["this_week"] > 0)
    a = frame["this_week"].where(enough).astype("float64")
    b = frame["last_week"].where(enough).astype("float64")
    half = Z95 * (1 / a + 1 / b).pow(0.5)
    ratio = a / b
    frame["change_pct"] = (ratio - 1) * 100
    frame["ci_low_pct"] = (ratio * (-half).map(math.exp) - 1) * 100
    frame["ci_high_pct"] = (ratio * half.map(math.exp) - 1) * 100
    frame = frame.rename_axis("subject").reset_index()
    frame["abs_change"] = frame["change_pct"].abs()
    frame = frame.sort_values("abs_change", ascending=False, na_position="last")
    return frame.drop(columns="abs_change").reset_index(drop=True)


def render_controls(note: str) -> str:
    """'Video Editing & Production, Back-End Development' from a did note, else ''."""
    if not note.startswith(CONTROLS_PREFIX):
        return ""
    return note[len(CONTROLS_PREFIX) :].split(";", 1)[0].strip()


def render_method(method: str, note: str) -> str:
    """'did against A, B' for a did estimate (it is relative to its controls), else 'share'."""
    controls = render_controls(note)
    return f"{method} against {controls}" if controls else method


def _study_text(top: pd.Series) -> str:
    if pd.notna(top["study_pct"]):
        return (
            f" The study's statistic (84-day moving average, no interval) is "
            f"{top['study_pct']:+.1f}%."
        )
    if pd.notna(top["study_n_before"]):
        return (
            f" The study's statistic is n/m here: only {int(top['study_n_before']):,} postings "
            f"in its 84-day base."
        )
    return ""


def render_event_sentence(pairs: pd.DataFrame, noun: str) -> str:
    """'Since the event, the category that moved most is Writing: -41.6% by did against ...
    (95% interval ...; 9,912 postings in the before window vs 6,816 after). The study's ...'

    Picks the subject with the largest honest estimate (meaningful, with an interval); with
    none, the largest study-style change, said to have no interval.
    """
    honest = pairs.dropna(subset=["honest_pct"])
    if not honest.empty:
        top = honest.iloc[int(honest["honest_pct"].abs().to_numpy().argmax())]
        counts = ""
        if pd.notna(top["honest_n_before"]) and pd.notna(top["honest_n_after"]):
            counts = (
                f"; {int(top['honest_n_before']):,} postings in the before window vs "
                f"{int(top['honest_n_after']):,} after"
            )
        method = render_method(top["honest_method"], top["honest_note"])
        return (
            f"Since the event, the {noun} that moved most is {top['label']}: "
            f"{top['honest_pct']:+.1f}% by {method}"
            f" (95% interval {top['honest_low']:+.1f}% to {top['honest_high']:+.1f}%{counts})."
            f"{_study_text(top)}"
        )
    study = pairs.dropna(subset=["study_pct"])
    if study.empty:
        return f"No {noun} has an event delta yet."
    top = study.iloc[int(study["study_pct"].abs().to_numpy().argmax())]
    return (
        f"Since the event, the {noun} that moved most is {top['label']}: "
        f"{top['study_pct']:+.1f}% by the study's statistic (84-day moving average); no method "
        f"with an interval is meaningful yet."
    )


def render_week_sentence(
    changes: pd.DataFrame, noun: str, names: dict[str, str] | None = None
) -> str:
    """'Since last week, X moved most: +12.0% (95% interval ...; 112 postings vs 100 ...).'"""
    known = changes.dropna(subset=["change_pct"])
    if known.empty:
        return f"Too few postings to compare this week with last week for any {noun}."
    top = known.iloc[0]
    name = (names or {}).get(str(top["subject"]), str(top["subject"]))
    return (
        f"Since last week, the {noun} that moved most is {name}: "
        f"{top['change_pct']:+.1f}% (95% interval {top['ci_low_pct']:+.1f}% to "
        f"{top['ci_high_pct']:+.1f}%; {int(top['this_week']):,} postings in the last 7 days vs "
        f"{int(top['last_week']):,} in the 7 before)."
    )
