"""What the weekly report reads from the warehouse: small aggregated reads, one per section.

Every read takes an open (read-only) connection and `as_of` (a UTC date) and returns a pandas
DataFrame. Only aggregates leave DuckDB, so a 5M-posting warehouse still reads in a second.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd

from analytics.trends.events import CHATGPT_LAUNCH
from analytics.trends.exposure import read_exposure
from analytics.trends.series import MOVING_AVERAGE_DAYS

COVERAGE_LOOKBACK_DAYS = 91  # gaps in collection are listed for the last 13 weeks
RECENT_REJECTS = 20  # the newest rejects shown verbatim (escaped) on the page


def analysis_cutoff(as_of: dt.date) -> dt.date:
    """The newest analysis stamp a report up to `as_of` may use: `analyze --as-of D` treats D
    as incomplete and covers days up to D - 1, so the report up to 2024-02-14 reads the
    analysis as of 2024-02-15 (the service analyses as of today and reports up to yesterday)."""
    return as_of + dt.timedelta(days=1)


def read_daily_series(conn: duckdb.DuckDBPyConnection, kind: str, as_of: dt.date) -> pd.DataFrame:
    """Daily count n and the 84-day moving average ma_n (postings/day) per subject of `kind`.

    Columns: date, subject, n, ma_n. ma_n is the unadjusted trailing mean; NaN where missing.
    """
    return conn.execute(
        """
        SELECT c.date, c.subject, c.n, m.ma_n
        FROM a_daily_counts c
        LEFT JOIN a_moving_averages m
          ON m.date = c.date AND m.kind = c.kind AND m.subject = c.subject
         AND m.window_days = ? AND NOT m.seasonally_adjusted
        WHERE c.kind = ? AND c.date <= ?
        ORDER BY c.subject, c.date
        """,
        [MOVING_AVERAGE_DAYS, kind, as_of],
    ).df()


def read_event_deltas(
    conn: duckdb.DuckDBPyConnection, as_of: dt.date, event: dt.date = CHATGPT_LAUNCH
) -> pd.DataFrame:
    """Every method's delta for `event` from the newest analysis that covers no day after
    `as_of` (analyze stores several events, e.g. ChatGPT and GPT-4: never mix them on one chart).
    An analysis as of D counts D as incomplete, so the one for a report up to `as_of` is
    stamped as_of + 1 day at most (`analysis_cutoff`).

    Columns: event_date, as_of, kind, subject, method, estimate_pct, ci_low_pct, ci_high_pct,
    n_before, n_after, meaningful, descriptive, note.
    """
    return conn.execute(
        """
        SELECT event_date, as_of, kind, subject, method, estimate_pct, ci_low_pct, ci_high_pct,
               n_before, n_after, meaningful, descriptive, note
        FROM a_event_deltas
        WHERE event_date = ?
          AND as_of = (SELECT max(as_of) FROM a_event_deltas WHERE as_of <= ? AND event_date = ?)
        ORDER BY kind, subject, method
        """,
        [event, analysis_cutoff(as_of), event],
    ).df()


def read_pay_deltas(
    conn: duckdb.DuckDBPyConnection, as_of: dt.date, event: dt.date = dt.date(2022, 11, 30)
) -> pd.DataFrame:
    """Median USD/hour before and after `event` per category and method (newest analysis
    covering complete days up to as_of, see `analysis_cutoff`); one event only, never mixed."""
    return conn.execute(
        """
        SELECT category, method, median_before, median_after, change_pct, ci_low_pct,
               ci_high_pct, n_before, n_after, note
        FROM a_pay_deltas
        WHERE event_date = ?
          AND as_of = (SELECT max(as_of) FROM a_pay_deltas WHERE as_of <= ? AND event_date = ?)
        ORDER BY category, method
        """,
        [event, analysis_cutoff(as_of), event],
    ).df()


def read_postings_per_source_week(conn: duckdb.DuckDBPyConnection, as_of: dt.date) -> pd.DataFrame:
    """Postings first seen per ISO week (Monday date) and source, split by is_simulated."""
    return conn.execute(
        """
        SELECT CAST(date_trunc('week', timezone('UTC', first_seen)) AS DATE) AS week,
               source, is_simulated, count(*) AS n
        FROM postings
        WHERE CAST(timezone('UTC', first_seen) AS DATE) <= ?
        GROUP BY ALL
        ORDER BY week, source
        """,
        [as_of],
    ).df()


def read_feed_table(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The feeds as the report lists them: name, source, health, failures, last success (UTC
    text), last error."""
    return conn.execute(
        """
        SELECT name, source, health, consecutive_failures,
               strftime(timezone('UTC', last_success_at), '%Y-%m-%d %H:%M') AS last_success_utc,
               last_error
        FROM feeds ORDER BY health, name
        """
    ).df()


