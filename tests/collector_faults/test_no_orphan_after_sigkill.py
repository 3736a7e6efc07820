"""SIGKILL of `jobtrends collect --once` mid-cycle: nothing it started outlives it (a spawn
parse pool left 12 processes, 985 MB, under PID 1), and the next run saves the feed."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from tests.feedserver import Handler, feed_server, feeds_toml

JOBTRENDS = str(Path(sys.executable).with_name("jobtrends"))


def children_of(pid: int) -> list[int]:
    """Processes whose parent is `pid`, from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def test_a_killed_cycle_leaves_no_process_and_loses_nothing(tmp_path: Path) -> None:
    db = tmp_path / "data" / "jobtrends.duckdb"
    with feed_server() as base:
        feeds = tmp_path / "feeds.toml"
        feeds.write_text(feeds_toml(base, ["slowupwork", "upwork"]))
        args = [JOBTRENDS, "--db", str(db), "collect", "--once", "--feeds", str(feeds)]
        hits = Handler.hits.get("/slowupwork.rss", 0)
        proc = subprocess.Popen(args, stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while Handler.hits.get("/slowupwork.rss", 0) == hits:  # the slow poll is in flight
            assert time.monotonic() < deadline and proc.poll() is None
            time.sleep(0.05)
        assert children_of(proc.pid) == []  # one process: nothing to orphan
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        time.sleep(0.2)
        assert children_of(proc.pid) == []
        again = subprocess.run(args, capture_output=True, text=True, timeout=60, check=False)
    assert again.returncode == 0, again.stderr
    with duckdb.connect(str(db), read_only=True) as c:
        assert c.execute("SELECT count(*) FROM postings").fetchone() == (30,)
        assert c.execute("SELECT count(*) FROM raw_entries").fetchone() == (30,)
