#!/usr/bin/env python3
"""Run the Dockerfile's own recipe where no Docker engine runs.

Reads ./Dockerfile, and in a fresh temp folder with a clean virtual environment standing in
for the image's Python: applies ENV and WORKDIR, performs COPY (honouring .dockerignore),
executes every RUN step (the dependency install, `pip install .`, `jobtrends --help`), then
the start steps: `jobtrends migrate`, the HEALTHCHECK command against that fresh warehouse
(expected: exit 1 and the one line "never collected: ..."), and the CMD, stopped with the
STOPSIGNAL (when this branch has a `serve` command).

Differences from a real build, on purpose: the image's absolute paths (/app, /data) map into
the temp folder; `--no-cache-dir` is dropped so pip's cache makes reruns fast; the root-only
user-creation step is skipped. Exit status 0 when every step did what the image needs.

    python scripts/dockerfile_smoke.py [--keep] [--serve-seconds 8]
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IMAGE_ROOTS = ("/app", "/data")  # absolute paths the image uses, mapped into the temp folder
ROOT_ONLY = re.compile(r"\buseradd\b|\bchown\b")  # "useradd --uid 10001 jobtrends && chown ..."
STEP_TIMEOUT_SECONDS = 600


def parse_dockerfile(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) per step; continuation lines joined, comments dropped.

    "RUN a \\\\\\n    && b" -> [("RUN", "a && b")]
    """
    steps: list[tuple[str, str]] = []
    pending = ""
    for line in text.splitlines():
        stripped = line.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if stripped.startswith("#"):
            continue  # a comment inside a continued instruction
        if stripped.endswith("\\"):
            pending += stripped[:-1].rstrip() + " "
            continue
        full = (pending + stripped).strip()
        pending = ""
        instruction, _, args = full.partition(" ")
        steps.append((instruction.upper(), args.strip()))
    return steps


def map_paths(text: str, root: Path) -> str:
    """Rewrite the image's absolute paths into `root`: "/data/x" -> "<root>/data/x"."""
    for image_path in IMAGE_ROOTS:
        # "/data/jobtrends.duckdb" matches; "/database" and "a/data" do not.
        text = re.sub(
            rf"(?<![\w./]){re.escape(image_path)}(?=/|\b|$)", str(root) + image_path, text
        )
    return text


def read_dockerignore(path: Path) -> list[str]:
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [s.strip() for s in lines if s.strip() and not s.strip().startswith("#")]


def is_ignored(relative: str, patterns: list[str]) -> bool:
    """Docker-like: a pattern matches the path or one of its parent folders."""
    parts = relative.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    for pattern in patterns:
        for prefix in prefixes:
            if fnmatch.fnmatch(prefix, pattern) or (
                pattern.startswith("**/") and fnmatch.fnmatch(prefix.split("/")[-1], pattern[3:])
            ):
                return True
    return False


def copy_context(sources: list[str], dest: Path, ignore: list[str]) -> None:
    for source in sources:
        if source == ".":
            for path in sorted(ROOT.rglob("*")):
                relative = path.relative_to(ROOT).as_posix()
                if is_ignored(relative, ignore) or path.is_dir():
                    continue
                (dest / relative).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, dest / relative)
        else:
            shutil.copy2(ROOT / source, dest / Path(source).name)


def run_step(label: str, command: list[str], cwd: Path, env: dict[str, str]) -> tuple[int, str]:
    started = time.monotonic()
    proc = subprocess.run(
        command,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=STEP_TIMEOUT_SECONDS,
    )
    out = (proc.stdout + proc.stderr).strip()
    print(f"[{time.monotonic() - started:6.1f}s] {label}: exit {proc.returncode}", flush=True)
    return proc.returncode, out


def fail(message: str, output: str = "") -> int:
    print(f"FAIL: {message}\n{output[-3000:]}", file=sys.stderr)
    return 1


def smoke(work: Path, serve_seconds: float) -> int:
    steps = parse_dockerfile((ROOT / "Dockerfile").read_text(encoding="utf-8"))
    ignore = read_dockerignore(ROOT / ".dockerignore")
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env.pop("PIP_NO_CACHE_DIR", None)
    cwd = work
    health_cmd: list[str] | None = None
    cmd: list[str] | None = None
    stop_signal = signal.SIGTERM
    for instruction, args in steps:
        if instruction == "ENV":
            for name, value in re.findall(r"(\w+)=(\S+)", args):  # "A=1 B=/data/x"
                env[name] = map_paths(value, work)
        elif instruction == "WORKDIR":
            cwd = Path(map_paths(args, work))
            cwd.mkdir(parents=True, exist_ok=True)
        elif instruction == "COPY":
            *sources, _dest = args.split()
            copy_context(sources, cwd, ignore)
        elif instruction == "RUN":
            if ROOT_ONLY.search(args):
                print(f"skipped (needs root): RUN {args}")
                continue
            command = map_paths(args.replace("--no-cache-dir", ""), work)
            code, out = run_step(f"RUN {args[:70]}", ["/bin/sh", "-c", command], cwd, env)
            if code != 0:
                return fail(f"RUN step failed: {args}", out)
        elif instruction == "HEALTHCHECK":
            health_cmd = json.loads(args.split(" CMD ", 1)[1])
        elif instruction == "CMD":
            cmd = json.loads(args)
        elif instruction == "STOPSIGNAL":
            stop_signal = signal.Signals[args]
    if health_cmd is None or cmd is None:
        return fail("the Dockerfile needs a HEALTHCHECK ... CMD [...] and a CMD [...]")

    code, out = run_step("jobtrends migrate", ["jobtrends", "migrate"], cwd, env)
    if code != 0:
        return fail("jobtrends migrate failed", out)
    code, out = run_step(f"HEALTHCHECK {' '.join(health_cmd)}", health_cmd, cwd, env)
    print(f"    {out}")
    if code != 1 or not out.startswith("never collected:") or "\n" in out:
        return fail("health on a fresh warehouse should exit 1 with one 'never collected' line")

    code, _ = run_step("jobtrends serve --help", [*cmd, "--help"], cwd, env)
    if code != 0:
        print("skipped CMD: this branch has no `serve` command yet")
        return 0
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    time.sleep(serve_seconds)
    if proc.poll() is not None:
        out = proc.stdout.read().decode() if proc.stdout else ""
        return fail(f"CMD {cmd} exited by itself with {proc.returncode}", out)
    proc.send_signal(stop_signal)
    try:
        code = proc.wait(timeout=60)
    finally:
        out = proc.stdout.read().decode() if proc.stdout else ""
        if proc.stdout:
            proc.stdout.close()
    print(f"CMD {cmd}: ran {serve_seconds:.0f}s, stopped by {stop_signal.name} with exit {code}")
    if code not in (0, -stop_signal):
        return fail(f"CMD did not stop cleanly on {stop_signal.name}", out)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--keep", action="store_true", help="Keep the temp folder.")
    parser.add_argument("--serve-seconds", type=float, default=8.0)
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="jobtrends-dockerfile-"))
    try:
        code = smoke(work, options.serve_seconds)
    finally:
        if options.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print("dockerfile smoke: " + ("ok" if code == 0 else "FAILED"))
    return code


if __name__ == "__main__":
    sys.exit(main())
