"""The probes that need a local feed server or watch the collector's processes: a refused
port, Retry-After, a redirect, feeds dripping a byte a second, a big cycle killed mid-way."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from contextlib import ExitStack
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import duckdb

from collector.benchmark import render_page

T0 = datetime(2024, 5, 13, 12, 0, tzinfo=UTC)
Route = Callable[[BaseHTTPRequestHandler], None]
SENT: dict[str, float] = {}  # route -> time.time() its last response was sent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _feeds(work: Path, urls: dict[str, str]) -> str:
    path = work / "feeds.toml"
    path.write_text(
        "".join(
            f'[[feed]]\nname = "{name}"\nurl = "{url}"\nkind = "rss"\nsource = "test"\n'
            "min_interval_minutes = 1\n\n"
            for name, url in urls.items()
        )
    )
    return str(path)


def setup_refused_feeds(work: Path, ctx: dict[str, str], stack: ExitStack) -> dict[str, str]:
    port = _free_port()  # closed again: every connection is refused
    return {
        "feeds": _feeds(work, {f"f{i}": f"http://127.0.0.1:{port}/f{i}.rss" for i in range(10)})
    }


def serve(routes: dict[str, Route], stack: ExitStack) -> str:
    """A threaded local server for `routes`; stopped when `stack` closes."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            route = routes.get(self.path)
            if route is None:
                self.send_response(404)
                self.end_headers()
                return
            route(self)
            SENT[self.path] = time.time()

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    stack.callback(server.server_close)
    stack.callback(server.shutdown)
    return f"http://127.0.0.1:{server.server_address[1]}"


def _send(h: BaseHTTPRequestHandler, status: int, body: bytes = b"", **headers: str) -> None:
    h.send_response(status)
    for name, value in headers.items():
        h.send_header(name.replace("_", "-"), value)
    h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    h.wfile.write(body)


def _page(start: int = 0, count: int = 20) -> Route:
    body = render_page(start, count, T0)
    return lambda h: _send(h, 200, body, Content_Type="application/rss+xml; charset=utf-8")


def setup_retry_after(work: Path, ctx: dict[str, str], stack: ExitStack) -> dict[str, str]:
    """A feed that answers 429 Retry-After: 120 after 5 s, behind a feed that takes 5 s."""

    def limited(h: BaseHTTPRequestHandler) -> None:
        time.sleep(5)
        _send(h, 429, b"slow down", Retry_After="120")

    def slow(h: BaseHTTPRequestHandler) -> None:
        time.sleep(5)
        _page()(h)

    base = serve({"/limited.rss": limited, "/slow.rss": slow}, stack)
    return {"feeds": _feeds(work, {"a_slow": f"{base}/slow.rss", "limited": f"{base}/limited.rss"})}


def check_retry_after(ctx: dict[str, str]) -> str | None:
    with duckdb.connect(ctx["db"], read_only=True) as c:
        row = c.execute("SELECT next_poll_at FROM feeds WHERE name = 'limited'").fetchone()
    if row is None or row[0] is None or "/limited.rss" not in SENT:
        return "no next poll stored for the limited feed"
    wait = row[0].timestamp() - SENT["/limited.rss"]
    return None if wait >= 119 else f"next poll {wait:.0f}s after the 429 arrived, not 120s"


def setup_redirect(work: Path, ctx: dict[str, str], stack: ExitStack) -> dict[str, str]:
    routes: dict[str, Route] = {"/new.rss": _page()}
    base = serve(routes, stack)
    routes["/old.rss"] = lambda h: _send(h, 301, b"", Location=f"{base}/new.rss")
    return {"feeds": _feeds(work, {"moved": f"{base}/old.rss"}), "new_url": f"{base}/new.rss"}


def check_redirect(ctx: dict[str, str]) -> str | None:
    with duckdb.connect(ctx["db"], read_only=True) as c:
        row = c.execute("SELECT * FROM feeds WHERE name = 'moved'").fetchone()
    if row is not None and any(v == ctx["new_url"] for v in row):
        return None
    return "the stored feed URL still points at the redirect"


def setup_slow_feeds(work: Path, ctx: dict[str, str], stack: ExitStack) -> dict[str, str]:
    """Two feeds dripping 1 byte a second, then eight quick ones."""

    def drip(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "application/rss+xml")
        h.end_headers()
        try:
            for _ in range(300):
                h.wfile.write(b" ")
                h.wfile.flush()
                time.sleep(1)
        except OSError:
            pass

    routes: dict[str, Route] = {"/drip.rss": drip}
    routes.update({f"/q{i}.rss": _page(100 * i) for i in range(8)})
    base = serve(routes, stack)
    urls = {"a_drip1": f"{base}/drip.rss", "a_drip2": f"{base}/drip.rss"}
    urls.update({f"q{i}": f"{base}/q{i}.rss" for i in range(8)})
    return {"feeds": _feeds(work, urls)}


def check_quick_feeds_stored(ctx: dict[str, str]) -> str | None:
    with duckdb.connect(ctx["db"], read_only=True) as c:
        row = c.execute(
            "SELECT count(*) FROM feeds WHERE name LIKE 'q%' AND health = 'ok'"
        ).fetchone()
    n = row[0] if row else 0
    return None if n == 8 else f"{n} of the 8 quick feeds stored"


def setup_big_feeds(work: Path, ctx: dict[str, str], stack: ExitStack) -> dict[str, str]:
    """20 pages of 1,000 items: a cycle big enough for the collector's parse workers."""
    routes = {f"/p{k}.rss": _page(1000 * k, 1000) for k in range(20)}
    base = serve(routes, stack)
    return {"feeds": _feeds(work, {f"p{k}": f"{base}/p{k}.rss" for k in range(20)})}


def _children(pid: int) -> set[int]:
    """Every descendant of `pid` (from /proc)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                parents[int(entry.name)] = int(fields[1])
            except (OSError, IndexError, ValueError):
                continue
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def run_big_feeds(
    args: list[str], env: dict[str, str], timeout_s: float, ctx: dict[str, str]
) -> tuple[int | None, str, float, float]:
    """Start the cycle, SIGKILL it a second after it has children (a process with none is
    killed mid-cycle after 5 s), then count the children still alive 5 s later."""
    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "jobtrends.cli", *args], env={**os.environ, **env},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    kids: set[int] = set()
    first_seen: float | None = None
    while time.monotonic() - started < timeout_s - 10 and proc.poll() is None:
        kids |= _children(proc.pid)
        first_seen = first_seen or (time.monotonic() if kids else None)
        if first_seen and time.monotonic() - first_seen > 1:
            break
        time.sleep(0.2)
    kids |= _children(proc.pid)
    finished = proc.poll() is not None
    proc.send_signal(signal.SIGKILL)
    _, _, rusage = os.wait4(proc.pid, 0)
    proc.returncode = -9
    time.sleep(5)
    alive = sorted(k for k in kids if Path(f"/proc/{k}").exists())
    for pid in alive:
        os.kill(pid, signal.SIGKILL)  # ours: started by the probe's own process
    ctx["orphans"] = f"{len(alive)} of {len(kids)} children alive 5 s after SIGKILL" + (
        " (the cycle had ended before the kill)" if finished else ""
    )
    seconds = time.monotonic() - started
    return 0, ctx["orphans"], rusage.ru_maxrss / 1024, seconds


def check_no_orphans(ctx: dict[str, str]) -> str | None:
    said = ctx.get("orphans", "not run")
    return None if said.startswith("0 of") and "ended before" not in said else said
