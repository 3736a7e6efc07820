"""Lake mode end to end, with real processes: a local server with overlapping feeds, three
shard processes for three stages (one SIGKILLed mid-fetch and run again), merges on DuckDB
(incremental, with a warehouse copy) and on Spark, against one ordinary `collect --once`
over the same feeds: same ids, times_seen, first_seen, last_seen, posted_at, feeds."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests.lakefeeds import FEEDS, State, lake_feed_server, render_feeds_toml
from warehouse.lake import read_current, read_run_markers, read_table_files

JOBTRENDS = str(Path(sys.executable).with_name("jobtrends"))
COLUMNS = "posting_id, times_seen, first_seen, last_seen, posted_at, feeds, title"


def run(*args: str) -> str:
    out = subprocess.run([JOBTRENDS, *args], capture_output=True, text=True, timeout=180)
    assert out.returncode == 0, out.stderr
    return out.stdout


def shard_args(lake: Path, feeds: Path, k: int) -> list[str]:
    return [
        JOBTRENDS,
        "collect",
        "--once",
        "--feeds",
        str(feeds),
        "--lake",
        str(lake),
        "--shard",
        f"{k}/3",
    ]


def stage_of(ts: datetime, starts: list[datetime]) -> int:
    """Which stage a timestamp fell in (runs of stage s happen after starts[s-1])."""
    return sum(1 for s in starts if s <= ts)


def rows(
    c: duckdb.DuckDBPyConnection, sql: str, starts: list[datetime], params: list[Any]
) -> dict[int, tuple[Any, ...]]:
    """posting_id -> (times_seen, first stage, last stage, posted (date or stage), feeds)."""
    c.execute("SET TimeZone = 'UTC'")
    out = {}
    for pid, seen, first, last, posted, feeds, _title in c.execute(sql, params).fetchall():
        # posted_at falls back to first_seen: compare those by stage as well
        posted_key = stage_of(posted, starts) if posted == first else posted
        out[pid] = (
            seen,
            stage_of(first, starts),
            stage_of(last, starts),
            posted_key,
            tuple(feeds),
        )
    return out


def lake_rows(lake: Path, starts: list[datetime]) -> dict[int, tuple[Any, ...]]:
    manifest = read_current(lake)
    assert manifest is not None
    files = read_table_files(lake, manifest, "postings")
    with duckdb.connect() as c:
        sql = "SELECT count(*) - count(DISTINCT posting_id) FROM read_parquet(?)"
        assert c.execute(sql, [files]).fetchone() == (0,)
        return rows(c, f"SELECT {COLUMNS} FROM read_parquet(?)", starts, [files])  # noqa: S608


def db_rows(db: Path, starts: list[datetime]) -> dict[int, tuple[Any, ...]]:
    with duckdb.connect(str(db), read_only=True) as c:
        return rows(c, f"SELECT {COLUMNS} FROM postings", starts, [])  # noqa: S608


@pytest.mark.slow
@pytest.mark.spark
def test_three_shards_merge_like_one_collector(tmp_path: Path, spark_session: Any) -> None:
    from warehouse.lake_engine import SparkEngine
    from warehouse.lake_merge import merge_lake

    lake, lake_spark = tmp_path / "lake", tmp_path / "lake-spark"
    base, copy = tmp_path / "base.duckdb", tmp_path / "copy.duckdb"
    feeds = tmp_path / "feeds.toml"
    starts: list[datetime] = []
    spark = SparkEngine(spark_session)
    with lake_feed_server() as url:
        feeds.write_text(render_feeds_toml(url))
        for stage in (1, 2, 3):
            State.stage = stage
            time.sleep(0.01)
            starts.append(datetime.now(UTC))
            run("--db", str(base), "collect", "--once", "--feeds", str(feeds))
            if stage == 2:  # shard 2 killed while its fetches are in flight, then run again
                State.slow, State.hits = 3.0, []
                victim = subprocess.Popen(shard_args(lake, feeds, 2), stderr=subprocess.DEVNULL)
                deadline = time.monotonic() + 60
                while not State.hits and time.monotonic() < deadline:
                    time.sleep(0.05)
                assert State.hits, "the shard never asked for a feed"
                victim.send_signal(signal.SIGKILL)
                victim.wait()
                State.slow = 0.0
                assert not read_run_markers(lake, "shard-2-of-3")[1:], "a killed run committed"
            procs = [
                subprocess.Popen(
                    shard_args(lake, feeds, k),
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )
                for k in (1, 2, 3)
            ]
            for p in procs:
                _, err = p.communicate(timeout=180)
                assert p.returncode == 0, err
            if stage == 2:
                shutil.copytree(lake, lake_spark)
                run("lake", "merge", "--lake", str(lake), "--engine", "duckdb", "--db", str(copy))
                merge_lake(lake_spark, spark, datetime.now(UTC))
    shutil.copytree(lake / "_runs", lake_spark / "_runs", dirs_exist_ok=True)
    shutil.copytree(lake / "raw_entries", lake_spark / "raw_entries", dirs_exist_ok=True)
    out = run("lake", "merge", "--lake", str(lake), "--engine", "duckdb", "--db", str(copy))
    assert "version 2 (duckdb): 3 new run(s)" in out
    merge_lake(lake_spark, spark, datetime.now(UTC))
    assert run("lake", "merge", "--lake", str(lake)).count("0 new run(s)") == 1

    expected = db_rows(base, starts)
    assert len(expected) == 24 and sum(v[0] for v in expected.values()) > 2 * len(expected)
    assert {len(v[4]) for v in expected.values()} >= {2, 3}  # the same job in several feeds
    assert lake_rows(lake, starts) == expected
    assert lake_rows(lake_spark, starts) == expected
    assert db_rows(copy, starts) == expected
    manifest = read_current(lake)
    assert manifest is not None and set(manifest["watermark"]) == {
        f"shard-{k}-of-3" for k in (1, 2, 3)
    }
    # every feed was polled by exactly one shard
    owners = [m.writer for m in read_run_markers(lake) for o in m.outcomes]
    assert len(owners) == 3 * len(FEEDS)
    with duckdb.connect(str(copy), read_only=True) as c:
        tagged = c.execute("SELECT count(*) FROM posting_categories").fetchone()
    assert tagged == (24,)
