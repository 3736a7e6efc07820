"""Lake mode's parts: shard selection, a crash between a run's commit and the shard's state,
the atomic publish of a merge, and bad --shard / --lake input."""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from collector.feeds import FeedSpec, parse_feed_list
from collector.lake_writer import run_lake_cycle, state_path
from collector.shards import ShardError, compute_shard_of, parse_shard, select_shard_feeds
from tests.lakefeeds import State, lake_feed_server, render_feeds_toml
from warehouse.lake import LakeError, read_current, read_run_markers, read_table_files
from warehouse.lake_engine import DuckDBEngine
from warehouse.lake_merge import merge_lake

JOBTRENDS = str(Path(sys.executable).with_name("jobtrends"))
T = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def test_parse_shard() -> None:
    assert parse_shard("2/3") == (2, 3)
    assert parse_shard(" 1 / 1 ") == (1, 1)
    for bad in ("0/3", "4/3", "x", "1/0", "-1/3", "1/1000"):
        with pytest.raises(ShardError, match="--shard"):
            parse_shard(bad)


def test_rendezvous_moves_about_one_in_k_plus_one() -> None:
    names = [f"feed-{i}" for i in range(3000)]
    before = {n: compute_shard_of(n, 4) for n in names}
    after = {n: compute_shard_of(n, 5) for n in names}
    moved = [n for n in names if before[n] != after[n]]
    assert all(after[n] == 5 for n in moved)  # only to the new worker, never between old ones
    assert 0.15 < len(moved) / len(names) < 0.25  # ~1/5; mod-K hashing moves ~4/5
    counts = [sum(1 for n in names if after[n] == k) for k in range(1, 6)]
    assert min(counts) > 500  # balanced
    specs = [FeedSpec(n, "http://127.0.0.1/x", "rss", "s", 60, True) for n in names[:50]]
    parts = [select_shard_feeds(specs, k, 3) for k in (1, 2, 3)]
    assert sorted(s.name for p in parts for s in p) == sorted(s.name for s in specs)


def test_run_committed_but_state_lost_is_not_fetched_again(tmp_path: Path) -> None:
    """A shard that died after its run's marker, before its state: the next start applies
    the marker's outcomes (ETags), so the unchanged feeds answer 304 and nothing doubles."""
    lake = tmp_path / "lake"
    with lake_feed_server() as url:
        specs = parse_feed_list(render_feeds_toml(url), "feeds.toml")
        State.stage = 1
        run_lake_cycle(lake, specs, 1, 1, T)
        saved = tmp_path / "state-before.duckdb"
        shutil.copy(state_path(lake, "shard-1-of-1"), saved)
        State.stage = 2
        second = run_lake_cycle(lake, specs, 1, 1, T + timedelta(minutes=15))
        assert second.rows > 0
        shutil.copy(saved, state_path(lake, "shard-1-of-1"))  # the state commit never happened
        third = run_lake_cycle(lake, specs, 1, 1, T + timedelta(minutes=30))
    assert third.recovered == 1
    assert third.rows == 0 and third.feeds == {"not_modified": len(specs)}
    assert [m.rows > 0 for m in read_run_markers(lake)] == [True, True, False]


