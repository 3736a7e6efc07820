"""Daily posting counts, shares of the day's postings, and trailing moving averages.

`read_daily_counts` aggregates in DuckDB (fast on millions of postings); every `compute_`
function is pure pandas on the long frame `date, kind, subject, n, share`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import duckdb
import numpy as np
import pandas as pd

MOVING_AVERAGE_DAYS = 84  # 12 weeks, the study's window: whole weeks smooth the weekly cycle
MIN_COLLECTED_SHARE = 0.9  # a moving average over a window with more than 10% gap days: none
STL_PERIOD_DAYS = 7  # the weekly posting cycle is the seasonality STL removes from daily counts

# demand: seekers ([For Hire], SEEKING WORK) are people, not jobs (postings_demand); the same
# bounds on the raw timestamp first: cheap, and prunes by zone maps
DEMAND_POSTINGS_SQL = """
    SELECT posting_id, posted_date FROM postings_demand
    WHERE is_simulated = ? AND posted_date >= ? AND posted_date < ?
      AND (len(?::VARCHAR[]) = 0 OR list_contains(?::VARCHAR[], engagement))
      AND coalesce(posted_at, first_seen) >= ? AND coalesce(posted_at, first_seen) < ?
"""
DAILY_COUNTS_PARAMETER_SETS = 2  # DEMAND_POSTINGS_SQL appears twice: its parameters too
# The AI-skill branch reads the postings again rather than the shared CTE: against a table
# DuckDB builds its hash join on the few skill rows instead of the 5M postings (1.6 -> 1.1
# CPU-s at 5M postings).
DAILY_COUNTS_SQL = f"""
WITH p AS ({DEMAND_POSTINGS_SQL})
SELECT posted_date AS date, 'all' AS kind, 'all' AS subject, count(*) AS n
FROM p GROUP BY posted_date
UNION ALL
SELECT p.posted_date, 'category', c.category, count(*)
FROM p JOIN posting_categories c USING (posting_id) GROUP BY p.posted_date, c.category
UNION ALL
SELECT d.posted_date, 'ai_skill', s.skill, count(DISTINCT d.posting_id)
FROM posting_ai_skills s JOIN ({DEMAND_POSTINGS_SQL}) d USING (posting_id)
GROUP BY d.posted_date, s.skill
"""  # noqa: S608 (our constant SQL text only; values are bound as parameters)


def read_daily_counts(
    conn: duckdb.DuckDBPyConnection,
    *,
    since: date,
    until: date,
    simulated: bool = False,
    engagements: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Postings per posting date in [since, until), as `date, kind, subject, n`.

    Postings are deduplicated by construction (one row per posting_id); seekers are left out.
    `simulated` picks the simulated postings instead of the real ones; the two are never
    mixed. `engagements` (e.g. ("freelance", "contract")) keeps only those; () keeps all.
    """
    bounds = [datetime.combine(d, time(0), tzinfo=UTC) for d in (since, until)]
    chosen = list(engagements)
    values = [simulated, since, until, chosen, chosen, *bounds] * DAILY_COUNTS_PARAMETER_SETS
    frame = conn.execute(DAILY_COUNTS_SQL, values).df()
    frame["date"] = pd.to_datetime(frame["date"])
    frame["n"] = frame["n"].astype("int64")
    return frame


def compute_shares(counts: pd.DataFrame) -> pd.DataFrame:
    """Add `share` = n / all postings that day (NULL for kind 'all'); fills missing zero days.

    Every subject gets a row for every date that has any posting, with n = 0 where it had none.
    """
    totals = counts[counts["kind"] == "all"].set_index("date")["n"]
    subjects = counts[counts["kind"] != "all"][["kind", "subject"]].drop_duplicates()
    grid = subjects.merge(pd.DataFrame({"date": totals.index}), how="cross")
    rest = grid.merge(counts, on=["date", "kind", "subject"], how="left")
    rest["n"] = rest["n"].fillna(0).astype("int64")
    rest["share"] = rest["n"] / rest["date"].map(totals).to_numpy()
    alls = counts[counts["kind"] == "all"].assign(share=np.nan)
    out = pd.concat([alls, rest], ignore_index=True)
    return out.sort_values(["kind", "subject", "date"], ignore_index=True)[
        ["date", "kind", "subject", "n", "share"]
    ]


def compute_moving_averages(
    counts: pd.DataFrame,
    *,
    as_of: date,
    window_days: int = MOVING_AVERAGE_DAYS,
    seasonally_adjusted: bool = False,
) -> pd.DataFrame:
    """Trailing `window_days` means of n and share, over complete collected days only.

    A day is complete when it is before `as_of` (the as-of day is still collecting) and
    collected when it has any posting; the series stop at the last collected day (later days
    are unknown, not zero). A collected day without postings of a subject counts as zero for
    it; a day with no posting at all is a gap, left out of the mean, and a mean is given only
    where at least MIN_COLLECTED_SHARE of its window was collected.
    `seasonally_adjusted` removes each series' weekly STL component first (rows say so).
    """
    cutoff = pd.Timestamp(as_of)
    kept = counts[counts["date"] < cutoff]
    collected = pd.DatetimeIndex(kept.loc[kept["kind"] == "all", "date"].unique())
    if len(collected) == 0:
        collected = pd.DatetimeIndex(kept["date"].unique())
    frames = []
    for (kind, subject), group in kept.groupby(["kind", "subject"]):
        series = group.set_index("date")[["n", "share"]].sort_index()
        full = pd.date_range(series.index.min(), collected.max(), freq="D")
        series = series.reindex(full)
        on = full.isin(collected)
        series.loc[on, "n"] = series.loc[on, "n"].fillna(0)
        if kind != "all":
            series.loc[on, "share"] = series.loc[on, "share"].fillna(0)
        if seasonally_adjusted:
            series["n"] = compute_seasonally_adjusted(series["n"]).where(on)
            if kind != "all":
                series["share"] = compute_seasonally_adjusted(series["share"]).where(on)
        needed = int(np.ceil(MIN_COLLECTED_SHARE * window_days))
        rolled = series.rolling(window_days, min_periods=needed).mean()
        rolled.iloc[: window_days - 1] = np.nan  # a window must lie inside the series
        frames.append(
            pd.DataFrame(
                {
                    "date": full,
                    "kind": kind,
                    "subject": subject,
                    "window_days": window_days,
                    "ma_n": rolled["n"].to_numpy(),
                    "ma_share": rolled["share"].to_numpy(),
                    "seasonally_adjusted": seasonally_adjusted,
                }
            ).dropna(subset=["ma_n"])
        )
    if not frames:
        return pd.DataFrame(
            columns=["date", "kind", "subject", "window_days", "ma_n", "ma_share"]
            + ["seasonally_adjusted"]
        )
    return pd.concat(frames, ignore_index=True)


def compute_seasonally_adjusted(series: pd.Series, period: int = STL_PERIOD_DAYS) -> pd.Series:
    """`series` (daily, no gaps) minus its STL seasonal component (statsmodels, robust fit).

    Needs at least two full periods; shorter series come back unchanged.
    """
    from statsmodels.tsa.seasonal import STL

    if len(series) < 2 * period + 1:
        return series
    filled = series.astype(float).interpolate(limit_direction="both")  # STL needs no gaps
    fitted = STL(filled, period=period, robust=True).fit()
    return filled - fitted.seasonal
