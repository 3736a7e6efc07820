"""Moving averages and shares: equal to an independent pandas rolling mean on real series."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analytics.trends.series import (
    compute_moving_averages,
    compute_seasonally_adjusted,
    compute_shares,
)
from tests.conftest import FIXTURES, SHARED_DATA

INDEED_FORMAT = FIXTURES / "analytics" / "indeed_sector_handwritten.csv"  # 2 sectors, 426 days
INDEED_FULL = (
    SHARED_DATA / "indeed-job-postings-index" / "job_postings_by_sector_US_2024-10-03.csv.gz"
)


def read_indeed(path: Path) -> pd.DataFrame:
    raw = pd.read_csv(path, parse_dates=["date"])
    return pd.DataFrame(
        {
            "date": raw["date"],
            "kind": "category",
            "subject": raw["display_name"],
            "n": raw["indeed_job_postings_index"].astype(float),
            "share": np.nan,
        }
    )


def assert_ma_matches_independent_rolling(counts: pd.DataFrame) -> int:
    as_of = (counts["date"].max() + pd.Timedelta(days=1)).date()
    ours = compute_moving_averages(counts, as_of=as_of, window_days=84)
    checked = 0
    for subject, group in counts.groupby("subject"):
        expected = group.set_index("date")["n"].sort_index().rolling(84).mean().dropna()
        got = ours[ours["subject"] == subject].set_index("date")["ma_n"]
        assert list(got.index) == list(expected.index)
        # "to the last digit": identical doubles, not approximately equal
        assert (got.to_numpy() == expected.to_numpy()).all(), subject
        checked += len(got)
    return checked


def test_indeed_84_day_averages_equal_pandas_rolling_mean() -> None:
    counts = read_indeed(INDEED_FORMAT)
    assert assert_ma_matches_independent_rolling(counts) == 2 * (426 - 83)


@pytest.mark.parametrize("path", [INDEED_FORMAT, INDEED_FULL], ids=["handwritten", "real"])
def test_indeed_media_ma_has_known_value(path: Path) -> None:
    if not path.exists():
        pytest.skip(f"real data not present: {path}")
    counts = read_indeed(path)
    media = counts[counts["subject"] == "Media & Communications"].set_index("date")["n"]
    window = media.loc["2022-09-07":"2022-11-29"]
    assert len(window) == 84
    ours = compute_moving_averages(counts, as_of=(media.index.max() + pd.Timedelta(days=1)).date())
    row = ours[(ours["subject"] == "Media & Communications") & (ours["date"] == "2022-11-29")]
    assert row["ma_n"].item() == pytest.approx(sum(window.tolist()) / 84, rel=1e-12)


@pytest.mark.skipif(not INDEED_FULL.exists(), reason=f"real data not present: {INDEED_FULL}")
def test_all_46_indeed_sectors_match() -> None:
    counts = read_indeed(INDEED_FULL)
    assert assert_ma_matches_independent_rolling(counts) == 46 * (1701 - 83)


def test_moving_average_uses_complete_days_and_leaves_out_gaps() -> None:
    days = pd.date_range("2024-01-01", periods=100, freq="D")
    counts = pd.DataFrame({"date": days, "kind": "category", "subject": "Writing", "n": 10})
    counts = counts[counts["date"] != pd.Timestamp("2024-02-01")]  # a day with no postings
    alls = counts.assign(kind="all", subject="all")
    shares = compute_shares(pd.concat([alls, counts]))
    as_of = date(2024, 3, 15)  # day 75: the as-of day and later are excluded
    ma = compute_moving_averages(shares, as_of=as_of, window_days=28)
    writing = ma[ma["subject"] == "Writing"].set_index("date")
    assert writing.index.max() == pd.Timestamp(as_of - timedelta(days=1))
    assert writing.index.min() == pd.Timestamp("2024-01-28")  # first full 28-day window
    # a day with no posting at all is a gap (an outage), not a day of zero postings
    assert writing.loc["2024-02-01", "ma_n"] == pytest.approx(10.0)
    assert writing.loc["2024-02-01", "ma_share"] == pytest.approx(1.0)


def test_moving_average_stops_at_the_last_collected_day() -> None:
    days = pd.date_range("2024-01-01", "2024-02-14", freq="D")  # collection stopped 02-14
    counts = pd.DataFrame({"date": days, "kind": "category", "subject": "Writing", "n": 10})
    shares = compute_shares(pd.concat([counts.assign(kind="all", subject="all"), counts]))
    ma = compute_moving_averages(shares, as_of=date(2024, 3, 1), window_days=28)
    writing = ma[ma["subject"] == "Writing"].set_index("date")
    assert writing.index.max() == pd.Timestamp("2024-02-14")
    assert (writing["ma_n"] == 10.0).all()  # flat stays flat: no fall read into the outage


def test_shares_add_zero_days_and_divide_by_the_day_total() -> None:
    counts = pd.DataFrame(
        {
            "date": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-01"]),
            "kind": ["all", "all", "category"],
            "subject": ["all", "all", "Writing"],
            "n": [4, 5, 1],
        }
    )
    out = compute_shares(counts).set_index(["kind", "date"])
    assert out.loc[("category", pd.Timestamp("2024-01-01")), "share"] == 0.25
    assert out.loc[("category", pd.Timestamp("2024-01-02")), "n"] == 0


def test_stl_removes_a_weekly_cycle() -> None:
    days = pd.date_range("2024-01-01", periods=140, freq="D")
    weekly = pd.Series(np.where(days.day_of_week >= 5, 50.0, 100.0), index=days)
    adjusted = compute_seasonally_adjusted(weekly)
    assert weekly.std() > 20 and adjusted.std() < 2


def test_seasonally_adjusted_moving_averages_are_labelled() -> None:
    days = pd.date_range("2024-01-01", periods=200, freq="D")
    n = np.where(days.day_of_week >= 5, 50, 100)
    counts = pd.DataFrame({"date": days, "kind": "all", "subject": "all", "n": n, "share": np.nan})
    plain = compute_moving_averages(counts, as_of=date(2024, 7, 1), window_days=7)
    adjusted = compute_moving_averages(
        counts, as_of=date(2024, 7, 1), window_days=7, seasonally_adjusted=True
    )
    assert adjusted["seasonally_adjusted"].all() and not plain["seasonally_adjusted"].any()
    assert adjusted["ma_n"].iloc[-1] == pytest.approx(plain["ma_n"].iloc[-1], rel=0.02)
