"""The trend series that are plain SQL, for any engine (warehouse/lake_engine.py): daily
counts (analytics/trends/series.py's own DAILY_COUNTS_SQL), shares of the day's postings,
trailing moving averages over complete days, and the `ma_endpoints` delta. They read
`postings`, `posting_engagement`, `posting_categories` and `posting_ai_skills` (the
warehouse's tables, or the lake's, registered under those names), so DuckDB over the
warehouse file and Spark over the lake give the same rows; the statistical fits
(trends/deltas.py) read these small series.

Parameters are bound as literals (Spark SQL takes no `?`), from typed values only.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, time, timedelta

from analytics.trends.series import (
    DAILY_COUNTS_PARAMETER_SETS,
    DAILY_COUNTS_SQL,
    MIN_COLLECTED_SHARE,
    MOVING_AVERAGE_DAYS,
)

# postings_demand as in warehouse/views.sql: postings_dated (the UTC calendar date a posting
# counts on) without seekers, with the engagement
POSTINGS_DEMAND_SQL = """
SELECT p.*, CAST(timezone('UTC', coalesce(p.posted_at, p.first_seen)) AS DATE) AS posted_date,
       e.engagement
FROM postings p LEFT JOIN posting_engagement e USING (posting_id)
WHERE NOT coalesce(e.is_seeker, FALSE)
"""

SHARES_SQL = """
WITH counts AS ({daily}),
totals AS (SELECT date, n AS total FROM counts WHERE kind = 'all'),
subjects AS (SELECT DISTINCT kind, subject FROM counts WHERE kind <> 'all')
SELECT date, kind, subject, n, CAST(NULL AS DOUBLE) AS share FROM counts WHERE kind = 'all'
UNION ALL
SELECT t.date, s.kind, s.subject, coalesce(c.n, 0) AS n,
       CAST(coalesce(c.n, 0) AS DOUBLE) / t.total AS share
FROM subjects s CROSS JOIN totals t
LEFT JOIN counts c ON c.date = t.date AND c.kind = s.kind AND c.subject = s.subject
"""

# Trailing means over `window` days before as_of, as series.compute_moving_averages: the
# series stop at the last collected day (one with any posting); a collected day without a
# subject's postings counts as zero for it, a day with no posting at all is a gap left out
# of the mean; a mean needs {needed} collected days in its window, and the window must lie
# inside the series (seasonally_adjusted = false).
MOVING_AVERAGES_SQL = """
WITH shares AS ({shares}),
collected AS (SELECT DISTINCT date FROM shares WHERE kind = 'all'),
calendar AS (
    SELECT CAST(day AS DATE) AS date
    FROM (SELECT unnest(generate_series({since}, {last}, INTERVAL 1 DAY)) AS day) g
),
starts AS (SELECT kind, subject, min(date) AS first_date FROM shares GROUP BY kind, subject),
grid AS (
    SELECT c.date, s.kind, s.subject,
           CASE WHEN k.date IS NULL THEN NULL ELSE coalesce(x.n, 0) END AS n,
           CASE WHEN s.kind = 'all' OR k.date IS NULL THEN CAST(NULL AS DOUBLE)
                ELSE coalesce(x.share, 0.0) END AS share
    FROM starts s JOIN calendar c ON c.date >= s.first_date
    LEFT JOIN collected k ON k.date = c.date
    LEFT JOIN shares x ON x.date = c.date AND x.kind = s.kind AND x.subject = s.subject
    WHERE c.date <= (SELECT max(date) FROM collected)
),
rolled AS (
    SELECT date, kind, subject,
           avg(CAST(n AS DOUBLE)) OVER w AS ma_n,
           avg(share) OVER w AS ma_share,
           count(n) OVER w AS days,
           row_number() OVER (PARTITION BY kind, subject ORDER BY date) AS position
    FROM grid
    WINDOW w AS (PARTITION BY kind, subject ORDER BY date
                 ROWS BETWEEN {preceding} PRECEDING AND CURRENT ROW)
)
SELECT date, kind, subject, {window} AS window_days, ma_n, ma_share,
       false AS seasonally_adjusted
FROM rolled WHERE days >= {needed} AND position >= {window}
"""


# The study's statistic per subject: % change of the trailing MA from the event day to the
# last day with a mean (no interval: descriptive); n_before/n_after are the means times
# `window` (the postings in the windows when none of their days is a gap).
MA_ENDPOINTS_SQL = """
WITH ma AS ({moving})
SELECT a.kind, a.subject, 'ma_endpoints' AS method,
       100.0 * (a.ma_n / b.ma_n - 1) AS estimate_pct,
       CAST(round(b.ma_n * {window}) AS BIGINT) AS n_before,
       CAST(round(a.ma_n * {window}) AS BIGINT) AS n_after
FROM ma a JOIN ma b ON a.kind = b.kind AND a.subject = b.subject
WHERE a.date = (SELECT max(date) FROM ma) AND b.date = {event} AND b.ma_n > 0
"""


Literal = date | datetime | bool | int | tuple[str, ...]


def _literal(value: Literal) -> str:
    """A typed value as SQL text; strings only inside a tuple, quoted as SQL strings."""
    if isinstance(value, tuple):
        return "[" + ", ".join("'" + v.replace("'", "''") + "'" for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return f"TIMESTAMPTZ '{value.astimezone(UTC).isoformat(sep=' ')}'"
    if isinstance(value, date):
        return f"DATE '{value.isoformat()}'"
    return str(int(value))


def render_daily_counts_sql(
    since: date, until: date, simulated: bool = False, engagements: tuple[str, ...] = ()
) -> str:
    """DAILY_COUNTS_SQL with `postings_demand` inlined and its parameters bound (the order
    of series.read_daily_counts)."""
    bounds = [datetime.combine(d, time(0), tzinfo=UTC) for d in (since, until)]
    sql = DAILY_COUNTS_SQL.replace("FROM postings_demand", f"FROM ({POSTINGS_DEMAND_SQL}) pd")
    values: list[Literal] = [simulated, since, until, engagements, engagements, *bounds]
    values *= DAILY_COUNTS_PARAMETER_SETS
    for value in values:
        sql = sql.replace("?", _literal(value), 1)
    return sql


def render_shares_sql(since: date, until: date, simulated: bool = False) -> str:
    return SHARES_SQL.format(daily=render_daily_counts_sql(since, until, simulated))


def render_moving_averages_sql(
    since: date, as_of: date, window: int = MOVING_AVERAGE_DAYS, simulated: bool = False
) -> str:
    """Moving averages of the series from `since` to the last complete day before as_of."""
    return MOVING_AVERAGES_SQL.format(
        shares=render_shares_sql(since, as_of, simulated),
        since=_literal(since),
        last=_literal(as_of - timedelta(days=1)),
        window=int(window),
        preceding=int(window) - 1,
        needed=math.ceil(MIN_COLLECTED_SHARE * int(window)),
    )


def render_ma_endpoints_sql(
    since: date, as_of: date, event: date, window: int = MOVING_AVERAGE_DAYS
) -> str:
    """ma_endpoints per subject for `event`, the window's last day the day before as_of."""
    return MA_ENDPOINTS_SQL.format(
        moving=render_moving_averages_sql(since, as_of, window),
        window=int(window),
        event=_literal(event),
        last=_literal(as_of - timedelta(days=1)),
    )
