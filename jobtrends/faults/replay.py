"""Replaying probe files: set up (scenarios.py), run `jobtrends ...` as a real process, judge
what it did against what the file expects, and print one line per probe."""

from __future__ import annotations

import os
import re
import resource
import signal
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from jobtrends.faults import feed_scenarios, scenarios

CASES = Path(str(resources.files("jobtrends.faults").joinpath("cases")))
DEFAULT_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class Probe:
    """One case file: what to set up, the command, and what must be true afterwards."""

    name: str
    probe: str
    expected: str
    args: list[str]
    setup: str | None = None
    env: dict[str, str] = field(default_factory=dict)
    timeout_s: float = DEFAULT_TIMEOUT_S
    expect: dict[str, Any] = field(default_factory=dict)
    fixed_by: str | None = None  # a branch whose fix this probe waits for (not yet merged)
    file_size_limit: int | None = None  # bytes: a full disk, as RLIMIT_FSIZE makes writes fail


@dataclass(frozen=True)
class Outcome:
    probe: Probe
    passed: bool
    observed: str
    rss_mb: float
    seconds: float

    def render(self) -> str:
        verdict = "PASS" if self.passed else "FAIL"
        return (
            f"{verdict} {self.probe.name}: {self.probe.probe} | expected: {self.probe.expected}"
            f" | observed: {self.observed} | rss={self.rss_mb:.0f}MB {self.seconds:.1f}s"
        )


def read_probes(folder: Path = CASES) -> list[Probe]:
    """Every *.toml case in `folder`, by file name."""
    probes = []
    for path in sorted(folder.glob("*.toml")):
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
        probes.append(Probe(name=path.stem, **doc))
    return probes


def _limit_file_size(limit: int) -> Callable[[], None]:
    def apply() -> None:  # in the child, before exec: writes past `limit` fail with EFBIG
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def run_process(
    args: list[str], env: dict[str, str], timeout_s: float, file_size_limit: int | None = None
) -> tuple[int | None, str, float, float]:
    """(exit code or None when it had to be killed, output, peak RSS MB, seconds)."""
    started = time.monotonic()
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "jobtrends.cli", *args],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, **env},
            preexec_fn=_limit_file_size(file_size_limit) if file_size_limit else None,  # noqa: PLW1509
        )
        code: int | None = None
        rusage = None
        while time.monotonic() - started < timeout_s:
            pid, status, rusage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                code = os.waitstatus_to_exitcode(status)
                break
            time.sleep(0.05)
        else:
            proc.kill()
            _, _, rusage = os.wait4(proc.pid, 0)
        proc.returncode = code if code is not None else -9  # reaped by wait4 above
        seconds = time.monotonic() - started
        out.seek(0)
        text = out.read().decode("utf-8", errors="backslashreplace")
    rss = rusage.ru_maxrss / 1024 if rusage else 0.0
    return code, text, rss, seconds


def find(name: str) -> Any:
    """scenarios.NAME or feed_scenarios.NAME; None when neither has it."""
    return getattr(scenarios, name, None) or getattr(feed_scenarios, name, None)


def judge(probe: Probe, code: int | None, output: str, ctx: dict[str, str]) -> list[str]:
    """What went against the case's expectations (empty: it passed)."""
    expect, wrong = probe.expect, []
    lines = [line for line in output.splitlines() if line.strip()]
    if code is None:
        return [f"still running after {probe.timeout_s:.0f}s"]
    if "exit" in expect and code != expect["exit"]:
        wrong.append(f"exit {code}, expected {expect['exit']}")
    if expect.get("nonzero") and code == 0:
        wrong.append("exit 0")
    if "output" in expect and not re.search(expect["output"].format(**ctx), output):
        wrong.append(f"no /{expect['output']}/ in the output")
    if "max_lines" in expect and len(lines) > expect["max_lines"]:
        wrong.append(f"{len(lines)} lines of output")
    if expect.get("no_traceback", True) and "Traceback" in output:
        wrong.append("a traceback")
    for check in expect.get("checks", []):
        problem = find(f"check_{check}")(ctx)
        if problem:
            wrong.append(problem)
    return wrong


def replay(probe: Probe) -> Outcome:
    """Set up, run and judge one probe in a fresh folder."""
    with tempfile.TemporaryDirectory(prefix="jobtrends-fault-") as tmp, ExitStack() as stack:
        ctx = {"work": tmp, "db": str(Path(tmp) / "jobtrends.duckdb")}
        if probe.setup:
            ctx.update(find(f"setup_{probe.setup}")(Path(tmp), ctx, stack))
        args = [a.format(**ctx) for a in probe.args]
        env = {k: v.format(**ctx) for k, v in probe.env.items()}
        runner = find(f"run_{probe.setup}")
        if runner is not None:  # a probe that drives its process itself (a kill mid-cycle)
            code, output, rss, seconds = runner(args, env, probe.timeout_s, ctx)
        else:
            code, output, rss, seconds = run_process(
                args, env, probe.timeout_s, probe.file_size_limit
            )
        wrong = judge(probe, code, output, ctx)
    last = next((line for line in reversed(output.splitlines()) if line.strip()), "")
    said = f"exit {code}" + (f', "{last.strip()[:110]}"' if last else "")
    observed = said + ("; " + "; ".join(wrong) if wrong else "")
    return Outcome(probe, not wrong, observed, rss, seconds)


def replay_all(folder: Path = CASES, only: str | None = None) -> Iterator[Outcome]:
    for probe in read_probes(folder):
        if only is None or only in probe.name:
            yield replay(probe)
