"""Reading the stored analysis back: the delta table an analyst prints, a method's effects."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd


def read_event_deltas(
    conn: duckdb.DuckDBPyConnection, event: date, method: str | None, as_of: date | None
) -> pd.DataFrame:
    """The event_deltas rows of `event` (one method, or all when None) as of `as_of`
    (default: the latest analysis of that event); dates as ISO text."""
    return conn.execute(
        """SELECT subject, kind, method, estimate_pct, ci_low_pct, ci_high_pct, n_before,
                  n_after, meaningful, descriptive,
                  CAST(before_start AS VARCHAR) AS before_start,
                  CAST(before_end AS VARCHAR) AS before_end,
                  CAST(after_start AS VARCHAR) AS after_start,
                  CAST(after_end AS VARCHAR) AS after_end,
                  CAST(as_of AS VARCHAR) AS as_of, CAST(event_date AS VARCHAR) AS event_date,
                  note, p_value, q_value
           FROM event_deltas
           WHERE event_date = ? AND (? IS NULL OR method = ?)
             AND as_of = coalesce(?, (SELECT max(as_of) FROM event_deltas WHERE event_date = ?))
           ORDER BY kind, subject, method, before_start""",
        [event, method, method, as_of, event],
    ).df()


def read_category_effects(
    conn: duckdb.DuckDBPyConnection, event: date, method: str
) -> pd.DataFrame:
    """Each category's `method` estimate for `event` in the latest analysis of it."""
    return conn.execute(
        """SELECT subject, kind, method, estimate_pct, meaningful FROM event_deltas
           WHERE event_date = ? AND kind = 'category' AND method = ?
             AND as_of = (SELECT max(as_of) FROM event_deltas WHERE event_date = ?)""",
        [event, method, event],
    ).df()
