"""The position-based window sums and control totals equal the pandas label-based reference
(`select` + nansum, DataFrame.sum(axis=1)) they replaced, gap days included."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from analytics.trends.controls import compute_typical_donors
from analytics.trends.windows import (
    Windows,
    compute_wide_counts,
    compute_window_totals,
    control_total,
    select,
    subject_columns,
)

START, END, EVENT = date(2021, 6, 1), date(2023, 9, 1), date(2022, 11, 30)
NAMES = ("Writing", "Translation", "Data Entry", "Design", "Video", "Other")


def _wide() -> pd.DataFrame:
    """Poisson daily counts of six categories with a week-long outage (a gap: NaN rows)."""
    rng = np.random.default_rng(11)
    days = pd.date_range(START, END - timedelta(days=1), freq="D")
    outage = (days >= pd.Timestamp("2022-03-07")) & (days < pd.Timestamp("2022-03-14"))
    days = days[~outage]
    rows = [
        pd.DataFrame({"date": days, "kind": "category", "subject": name,
                      "n": rng.poisson(5 + 10 * i, len(days))})
        for i, name in enumerate(NAMES)
    ]  # fmt: skip
    counts = pd.concat(rows, ignore_index=True)
    total = counts.groupby("date", as_index=False)["n"].sum().assign(kind="all", subject="all")
    return compute_wide_counts(pd.concat([counts, total], ignore_index=True), END)


def test_window_totals_and_control_total_equal_the_pandas_reference() -> None:
    wide = _wide()
    assert wide.isna().all(axis=1).sum() == 7  # the outage is there, as NaN rows
    w = Windows(date(2021, 12, 1), EVENT - timedelta(days=1), date(2023, 3, 1), date(2023, 8, 30))
    before, after = compute_window_totals(wide, w)
    for column in [*subject_columns(wide), ("all", "all")]:
        n = wide[column]
        assert before[column] == float(np.nansum(select(n, w.before_start, w.before_end)))
        assert after[column] == float(np.nansum(select(n, w.after_start, w.after_end)))
    for chosen in (["Writing"], ["Design", "Other", "Translation"], list(NAMES)):
        reference = wide.loc[:, [("category", c) for c in chosen]].sum(axis=1)
        got = control_total(wide, chosen)
        pd.testing.assert_series_equal(got, reference, check_names=False)
        assert got.loc["2022-03-08"] == 0.0  # a gap day sums to zero, as pandas' sum does
    kept = compute_typical_donors(wide, NAMES[1:], w)
    assert 3 <= len(kept) <= len(NAMES) - 1