def read_reject_counts(conn: duckdb.DuckDBPyConnection, as_of: dt.date) -> pd.DataFrame:
    """Rejects per stage and origin up to as_of, most first."""
    return conn.execute(
        """
        SELECT stage, origin, count(*) AS n,
               strftime(timezone('UTC', max(rejected_at)), '%Y-%m-%d %H:%M') AS last_at_utc
        FROM rejects WHERE CAST(timezone('UTC', rejected_at) AS DATE) <= ?
        GROUP BY ALL ORDER BY n DESC, origin LIMIT 50
        """,
        [as_of],
    ).df()


def read_recent_rejects(conn: duckdb.DuckDBPyConnection, as_of: dt.date) -> pd.DataFrame:
    """The newest rejects (stage, origin, location, reason, payload cut to 200 characters)."""
    return conn.execute(
        """
        SELECT strftime(timezone('UTC', rejected_at), '%Y-%m-%d %H:%M') AS rejected_at_utc,
               stage, origin, location, reason, left(payload, 200) AS payload
        FROM rejects WHERE CAST(timezone('UTC', rejected_at) AS DATE) <= ?
        ORDER BY rejected_at DESC LIMIT ?
        """,
        [as_of, RECENT_REJECTS],
    ).df()


def read_coverage_gaps(conn: duckdb.DuckDBPyConnection, as_of: dt.date) -> list[dt.date]:
    """Days in the last 13 weeks up to as_of on which no collection run started."""
    start = as_of - dt.timedelta(days=COVERAGE_LOOKBACK_DAYS - 1)
    rows = conn.execute(
        """
        SELECT CAST(d.day AS DATE) FROM range(CAST(? AS DATE), CAST(? AS DATE) + 1,
                                              INTERVAL 1 DAY) d(day)
        WHERE CAST(d.day AS DATE) NOT IN (
            SELECT CAST(timezone('UTC', started_at) AS DATE) FROM collection_runs)
        ORDER BY 1
        """,
        [start, as_of],
    ).fetchall()
    return [r[0] for r in rows]


def read_last_collection(conn: duckdb.DuckDBPyConnection) -> dict[str, object] | None:
    """The newest poll run and why its feeds failed, for a page with no postings to show.

    Keys: started_at_utc, status, feeds_ok, feeds_failed, feeds_gone, postings_new,
    errors (list of (error_class, count), most first). None when nothing was ever polled.
    """
    row = conn.execute(
        """
        SELECT run_id, strftime(timezone('UTC', started_at), '%Y-%m-%d %H:%M'), status,
               feeds_ok, feeds_failed, feeds_gone, postings_new
        FROM collection_runs WHERE kind = 'poll' ORDER BY started_at DESC, run_id DESC LIMIT 1
        """
    ).fetchone()
    if row is None:
        return None
    errors = conn.execute(
        """
        SELECT coalesce(error_class, outcome), count(*) FROM fetch_log
        WHERE run_id = ? AND outcome IN ('failed', 'gone', 'retry')
        GROUP BY 1 ORDER BY 2 DESC, 1
        """,
        [row[0]],
    ).fetchall()
    keys = ("started_at_utc", "status", "feeds_ok", "feeds_failed", "feeds_gone", "postings_new")
    summary: dict[str, object] = dict(zip(keys, row[1:], strict=True))
    summary["errors"] = [(str(e), int(n)) for e, n in errors]
    return summary


def read_totals(conn: duckdb.DuckDBPyConnection, as_of: dt.date) -> dict[str, int]:
    """Headline counts: postings, simulated postings, postings tagged 'Other', tagged at all."""
    row = conn.execute(
        """
        SELECT count(*), count(*) FILTER (WHERE p.is_simulated),
               count(*) FILTER (WHERE c.category = 'Other'), count(c.category)
        FROM postings p LEFT JOIN posting_categories c USING (posting_id)
        WHERE CAST(timezone('UTC', p.first_seen) AS DATE) <= ?
        """,
        [as_of],
    ).fetchone()
    assert row is not None
    keys = ("postings", "simulated", "other", "categorized")
    return {k: int(v or 0) for k, v in zip(keys, row, strict=True)}


def read_simulate_runs(conn: duckdb.DuckDBPyConnection) -> int:
    """How many collection runs were simulator runs (any means synthetic data is present)."""
    row = conn.execute("SELECT count(*) FROM collection_runs WHERE kind = 'simulate'").fetchone()
    return int(row[0]) if row else 0


def read_exposure_scores(path: Path | None = None) -> pd.DataFrame | None:
    """category, exposure (a 0..1 score) per scored category, or None where there are none.

    Reads the shipped analytics/trends/data/exposure.csv (column `exposure_score`) or, given
    `path`, an analyst's own file with a `category` column and an `exposure` or
    `exposure_score` column (None when that file is missing or lacks them).
    """
    if path is not None and not path.exists():
        return None
    frame = read_exposure(path).rename(columns={"exposure_score": "exposure"})
    if not {"category", "exposure"} <= set(frame.columns):
        return None
    return frame.loc[frame["exposure"].notna(), ["category", "exposure"]]
