"""Source adapters through a real cycle against a real HTTP server on 127.0.0.1: a body that
names a local file is never opened, the JSON APIs store their postings, a feed's <ttl> spaces
its polls, a parse that lost nothing is a feed-health warning and not a reject."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import duckdb

from collector.cycle import run_cycle
from collector.entries import parse_feed_bytes
from collector.feeds import parse_feed_list
from tests.conftest import FIXTURES, T0
from tests.feedserver import send

SOURCES = FIXTURES / "sources"
BODIES: dict[str, tuple[bytes, str]] = {}


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        if self.path == "/limited.json":
            send(self, 429, b"slow down", Retry_After="600")
            return
        body, content_type = BODIES.get(self.path, (b"", ""))
        send(self, 200 if body else 404, body, Content_Type=content_type)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@contextmanager
def _server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _toml(base: str, feeds: list[tuple[str, str, str]]) -> str:
    return "".join(
        f'[[feed]]\nname = "{name}"\nurl = "{base}{path}"\nkind = "{kind}"\n'
        f'source = "{name}"\nmin_interval_minutes = 60\n\n'
        for name, path, kind in feeds
    )


def test_a_body_naming_a_local_file_is_never_opened(tmp_path: Path) -> None:
    secret = tmp_path / "secret.xml"
    secret.write_bytes((SOURCES / "wwr.rss").read_bytes())  # a valid feed with 2 entries
    assert len(parse_feed_bytes(secret.read_bytes(), "x", "x").entries) == 2
    for body in (str(secret).encode(), secret.as_uri().encode()):
        parsed = parse_feed_bytes(body, "x", "x")
        assert parsed.entries == [] and parsed.fatal
    begin = time.monotonic()
    assert parse_feed_bytes(b"/dev/zero", "x", "x").fatal  # read as 9 bytes, not as a device
    assert time.monotonic() - begin < 5


def test_cycle_over_real_server(db_path: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.xml"
    secret.write_bytes((SOURCES / "wwr.rss").read_bytes())
    BODIES.update({
        "/path.rss": (str(secret).encode(), "application/rss+xml"),
        "/himalayas.rss": ((SOURCES / "himalayas_feed.rss").read_bytes(), "application/rss+xml"),
        "/freelancer.json": ((SOURCES / "freelancer.json").read_bytes(), "application/json"),
        "/remotive.json": ((SOURCES / "remotive.json").read_bytes(), "application/json"),
    })  # fmt: skip
    feeds = [
        ("path", "/path.rss", "rss"),
        ("himalayas", "/himalayas.rss", "rss"),
        ("freelancer", "/freelancer.json", "freelancer-api"),
        ("remotive", "/remotive.json", "remotive-api"),
        ("limited", "/limited.json", "jobicy-api"),
    ]
    with _server() as base:
        specs = parse_feed_list(_toml(base, feeds), "test.toml")
        run_cycle(db_path, tmp_path / "spool", specs, T0, timeout_s=5)
    conn = duckdb.connect(str(db_path), read_only=True)
    try:
        by_feed = dict(
            conn.execute(
                "SELECT f.name, count(p.posting_id) FROM feeds f"
                " LEFT JOIN postings p ON list_contains(p.feeds, f.name) GROUP BY f.name"
            ).fetchall()
        )
        assert by_feed == {"path": 0, "himalayas": 1, "freelancer": 2, "remotive": 2,
                           "limited": 0}  # fmt: skip
        assert not conn.execute(
            "SELECT count(*) FROM postings WHERE title LIKE '%Copywriter%'"
        ).fetchone()[0]  # the secret file's entries were never read
        polls = dict(conn.execute("SELECT name, next_poll_at FROM feeds").fetchall())
        assert polls["himalayas"] == T0 + timedelta(minutes=1440)  # its <ttl>, not the list's
        assert polls["freelancer"] == T0 + timedelta(minutes=60)
        assert polls["limited"] == T0 + timedelta(seconds=600)  # Retry-After on an API too
        rejects = conn.execute("SELECT origin, reason FROM rejects").fetchall()
        assert [origin for origin, _ in rejects] == ["path"], rejects  # himalayas lost nothing
        warning = conn.execute(
            "SELECT last_warning FROM feed_sources WHERE name = 'himalayas'"
        ).fetchone()[0]
        assert "unbound prefix" in warning
    finally:
        conn.close()
