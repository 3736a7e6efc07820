"""What the probes set up (setup_NAME: files, settings, a process holding the warehouse) and
check afterwards (check_NAME: a problem string, or None); feed_scenarios.py has the probes
that need a local feed server. A probe may also bring its own runner (run_NAME)."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path

import duckdb

from jobtrends.faults.feed_scenarios import setup_refused_feeds
from warehouse.db import open_warehouse
from warehouse.snapshot import publish_snapshot

CSV_HEADER = "guid,link,title,description,published_at\n"


def _csv(n: int) -> bytes:
    rows = (
        f"g{i},https://example.com/j/{i},Job {i},Text {i},2024-05-01T10:00:00Z\n" for i in range(n)
    )
    return (CSV_HEADER + "".join(rows)).encode()


def setup_truncated_gz(work: Path, ctx: dict[str, str], stack: ExitStack) -> dict[str, str]:
    whole = gzip.compress(_csv(12_000))
    (work / "jobs.csv.gz").write_bytes(whole[: len(whole) // 2])
    return {"file": str(work / "jobs.csv.gz")}


def setup_garbage_gz(work: Path, ctx: dict[str, str], stack: ExitStack) -> dict[str, str]:
    (work / "jobs.csv.gz").write_bytes(b"\x1f\x8b" + b"not a deflate stream " * 50)
    return {"file": str(work / "jobs.csv.gz")}


def setup_latin1_csv(work: Path, ctx: dict[str, str], stack: ExitStack) -> dict[str, str]:
    text = CSV_HEADER + "g1,https://example.com/j/1,Café 2,Résumé naïve,2024-05-01T10:00:00Z\n"
    (work / "latin1.csv").write_bytes(text.encode("latin-1"))
    return {"file": str(work / "latin1.csv")}


def setup_big_csv(work: Path, ctx: dict[str, str], stack: ExitStack) -> dict[str, str]:
    (work / "jobs.csv").write_bytes(_csv(30_000))
    return {"file": str(work / "jobs.csv")}


def setup_csv(work: Path, ctx: dict[str, str], stack: ExitStack) -> dict[str, str]:
    (work / "jobs.csv").write_bytes(_csv(10))
    return {"file": str(work / "jobs.csv")}


def setup_warehouse(work: Path, ctx: dict[str, str], stack: ExitStack) -> dict[str, str]:
    with open_warehouse(ctx["db"]):
        pass
    return {}


def setup_bad_config(work: Path, ctx: dict[str, str], stack: ExitStack) -> dict[str, str]:
    (work / "settings.toml").write_text("[servce]\ninterval_minutes = 5\n")
    return {"config": str(work / "settings.toml")}


def setup_held_live(work: Path, ctx: dict[str, str], stack: ExitStack) -> dict[str, str]:
    """A snapshot, then another process holding the live file open for writing."""
    with open_warehouse(ctx["db"]) as conn:
        publish_snapshot(conn, ctx["db"])
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
         "print('held', flush=True); time.sleep(600)", ctx["db"]],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    stack.callback(holder.communicate)
    stack.callback(holder.kill)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    os.utime(ctx["db"])  # the live file is newer than the snapshot: a reader would pick it
    return {}


def setup_read_only_volume(work: Path, ctx: dict[str, str], stack: ExitStack) -> dict[str, str]:
    """A folder nothing can be created in (for root, whom file modes do not stop: /sys/fs)."""
    folder = Path("/sys/fs") if os.geteuid() == 0 else work / "volume"
    if folder != Path("/sys/fs"):
        folder.mkdir()
        folder.chmod(0o555)
        stack.callback(folder.chmod, 0o755)
    return {"db": str(folder / "jobtrends.duckdb"), "volume": str(folder)}


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def setup_dead_temp_files(work: Path, ctx: dict[str, str], stack: ExitStack) -> dict[str, str]:
    """The temp files a process killed mid-publish and mid-spool leaves behind."""
    setup_refused_feeds(work, ctx, stack)
    with open_warehouse(ctx["db"]):
        pass
    pid = _dead_pid()
    (work / f".jobtrends.snapshot.duckdb.{pid}.tmp").write_bytes(b"\0" * 1_000_000)
    (work / "spool").mkdir(exist_ok=True)
    (work / "spool" / f".poll-x-000001.arrow.{pid}.tmp").write_bytes(b"\0" * 1000)
    return {"feeds": str(work / "feeds.toml")}


def check_no_temp_files(ctx: dict[str, str]) -> str | None:
    left = sorted(p.name for p in Path(ctx["work"]).rglob("*.tmp"))
    return None if not left else f"left behind: {', '.join(left)}"


def _query(db: str, sql: str) -> list[tuple[object, ...]]:
    with duckdb.connect(db, read_only=True) as c:
        return c.execute(sql).fetchall()


def check_db_absent(ctx: dict[str, str]) -> str | None:
    return f"{ctx['db']} was created" if Path(ctx["db"]).exists() else None


def check_typo_absent(ctx: dict[str, str]) -> str | None:
    typo = Path(ctx["work"]) / "jobtrend.duckdb"
    return f"{typo} was created" if typo.exists() else None


def check_no_running_run(ctx: dict[str, str]) -> str | None:
    rows = _query(ctx["db"], "SELECT count(*) FROM collection_runs WHERE status = 'running'")
    return None if rows == [(0,)] else f"{rows[0][0]} run(s) left running"


def check_rows_kept(ctx: dict[str, str]) -> str | None:
    rows = _query(ctx["db"], "SELECT count(*) FROM postings")
    return None if int(str(rows[0][0])) > 0 else "the rows before the damage were lost"


def check_no_replacement_char(ctx: dict[str, str]) -> str | None:
    if not Path(ctx["db"]).exists():
        return None
    rows = _query(ctx["db"], "SELECT count(*) FROM postings WHERE contains(title, '\ufffd')")
    return None if rows == [(0,)] else "stored U+FFFD in place of the Latin-1 letters"


def check_real_end(ctx: dict[str, str]) -> str | None:
    rows = _query(ctx["db"], "SELECT count(*) FROM collection_runs WHERE finished_at <= started_at")
    return None if rows == [(0,)] else "a run's finished_at is its started_at"