def test_merge_publishes_atomically_and_only_new_runs(tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    with lake_feed_server() as url:
        specs = parse_feed_list(render_feeds_toml(url), "feeds.toml")
        State.stage = 1
        run_lake_cycle(lake, specs, 1, 1, T)
        first = merge_lake(lake, DuckDBEngine(), T)
        State.stage = 2
        run_lake_cycle(lake, specs, 1, 1, T + timedelta(minutes=15))
    assert first.version == 1 and first.runs == 1
    before = read_current(lake)
    assert before is not None

    def fail(*_: object) -> dict[str, list[str]]:
        raise RuntimeError("killed before publishing")

    with pytest.raises(RuntimeError):
        merge_lake(lake, DuckDBEngine(), T, after_merge=fail)
    assert read_current(lake) == before  # readers still see version 1, whole
    second = merge_lake(lake, DuckDBEngine(), T)
    assert (second.version, second.runs) == (2, 1)
    assert merge_lake(lake, DuckDBEngine(), T).runs == 0
    manifest = read_current(lake)
    assert manifest is not None
    files = read_table_files(lake, manifest, "postings")
    with duckdb.connect() as c:
        sql = "SELECT count(*), count(DISTINCT posting_id) FROM read_parquet(?)"
        total = c.execute(sql, [files]).fetchone()
    assert total == (19, 19)  # jobs 0..18 over the two stages, each once


def test_no_lake_there_is_one_clear_line(tmp_path: Path) -> None:
    out = subprocess.run(
        [JOBTRENDS, "lake", "merge", "--lake", str(tmp_path / "nope")],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 2 and "no lake there" in out.stderr and "Traceback" not in out.stderr
    feeds = tmp_path / "feeds.toml"
    feeds.write_text(render_feeds_toml("http://127.0.0.1:9"))
    out = subprocess.run(
        [
            JOBTRENDS,
            "collect",
            "--once",
            "--feeds",
            str(feeds),
            "--lake",
            str(tmp_path / "l"),
            "--shard",
            "4/3",
        ],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 2 and "--shard '4/3'" in out.stderr and "Traceback" not in out.stderr


def test_unsafe_source_never_names_a_directory(tmp_path: Path) -> None:
    import pyarrow as pa

    from warehouse.lake import write_run

    rows = pa.table({"source": ["../../etc"], "x": [1]})
    with pytest.raises(LakeError, match="cannot name a lake directory"):
        write_run(tmp_path, "shard-1-of-1", "r1", 1, T, rows, [])
    assert not list(tmp_path.rglob("*.parquet"))


@pytest.mark.slow
def test_merge_tags_the_changed_postings_like_the_warehouse(tmp_path: Path) -> None:
    """Without --db the merge re-tags only what changed and keeps the rest of the previous
    version's tags; the result equals the tags of a warehouse copy enriched whole."""
    lake, other = tmp_path / "lake", tmp_path / "other"
    with lake_feed_server() as url:
        specs = parse_feed_list(render_feeds_toml(url), "feeds.toml")
        for stage in (1, 3):  # stage 3 changes titles and brings new jobs
            State.stage = stage
            run_lake_cycle(lake, specs, 1, 1, T + timedelta(hours=stage))
            for target, extra in ((lake, []), (other, ["--db", str(tmp_path / "copy.duckdb")])):
                if target == other:
                    shutil.copytree(lake / "_runs", other / "_runs", dirs_exist_ok=True)
                    shutil.copytree(lake / "raw_entries", other / "raw_entries", dirs_exist_ok=True)
                out = subprocess.run(
                    [JOBTRENDS, "lake", "merge", "--lake", str(target), *extra],
                    capture_output=True,
                    text=True,
                )
                assert out.returncode == 0, out.stderr

    def tags(folder: Path) -> list[tuple[object, ...]]:
        manifest = read_current(folder)
        assert manifest is not None
        files = read_table_files(folder, manifest, "posting_categories")
        with duckdb.connect() as c:
            sql = "SELECT posting_id, category, subcategory FROM read_parquet(?) ORDER BY 1"
            return c.execute(sql, [files]).fetchall()

    got = tags(lake)
    assert len(got) == len({r[0] for r in got}) == 24  # jobs 0..13 and then 10..23
    assert got == tags(other)
    # no posting names an AI skill: the table has no rows but still a file readers register
    manifest = read_current(lake)
    assert manifest is not None
    engine = DuckDBEngine()
    engine.register("skills", read_table_files(lake, manifest, "posting_ai_skills"))
    assert list(engine.fetch("SELECT * FROM skills").columns[:2]) == ["posting_id", "skill"]


@pytest.mark.slow
def test_serve_in_lake_mode_cycles_until_sigterm(tmp_path: Path) -> None:
    import signal
    import time

    lake, feeds = tmp_path / "lake", tmp_path / "feeds.toml"
    with lake_feed_server() as url:
        feeds.write_text(render_feeds_toml(url))
        State.stage = 1
        proc = subprocess.Popen(
            [JOBTRENDS, "--db", str(tmp_path / "unused.duckdb"), "serve", "--feeds", str(feeds),
             "--lake", str(lake), "--shard", "2/2", "--interval", "1"],
            stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        deadline = time.monotonic() + 90
        while not read_run_markers(lake) and time.monotonic() < deadline:
            time.sleep(0.2)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    markers = read_run_markers(lake)
    assert len(markers) == 1 and markers[0].writer == "shard-2-of-2"  # the first cycle, at start
    assert markers[0].rows > 0
    assert not (tmp_path / "unused.duckdb").exists()  # lake mode never opens the warehouse
