"""Median hourly pay (USD) per category before and after an event, plain and mix-fixed.

A category's median can fall because its mix shifts toward cheaper sub-categories while every
sub-category's pay holds; 'median_mix_fixed' reweights the after-window postings so each
sub-category keeps its before-window share, then takes the weighted median.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from analytics.trends.windows import (
    BASE_FLOOR_POSTINGS,
    DELTA_LAG_DAYS,
    DELTA_WINDOW_DAYS,
    compute_windows,
)

PAY_BOOTSTRAP_REPS = 400  # percentile interval of the percent change, postings resampled
NO_SUBCATEGORY = "(none)"
PAY_COLUMNS = [
    "category", "method", "median_before", "median_after", "change_pct", "ci_low_pct",
    "ci_high_pct", "n_before", "n_after", "note",
]  # fmt: skip

HOURLY_PAY_SQL = """
SELECT d.posted_date AS date, c.category, coalesce(c.subcategory, ?) AS subcategory,
       p.usd_hourly_mid AS usd_hourly
FROM postings_dated d
JOIN posting_pay p USING (posting_id)
JOIN posting_categories c USING (posting_id)
WHERE d.is_simulated = ? AND p.usd_hourly_mid IS NOT NULL AND p.flag IS NULL
  AND p.pay_kind = 'hourly' AND d.posted_date < ?
"""


def read_hourly_pay(
    conn: duckdb.DuckDBPyConnection, as_of: date, simulated: bool = False
) -> pd.DataFrame:
    """Plausible hourly rates (flag NULL) as `date, category, subcategory, usd_hourly`."""
    frame = conn.execute(HOURLY_PAY_SQL, [NO_SUBCATEGORY, simulated, as_of]).df()
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def compute_weighted_median(values: np.ndarray, weights: np.ndarray) -> float:
    """The smallest value whose cumulative weight reaches half the total."""
    order = np.argsort(values)
    cumulative = np.cumsum(weights[order])
    return float(values[order][np.searchsorted(cumulative, cumulative[-1] / 2)])


def compute_mix_weights(before: pd.DataFrame, after: pd.DataFrame) -> np.ndarray:
    """Per after-window posting: before share of its sub-category / its after share."""
    share_before = before["subcategory"].value_counts(normalize=True)
    share_after = after["subcategory"].value_counts(normalize=True)
    ratio = (share_before / share_after).fillna(0.0)
    return after["subcategory"].map(ratio).fillna(0.0).to_numpy()


def _change(b: Any, a: Any) -> Any:
    """Percent change from b to a (floats or arrays)."""
    return 100 * (a / b - 1)


def compute_pay_deltas(
    pay: pd.DataFrame,
    *,
    event: date,
    as_of: date,
    window_days: int = DELTA_WINDOW_DAYS,
    lag_days: int = DELTA_LAG_DAYS,
    base_floor: int = BASE_FLOOR_POSTINGS,
    seed: int = 20221130,
) -> pd.DataFrame:
    """Rows of a_pay_deltas (without computed_at): 'median' and 'median_mix_fixed' per category."""
    rows: list[dict[str, Any]] = []
    if pay.empty:
        return pd.DataFrame(rows)
    w = compute_windows(
        pay["date"].min().date(),
        as_of,
        event,
        window_days=window_days,
        lag_days=lag_days,
        whole_weeks=False,  # pay pools postings; no weekly sums
    )
    if w is None:
        return pd.DataFrame(rows)
    rng = np.random.default_rng(seed)
    pay = pay.reset_index(drop=True)
    in_before = pay["date"].between(pd.Timestamp(w.before_start), pd.Timestamp(w.before_end))
    in_after = pay["date"].between(pd.Timestamp(w.after_start), pd.Timestamp(w.after_end))
    windows = f"before {w.before_start}..{w.before_end}, after {w.after_start}..{w.after_end}"
    for category, group in pay.groupby("category"):
        before = group[in_before.loc[group.index].to_numpy()]
        after = group[in_after.loc[group.index].to_numpy()]
        base = {"category": category, "n_before": len(before), "n_after": len(after)}
        if len(before) < base_floor or len(after) < base_floor:
            note = (
                f"not meaningful: {len(before)} rates before, {len(after)} after "
                f"(floor {base_floor}); {windows}"
            )
            for method in ("median", "median_mix_fixed"):
                rows.append({**base, "method": method, "note": note})
            continue
        b, a = before["usd_hourly"].to_numpy(), after["usd_hourly"].to_numpy()
        weights = compute_mix_weights(before, after)
        draws_b = rng.choice(b, size=(PAY_BOOTSTRAP_REPS, len(b)))
        draws_a_index = rng.integers(0, len(a), size=(PAY_BOOTSTRAP_REPS, len(a)))
        med_b = np.median(draws_b, axis=1)
        plain = _change(np.median(b), np.median(a))
        boot_plain = _change(med_b, np.median(a[draws_a_index], axis=1))
        fixed_after = compute_weighted_median(a, weights)
        boot_fixed = np.array([compute_weighted_median(a[i], weights[i]) for i in draws_a_index])
        for method, after_median, estimate, boot in (
            ("median", float(np.median(a)), plain, boot_plain),
            (
                "median_mix_fixed",
                fixed_after,
                _change(np.median(b), fixed_after),
                _change(med_b, boot_fixed),
            ),
        ):
            low, high = np.percentile(boot, [2.5, 97.5])
            rows.append(
                {
                    **base,
                    "method": method,
                    "median_before": float(np.median(b)),
                    "median_after": after_median,
                    "change_pct": estimate,
                    "ci_low_pct": float(low),
                    "ci_high_pct": float(high),
                    "note": f"bootstrap {PAY_BOOTSTRAP_REPS} reps; {windows}",
                }
            )
    frame = pd.DataFrame(rows, columns=PAY_COLUMNS)
    frame.insert(0, "event_date", event)
    frame.insert(1, "as_of", as_of)
    return frame
