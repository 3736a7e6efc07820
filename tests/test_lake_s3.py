"""A lake on an object store: `--lake s3://bucket/prefix` for the shard writers and the DuckDB
merge, against a real S3-compatible server process (moto's, on 127.0.0.1), through fsspec
and s3fs. Three shards over overlapping feeds merge to the postings of one ordinary
collector; a fresh state folder is rebuilt from the lake's run markers; Spark, which
needs the hadoop-aws jars for s3a://, refuses with one line."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests.lakefeeds import State, lake_feed_server, render_feeds_toml
from tests.test_lake_shards import COLUMNS, db_rows, rows
from warehouse.lake import read_current, read_run_markers, read_table_files
from warehouse.lake_engine import DuckDBEngine
from warehouse.lake_merge import LOCK_FILE, merge_lake
from warehouse.lake_store import LakeStore, open_lake

JOBTRENDS = str(Path(sys.executable).with_name("jobtrends"))
MOTO_SERVER = Path(sys.executable).with_name("moto_server")
BUCKET = "jobtrends-test"
LAKE = f"s3://{BUCKET}/lake"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """A moto S3 server process on 127.0.0.1 with an empty bucket; the AWS SDK's own
    variables point this process and its children at it."""
    pytest.importorskip("s3fs", reason="object-store lakes need pip install -e '.[s3]'")
    if not MOTO_SERVER.exists():
        pytest.skip("the S3 test server needs pip install 'moto[server]' (the [test] extra)")
    port = free_port()
    server = subprocess.Popen(
        [str(MOTO_SERVER), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    env = {
        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), 0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("moto_server did not start") from None
                time.sleep(0.1)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        import fsspec

        fsspec.filesystem("s3", skip_instance_cache=True).mkdir(BUCKET)
        yield {**os.environ, **env}
    finally:
        server.terminate()
        server.wait(timeout=30)


def store() -> LakeStore:
    import fsspec

    return LakeStore(fsspec.filesystem("s3", skip_instance_cache=True), f"{BUCKET}/lake", False)


def run(env: dict[str, str], *args: str, code: int = 0) -> subprocess.CompletedProcess[str]:
    out = subprocess.run([JOBTRENDS, *args], capture_output=True, text=True, timeout=180, env=env)
    assert out.returncode == code, out.stderr
    return out


def lake_rows_s3(starts: list[datetime]) -> dict[int, tuple[Any, ...]]:
    lake = store()
    manifest = read_current(lake)
    assert manifest is not None
    files = read_table_files(lake, manifest, "postings")
    assert all(f.startswith(f"s3://{BUCKET}/lake/versions/") for f in files)
    with duckdb.connect() as c:
        c.register_filesystem(lake.fs)
        sql = "SELECT count(*) - count(DISTINCT posting_id) FROM read_parquet(?)"
        assert c.execute(sql, [files]).fetchone() == (0,)
        return rows(c, f"SELECT {COLUMNS} FROM read_parquet(?)", starts, [files])  # noqa: S608


@pytest.mark.slow
def test_three_shards_on_s3_merge_like_one_collector(tmp_path: Path, s3: dict[str, str]) -> None:
    base, copy, feeds = tmp_path / "base.duckdb", tmp_path / "copy.duckdb", tmp_path / "f.toml"
    starts: list[datetime] = []
    with lake_feed_server() as url:
        feeds.write_text(render_feeds_toml(url))
        for stage in (1, 2):
            State.stage = stage
            time.sleep(0.01)
            starts.append(datetime.now(UTC))
            run(s3, "--db", str(base), "collect", "--once", "--feeds", str(feeds))
            procs = [
                subprocess.Popen(
                    [
                        JOBTRENDS,
                        "collect",
                        "--once",
                        "--feeds",
                        str(feeds),
                        "--lake",
                        LAKE,
                        "--shard",
                        f"{k}/3",
                        "--state-dir",
                        str(tmp_path / "state"),
                    ],
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                    env=s3,
                )  # fmt: skip
                for k in (1, 2, 3)
            ]
            for p in procs:
                _, err = p.communicate(timeout=180)
                assert p.returncode == 0, err
            merged = run(s3, "lake", "merge", "--lake", LAKE, "--db", str(copy)).stdout
            assert f"version {stage} (duckdb): 3 new run(s)" in merged
        # a shard on a new machine: an empty state folder, rebuilt from its run markers, so
        # its unchanged feeds answer 304 and nothing is counted twice
        fresh = run(
            s3, "collect", "--once", "--feeds", str(feeds), "--lake", LAKE, "--shard", "1/3",
            "--state-dir", str(tmp_path / "new-state"),
        ).stdout  # fmt: skip
    assert "recovered_runs=2" in fresh and "raw_rows=0" in fresh
    assert "new run(s)" in run(s3, "lake", "merge", "--lake", LAKE).stdout
    expected = db_rows(base, starts)
    assert len(expected) == 19 and {len(v[4]) for v in expected.values()} >= {2, 3}
    assert lake_rows_s3(starts) == expected
    assert db_rows(copy, starts) == expected
    assert not (tmp_path / "lake").exists() and not Path(BUCKET).exists()  # nothing local
    lake = store()
    manifest = read_current(lake)
    assert manifest is not None
    assert set(manifest["partitions"]) >= {"postings", "posting_categories", "posting_pay"}
    assert len(read_run_markers(lake)) == 7
    assert not lake.exists(LOCK_FILE)


def test_object_store_lake_refusals_are_one_line(tmp_path: Path, s3: dict[str, str]) -> None:
    lake = store()
    lake.write_bytes("_runs/shard-1-of-1/x.json", b"{}")  # a lake is there
    for args, words, code in (
        (["lake", "merge", "--lake", LAKE, "--engine", "spark"], ("hadoop-aws", "pyspark"), 1),
        (["lake", "merge", "--lake", "gs://bucket/lake"], ("unknown scheme",), 2),
        (["collect", "--once", "--lake", LAKE, "--shard", "1/2"], ("--state-dir",), 2),
    ):
        out = run(s3, *args, code=code)
        assert any(w in out.stderr for w in words), out.stderr
        assert "Traceback" not in out.stderr
        if code == 1:
            assert out.stderr.count("\n") == 1  # one line
    assert lake.create_exclusive(LOCK_FILE, b"{}")  # a merge that died holding the lock
    with pytest.raises(Exception, match="another merge is running"):
        merge_lake(lake, DuckDBEngine(), datetime.now(UTC))
    assert open_lake(LAKE).url == LAKE and open_lake("s3a://b/p/").url == "s3://b/p"
