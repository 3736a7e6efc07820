"""Long commands show a progress bar on a terminal, and nothing extra when piped."""

from __future__ import annotations

import fcntl
import io
import os
import pty
import struct
import subprocess
import sys
import termios
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from tqdm import tqdm

from analytics.evaluation.bench_analyze import save_bulk_postings
from analytics.trends.analyze import analyze_warehouse
from jobtrends.commands.progress import make_step_callback

JOBTRENDS = [str(Path(sys.executable).parent / "jobtrends")]  # the installed console script
SIMULATE = ["simulate", "--postings", "3000", "--start", "2024-01-01", "--end", "2024-03-31"]


def run_on_a_terminal(args: list[str]) -> tuple[int, str, str]:
    """Run with stderr on a pseudo-terminal (as a person would); (code, stdout, terminal)."""
    leader, follower = pty.openpty()
    # a new pty is 0x0 and tqdm fits its bar into 0 columns: give it a terminal's size
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 120, 0, 0))
    proc = subprocess.Popen([*JOBTRENDS, *args], stdout=subprocess.PIPE, stderr=follower, text=True)
    os.close(follower)
    screen = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        screen += chunk
    out, _ = proc.communicate(timeout=300)
    os.close(leader)
    return proc.returncode, out, screen.decode("utf-8", "replace")


@pytest.mark.slow
def test_simulate_and_export_show_progress_on_a_terminal(tmp_path: Path) -> None:
    db = str(tmp_path / "w.duckdb")
    code, out, screen = run_on_a_terminal(["--db", db, *SIMULATE, "--seed", "1"])
    assert code == 0 and "simulated" in out
    assert "simulate:" in screen and "postings" in screen and "%|" in screen
    code, out, screen = run_on_a_terminal(["--db", db, "export", "--parquet", str(tmp_path / "p")])
    assert code == 0 and "exported" in out
    assert "export:" in screen and "table" in screen


@pytest.mark.slow
def test_no_bar_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    db = str(tmp_path / "w.duckdb")
    done = subprocess.run(
        [*JOBTRENDS, "--db", db, *SIMULATE, "--seed", "2"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "%|" not in done.stderr and "simulate:" not in done.stderr


def test_analyze_counts_every_unit_of_work(conn: duckdb.DuckDBPyConnection) -> None:
    """The bar's total is the number of units analyze runs: after the last unit starts,
    one remains (it is running), and every (subject, method) is one of them."""
    as_of, now = date(2024, 6, 1), datetime(2024, 6, 1, 6, tzinfo=UTC)
    save_bulk_postings(conn, 0, 20_000, date(2022, 1, 1), 880, now - timedelta(days=1))
    calls: list[tuple[str, int]] = []
    analyze_warehouse(
        conn, as_of=as_of, now=now, full=True, on_step=lambda n, t: calls.append((n, t))
    )
    names = [n for n, _ in calls]
    assert names[:2] == ["daily counts", "moving averages"] and names[-1] == "pay deltas"
    assert calls[-1][1] == len(calls) > 100  # the final total is exact
    assert "did Writing" in names and "study Writing" in names
    subjects = conn.execute(
        "SELECT count(DISTINCT (kind, subject)) FROM a_daily_counts WHERE kind <> 'all'"
    ).fetchone()
    assert subjects
    assert sum(" " in n and n.split()[0] in {"did", "its"} for n in names) == 2 * subjects[0]
    bar = tqdm(total=None, file=io.StringIO())
    tick = make_step_callback(bar)
    for name, total in calls:
        tick(name, total)
    assert (bar.n, bar.total) == (len(calls) - 1, len(calls))  # the running unit is not done

    # a second run with nothing new computes only ma_endpoints: fewer units, still exact
    again: list[tuple[str, int]] = []
    analyze_warehouse(conn, as_of=as_of, now=now, on_step=lambda n, t: again.append((n, t)))
    assert again[-1][1] == len(again) < len(calls)
    assert {n.split()[0] for n, _ in again[2:]} == {"ma_endpoints"}


@pytest.mark.slow
def test_analyze_full_shows_a_bar_of_units_on_a_terminal(tmp_path: Path) -> None:
    db = str(tmp_path / "w.duckdb")
    code, _, _ = run_on_a_terminal(["--db", db, *SIMULATE, "--seed", "3"])
    assert code == 0
    args = ["--db", db, "analyze", "--simulated", "--full", "--as-of", "2024-03-31"]
    code, out, screen = run_on_a_terminal(args)
    assert code == 0 and "analyze (full)" in out
    assert "analyze --full:" in screen and "unit" in screen and "%|" in screen
