"""The plain-SQL series (analytics/trends/series_sql.py) give the same rows on DuckDB over the
warehouse file, on DuckDB over the lake's Parquet, and on Spark over the lake; and the SQL
moving averages are the pandas ones of analytics/trends/series.py."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pytest

from analytics.trends.series import compute_moving_averages, compute_shares, read_daily_counts
from analytics.trends.series_sql import (
    render_ma_endpoints_sql,
    render_moving_averages_sql,
    render_shares_sql,
)
from warehouse.lake_engine import DuckDBEngine, SparkEngine

SINCE, AS_OF, EVENT = date(2024, 1, 1), date(2024, 9, 1), date(2024, 5, 1)
TABLES = ("postings", "posting_engagement", "posting_categories", "posting_ai_skills")


def fill_warehouse(conn: duckdb.DuckDBPyConnection) -> None:
    """1,500 postings over ~8 months with a planted rise in 'Data' after EVENT, a tenth
    without posted_at (dated by first_seen), some with two AI skills, some seekers, a third
    not tagged with an engagement."""
    conn.execute(
        """
        INSERT INTO postings
        SELECT i, 'url:https://x.example/' || i, 'upwork', NULL, 'Job ' || i, 'text', NULL,
               CASE WHEN i % 10 = 0 THEN NULL
                    ELSE TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_hours((hash(i) % 5800)::BIGINT)
               END,
               TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_hours((hash(i * 7) % 5800)::BIGINT),
               TIMESTAMPTZ '2024-09-01 00:00:00+00', 1, ['f'], 'h', 1, 1, false
        FROM range(1500) t(i)
        """
    )
    conn.execute(
        """
        INSERT INTO posting_categories
        SELECT posting_id,
               CASE WHEN posting_id % 3 = 0 OR (posted_at > TIMESTAMPTZ '2024-05-01 00:00:00+00'
                                                AND posting_id % 5 = 1) THEN 'Data'
                    ELSE 'Design' END,
               NULL, 'rules', NULL, 'test', TIMESTAMPTZ '2024-09-01 00:00:00+00'
        FROM postings WHERE posting_id % 11 <> 0
        """
    )
    # every 13th a seeker (left out of demand counts), the rest freelance or unknown
    conn.execute(
        "INSERT INTO posting_engagement SELECT posting_id, CASE WHEN posting_id % 2 = 0 "
        "THEN 'freelance' ELSE 'unknown' END, 'text', posting_id % 13 = 0, 'test', "
        "TIMESTAMPTZ '2024-09-01 00:00:00+00' FROM postings WHERE posting_id % 3 <> 2"
    )
    conn.execute(
        "INSERT INTO posting_ai_skills SELECT posting_id, 'llm', 'test', 'r', "
        "TIMESTAMPTZ '2024-09-01 00:00:00+00' FROM postings WHERE posting_id % 4 = 0 "
        "UNION ALL SELECT posting_id, 'agents', 'test', 'r', "
        "TIMESTAMPTZ '2024-09-01 00:00:00+00' FROM postings WHERE posting_id % 8 = 0"
    )


@pytest.fixture
def warehouse_and_lake(conn: duckdb.DuckDBPyConnection, tmp_path: Path) -> dict[str, list[str]]:
    fill_warehouse(conn)
    files = {}
    for table in TABLES:
        path = tmp_path / "lake" / table / "part-0.parquet"
        path.parent.mkdir(parents=True)
        conn.execute(f"COPY {table} TO '{path}' (FORMAT parquet)")
        files[table] = [str(path)]
    return files


def queries() -> dict[str, str]:
    return {
        "shares": render_shares_sql(SINCE, AS_OF),
        "moving_averages": render_moving_averages_sql(SINCE, AS_OF),
        "ma_endpoints": render_ma_endpoints_sql(SINCE, AS_OF, EVENT),
    }


def normal(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    if "date" in out:
        out["date"] = pd.to_datetime(out["date"]).dt.tz_localize(None).astype("datetime64[ns]")
    keys = [c for c in ("kind", "subject", "date") if c in out]
    for c in out.columns:
        if c not in keys and pd.api.types.is_numeric_dtype(out[c]) and c != "date":
            out[c] = out[c].astype(float)
    return out.sort_values(keys, ignore_index=True)


def assert_same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    a, b = normal(a), normal(b)
    assert list(a.columns) == list(b.columns)
    assert len(a) == len(b) > 0
    pd.testing.assert_frame_equal(a, b, check_dtype=False, rtol=1e-9, atol=1e-12)


def test_sql_moving_averages_are_the_pandas_ones(
    conn: duckdb.DuckDBPyConnection, warehouse_and_lake: dict[str, list[str]]
) -> None:
    counts = compute_shares(read_daily_counts(conn, since=SINCE, until=AS_OF))
    expected = compute_moving_averages(counts, as_of=AS_OF)
    got = DuckDBEngine(conn).fetch(render_moving_averages_sql(SINCE, AS_OF))
    assert len(expected) > 500
    assert_same(got[expected.columns.tolist()], expected)
    endpoints = DuckDBEngine(conn).fetch(render_ma_endpoints_sql(SINCE, AS_OF, EVENT))
    data = endpoints.set_index("subject")["estimate_pct"]
    assert data["Data"] > data["Design"] + 20  # the planted rise, and not in the control


def test_duckdb_over_the_lake_equals_duckdb_over_the_file(
    conn: duckdb.DuckDBPyConnection, warehouse_and_lake: dict[str, list[str]]
) -> None:
    lake = DuckDBEngine()
    for table, files in warehouse_and_lake.items():
        lake.register(table, files)
    for sql in queries().values():
        assert_same(lake.fetch(sql), DuckDBEngine(conn).fetch(sql))


@pytest.mark.slow
@pytest.mark.spark
def test_spark_over_the_lake_equals_duckdb_over_the_file(
    conn: duckdb.DuckDBPyConnection, warehouse_and_lake: dict[str, list[str]], spark_session: Any
) -> None:
    spark = SparkEngine(spark_session)
    for table, files in warehouse_and_lake.items():
        spark.register(table, files)
    for name, sql in queries().items():
        got, expected = spark.fetch(sql), DuckDBEngine(conn).fetch(sql)
        assert_same(got, expected), name
    assert np.isfinite(expected["estimate_pct"]).all()
