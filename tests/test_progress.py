"""Long commands show a progress bar on a terminal, and nothing extra when piped."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

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
