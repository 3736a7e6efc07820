"""The headline: sentences generated from the numbers, each carrying the counts behind it."""

from __future__ import annotations

import datetime as dt

import pandas as pd

WEEK_DAYS = 7  # "since last week" compares the 7 days ending as_of with the 7 days before
CONTROLS_PREFIX = "controls: "  # how analytics/trends/deltas.py starts a did row's note
MIN_WEEKLY_POSTINGS = 20  # below this a week-on-week percentage is noise; such subjects are skipped


def compute_week_changes(series: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Postings in the last 7 days vs the 7 before, per subject.

    `series` has columns date, subject, n. Returns subject, this_week, last_week, change_pct
    (NaN when last_week < MIN_WEEKLY_POSTINGS), sorted by |change_pct| descending.
    """
    dates = pd.to_datetime(series["date"]).dt.date
    this_start = as_of - dt.timedelta(days=WEEK_DAYS - 1)
    last_start = this_start - dt.timedelta(days=WEEK_DAYS)
    this = series[(dates >= this_start) & (dates <= as_of)].groupby("subject")["n"].sum()
    last = series[(dates >= last_start) & (dates < this_start)].groupby("subject")["n"].sum()
    frame = pd.DataFrame({"this_week": this, "last_week": last}).fillna(0).astype("int64")
    change = (frame["this_week"] / frame["last_week"] - 1) * 100
    frame["change_pct"] = change.where(frame["last_week"] >= MIN_WEEKLY_POSTINGS)
    frame = frame.rename_axis("subject").reset_index()
    frame["abs_change"] = frame["change_pct"].abs()
    frame = frame.sort_values("abs_change", ascending=False, na_position="last")
    return frame.drop(columns="abs_change").reset_index(drop=True)


def render_event_sentence(pairs: pd.DataFrame, deltas: pd.DataFrame, noun: str) -> str:
    """'Since the event, Writing moved most: -33.0% (...)' from compute_delta_pairs output."""
    known = pairs.dropna(subset=["study_pct"])
    if known.empty:
        return f"No {noun} has an event delta yet."
    top = known.iloc[int(known["study_pct"].abs().to_numpy().argmax())]
    counts = deltas[(deltas["subject"] == top["subject"]) & (deltas["method"] == "ma_endpoints")]
    n_text = ""
    if not counts.empty and pd.notna(counts.iloc[0]["n_before"]):
        row = counts.iloc[0]
        n_text = f", {int(row['n_before']):,} postings before vs {int(row['n_after']):,} after"
    honest = ""
    if pd.notna(top["honest_pct"]):
        honest = (
            f"; the {top['honest_method']} estimate{_controls_text(deltas, top)} is "
            f"{top['honest_pct']:+.1f}% "
            f"(95% interval {top['honest_low']:+.1f}% to {top['honest_high']:+.1f}%)"
        )
    return (
        f"Since the event, the {noun} that moved most is {top['subject']}: "
        f"{top['study_pct']:+.1f}% by 84-day moving average{n_text}{honest}."
    )


def _controls_text(deltas: pd.DataFrame, top: pd.Series) -> str:
    """' against Video Editing & Production, Graphic Design' for a did estimate (it is relative
    to its control categories: a reader must see which), else ''."""
    rows = deltas[
        (deltas["subject"] == top["subject"]) & (deltas["method"] == top["honest_method"])
    ]
    note = str(rows.iloc[0]["note"]) if not rows.empty and pd.notna(rows.iloc[0]["note"]) else ""
    if not note.startswith(CONTROLS_PREFIX):
        return ""
    return " against " + note[len(CONTROLS_PREFIX) :].split(";", 1)[0].strip()


def render_week_sentence(changes: pd.DataFrame, noun: str) -> str:
    """'This week, X moved most: +12.0% (112 postings vs 100 the week before).'"""
    known = changes.dropna(subset=["change_pct"])
    if known.empty:
        return f"Too few postings to compare this week with last week for any {noun}."
    top = known.iloc[0]
    return (
        f"Since last week, the {noun} that moved most is {top['subject']}: "
        f"{top['change_pct']:+.1f}% ({int(top['this_week']):,} postings in the last 7 days vs "
        f"{int(top['last_week']):,} in the 7 before)."
    )
