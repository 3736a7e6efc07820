"""Adjusted series for the analysis: the stored matrix and the counts split by tagging method,
read from the warehouse, and the adjusted moving averages (analytics/trends/adjusted.py)."""

from __future__ import annotations

from datetime import date

import duckdb
import numpy as np
import pandas as pd

from analytics.trends.adjusted import (
    MIN_ADJUSTED_POSTINGS,
    AdjustedInputs,
    ConfusionMatrix,
    compute_adjusted_shares,
    compute_unstable_reason,
)
from warehouse.confusion import read_confusion

TAGGED_COUNTS_SQL = """
SELECT d.posted_date AS date, c.category,
       c.method IN ('rules', 'model') AS tagged, count(*) AS n
FROM postings_demand d JOIN posting_categories c USING (posting_id)  -- as daily_counts: no seekers
WHERE d.is_simulated = ? AND d.posted_date < ?
  AND (len(?::VARCHAR[]) = 0 OR list_contains(?::VARCHAR[], d.engagement))
GROUP BY ALL
"""


def read_adjusted_inputs(
    conn: duckdb.DuckDBPyConnection,
    *,
    until: date,
    simulated: bool = False,
    engagements: tuple[str, ...] = (),
) -> AdjustedInputs | None:
    """The stored confusion matrix and daily category counts split by tagging method, or None
    when no matrix is stored (run `jobtrends eval confusion` or `jobtrends enrich`)."""
    stored = read_confusion(conn)
    if stored is None:
        return None
    matrix = ConfusionMatrix(stored.labels, np.asarray(stored.counts), stored.tagger_version)
    chosen = list(engagements)  # the same postings as daily_counts (series.py)
    frame = conn.execute(TAGGED_COUNTS_SQL, [simulated, until, chosen, chosen]).df()
    frame["date"] = pd.to_datetime(frame["date"])
    parts = []
    for flag in (True, False):
        part = frame[frame["tagged"] == flag].pivot_table(
            index="date", columns="category", values="n", aggfunc="sum", fill_value=0
        )
        parts.append(part.reindex(columns=list(matrix.labels), fill_value=0).astype(float))
    index = parts[0].index.union(parts[1].index)
    tagged, exact = (p.reindex(index, fill_value=0.0) for p in parts)
    row = conn.execute(
        "SELECT mode(rules_version) FROM posting_categories WHERE method IN ('rules', 'model')"
    ).fetchone()
    return AdjustedInputs(matrix, tagged, exact, row[0] if row else None)


def compute_adjusted_moving_averages(
    averages: pd.DataFrame, inputs: AdjustedInputs | None
) -> pd.DataFrame:
    """`averages` (compute_moving_averages) with ma_share_adjusted and ma_n_adjusted for the
    categories, from the same trailing windows; NULL where a window has fewer than
    MIN_ADJUSTED_POSTINGS tagged postings or the matrix cannot correct that category."""
    out = averages.assign(ma_share_adjusted=np.nan, ma_n_adjusted=np.nan)
    if inputs is None or out.empty:
        return out
    labels = inputs.matrix.labels
    rates = inputs.matrix.rates
    usable = [compute_unstable_reason(inputs.matrix, label) is None for label in labels]
    for window, group in out[out["kind"] == "category"].groupby("window_days"):
        window_days = int(str(window))
        days = pd.DatetimeIndex(sorted(group["date"].unique()))
        full = pd.date_range(inputs.tagged.index.min(), days.max(), freq="D")
        tagged = inputs.tagged.reindex(full, fill_value=0.0)
        exact = inputs.exact.reindex(full, fill_value=0.0)
        roll_t = tagged.rolling(window_days, min_periods=1).sum().loc[days]
        roll_e = exact.rolling(window_days, min_periods=1).sum().loc[days]
        values: dict[tuple[pd.Timestamp, str], tuple[float, float]] = {}
        for day in days:
            q, e = roll_t.loc[day].to_numpy(), roll_e.loc[day].to_numpy()
            if q.sum() < MIN_ADJUSTED_POSTINGS:
                continue
            counts = compute_adjusted_shares(rates, q) * q.sum() + e
            total = q.sum() + e.sum()
            for k, label in enumerate(labels):
                if usable[k]:
                    values[(day, label)] = (counts[k] / total, counts[k] / window_days)
        rows = group.index
        keys = list(zip(group["date"], group["subject"], strict=True))
        out.loc[rows, "ma_share_adjusted"] = [values.get(k, (np.nan, np.nan))[0] for k in keys]
        out.loc[rows, "ma_n_adjusted"] = [values.get(k, (np.nan, np.nan))[1] for k in keys]
    return out
