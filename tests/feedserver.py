"""A real HTTP server on 127.0.0.1 serving recorded and hostile feeds (threaded, so a slow route
does not hold up the others)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FEEDS = Path(__file__).parent / "fixtures" / "feeds"
UPWORK_FILE = FEEDS / "recorded" / "upwork_handwritten.xml"  # 30 items in Upwork's format
UPWORK = UPWORK_FILE.read_bytes()
RECORDED = FEEDS / "recorded"
ETAG = '"upwork-v1"'

Route = Callable[[BaseHTTPRequestHandler], None]


def send(h: BaseHTTPRequestHandler, status: int, body: bytes = b"", **headers: str) -> None:
    h.send_response(status)
    for name, value in headers.items():
        h.send_header(name.replace("_", "-"), value)
    h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    h.wfile.write(body)


def upwork(h: BaseHTTPRequestHandler) -> None:
    if h.headers.get("If-None-Match") == ETAG:
        send(h, 304, ETag=ETAG)
    else:
        send(h, 200, UPWORK, Content_Type="application/rss+xml; charset=utf-8", ETag=ETAG)


def slow(h: BaseHTTPRequestHandler) -> None:
    time.sleep(2.0)
    send(h, 200, UPWORK)


def slow_upwork(h: BaseHTTPRequestHandler) -> None:
    """The Upwork feed, after a second: a cycle spends most of its time in flight."""
    time.sleep(1.0)
    send(h, 200, UPWORK, Content_Type="application/rss+xml; charset=utf-8")


def trickle(h: BaseHTTPRequestHandler) -> None:
    """A body that keeps arriving, a little every 0.2 s: each read is quick, the whole is not."""
    h.send_response(200)
    h.send_header("Content-Type", "application/rss+xml")
    h.send_header("Connection", "close")
    h.end_headers()
    try:
        for _ in range(20):
            h.wfile.write(b"<!-- still coming -->\n")
            h.wfile.flush()
            time.sleep(0.2)
    except (BrokenPipeError, ConnectionResetError):
        pass


def huge(h: BaseHTTPRequestHandler) -> None:
    """50 MB with no Content-Length: the cap must hold while streaming."""
    h.send_response(200)
    h.send_header("Content-Type", "application/rss+xml")
    h.send_header("Connection", "close")
    h.end_headers()
    chunk = b"<!-- " + b"x" * (1024 * 1024 - 9) + b" -->"
    try:
        h.wfile.write(b'<?xml version="1.0"?><rss version="2.0"><channel>')
        for _ in range(50):
            h.wfile.write(chunk)
    except (BrokenPipeError, ConnectionResetError):
        pass


def drip(h: BaseHTTPRequestHandler) -> None:
    """The real feed's headers, then its body at 1 byte a second: every read is quick."""
    h.send_response(200)
    h.send_header("Content-Type", "application/rss+xml")
    h.send_header("Content-Length", str(len(UPWORK)))
    h.end_headers()
    try:
        for i in range(60):
            h.wfile.write(UPWORK[i : i + 1])
            h.wfile.flush()
            time.sleep(1.0)
    except (BrokenPipeError, ConnectionResetError):
        pass


def drip_headers(h: BaseHTTPRequestHandler) -> None:
    """A status line, then a header that never ends, a byte a second."""
    try:
        h.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
        for _ in range(60):
            h.wfile.write(b"x")
            h.wfile.flush()
            time.sleep(1.0)
    except (BrokenPipeError, ConnectionResetError):
        pass


def late_429(h: BaseHTTPRequestHandler) -> None:
    """429 with Retry-After: 120, answered after a second and a half."""
    time.sleep(1.5)
    send(h, 429, b"slow down", Retry_After="120")


def recorded(name: str, content_type: str = "application/rss+xml") -> Route:
    body = (RECORDED / name).read_bytes()
    return lambda h: send(h, 200, body, Content_Type=content_type)


ROUTES: dict[str, Route] = {
    "/upwork.rss": upwork,
    "/slow.rss": slow,
    "/ratelimited.rss": lambda h: send(h, 429, b"slow down", Retry_After="120"),
    "/error.rss": lambda h: send(h, 500, b"oops"),
    "/gone.rss": lambda h: send(h, 410, b"Upwork RSS is gone"),
    "/missing.rss": lambda h: send(h, 404, b"not here"),
    "/truncated.rss": recorded("truncated.xml"),
    "/notxml.rss": recorded("not_xml.html", "text/html"),
    "/huge.rss": huge,
    "/trickle.rss": trickle,
    "/slowupwork.rss": slow_upwork,
    "/drip.rss": drip,
    "/dripheaders.rss": drip_headers,
    "/late429.rss": late_429,
    "/moved.rss": lambda h: send(h, 301, Location="/upwork.rss"),
    "/movedagain.rss": lambda h: send(h, 308, Location="/moved.rss"),
    "/found.rss": lambda h: send(h, 302, Location="/upwork.rss"),
    "/bomb.rss": recorded("billion_laughs.xml"),
    "/charset.rss": recorded("wrong_charset.xml", "application/rss+xml; charset=utf-8"),
}


class Handler(BaseHTTPRequestHandler):
    hits: dict[str, int] = {}

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        Handler.hits[self.path] = Handler.hits.get(self.path, 0) + 1
        route = ROUTES.get(self.path)
        if route is None:
            send(self, 404)
        else:
            route(self)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@contextmanager
def serve(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """Serve `handler` on a free loopback port in a thread; yields 'http://127.0.0.1:PORT'."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def feed_server() -> Iterator[str]:
    """Serve ROUTES; yields the base URL 'http://127.0.0.1:PORT'."""
    with serve(Handler) as base:
        yield base


def feeds_toml(base: str, names: list[str], minutes: float = 1) -> str:
    """A feeds.toml listing routes by name (the path without '/' and '.rss')."""
    return "".join(
        f'[[feed]]\nname = "{n}"\nurl = "{base}/{n}.rss"\nkind = "rss"\n'
        f'source = "test"\nmin_interval_minutes = {minutes}\n\n'
        for n in names
    )
