"""Source adapters through a real cycle against a real HTTP server on 127.0.0.1: a body that
names a local file is never opened, the JSON APIs store their postings, a feed's <ttl> spaces
its polls, a parse that lost nothing is a feed-health warning and not a reject."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import duckdb

from collector.cycle import CycleOptions, run_cycle
from collector.entries import parse_feed_bytes
from collector.feeds import parse_feed_list
from tests.conftest import FIXTURES, T0
from tests.feedserver import send, serve

SOURCES = FIXTURES / "sources"
BODIES: dict[str, tuple[bytes, str]] = {}
AGENTS: list[str] = []


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        AGENTS.append(self.headers.get("User-Agent") or "")
        if self.path == "/limited.json":
            send(self, 429, b"slow down", Retry_After="600")
            return
        body, content_type = BODIES.get(self.path, (b"", ""))
        send(self, 200 if body else 404, body, Content_Type=content_type)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@contextmanager
def _server() -> Iterator[str]:
    with serve(_Handler) as base:
        yield base


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


def test_an_archive_naming_a_local_file_is_never_opened(tmp_path: Path) -> None:
    import pytest

    from collector.import_formats import ImportFormatError, read_rss

    secret = tmp_path / "secret.xml"
    secret.write_bytes((SOURCES / "wwr.rss").read_bytes())
    archive = tmp_path / "archive.rss"
    archive.write_bytes(str(secret).encode())
    with pytest.raises(ImportFormatError, match="not a readable rss file"):
        list(read_rss(archive, "import", "test"))


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
        AGENTS.clear()
        run_cycle(db_path, specs, T0, CycleOptions(timeout_s=5, contact="ops@example.org"))
    assert len(AGENTS) == len(feeds)
    assert all(a.startswith("jobtrends/") and "contact: ops@example.org)" in a for a in AGENTS)
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
        # the next poll counts from when each answer arrived (fetch_log.fetched_at)
        polls = dict(
            conn.execute(
                "SELECT f.name, f.next_poll_at - l.fetched_at FROM feeds f"
                " JOIN fetch_log l ON l.feed_name = f.name"
            ).fetchall()
        )
        assert polls["himalayas"] == timedelta(minutes=1440)  # its <ttl>, not the list's
        assert polls["freelancer"] == timedelta(minutes=60)
        assert polls["limited"] == timedelta(seconds=600)  # Retry-After on an API too
        rejects = conn.execute("SELECT origin, reason FROM rejects").fetchall()
        assert [origin for origin, _ in rejects] == ["path"], rejects  # himalayas lost nothing
        warning = conn.execute(
            "SELECT last_warning FROM feed_sources WHERE name = 'himalayas'"
        ).fetchone()[0]
        assert "unbound prefix" in warning
    finally:
        conn.close()


def test_collect_enrich_feeds_shows_engagement_and_site_share(tmp_path: Path) -> None:
    """`collect --once`, `enrich`, `feeds`: per feed the engagement mix and the share of
    postings whose category came from the site's own label."""
    from click.testing import CliRunner

    from jobtrends.cli import cli

    db = tmp_path / "w.duckdb"
    BODIES.update({
        "/remotive.json": ((SOURCES / "remotive.json").read_bytes(), "application/json"),
        "/reddit.atom": ((SOURCES / "reddit_forhire.atom").read_bytes(), "application/atom+xml"),
    })  # fmt: skip
    with _server() as base:
        feeds = tmp_path / "feeds.toml"
        feeds.write_text(
            _toml(base, [("remotive", "/remotive.json", "remotive-api"),
                         ("reddit", "/reddit.atom", "atom")])
        )  # fmt: skip
        runner = CliRunner()
        env = {"JOBTRENDS_FEEDS": str(feeds)}
        collected = runner.invoke(cli, ["--db", str(db), "collect", "--once"], env=env)
        assert collected.exit_code == 0, collected.output
    assert runner.invoke(cli, ["--db", str(db), "enrich"]).exit_code == 0
    lines = runner.invoke(cli, ["--db", str(db), "feeds"]).output.splitlines()
    assert "engagement" in lines[0] and "site_labelled" in lines[0]
    remotive = next(line for line in lines if line.startswith("remotive"))
    assert "freelance 1" in remotive and "full 1" in remotive and " 100% " in remotive
    reddit = next(line for line in lines if line.startswith("reddit"))
    assert " 0% " in reddit  # a subreddit is no trade: the rules decided both
    with duckdb.connect(str(db), read_only=True) as conn:
        seekers = conn.execute("SELECT title FROM postings_engagement WHERE is_seeker").fetchall()
        demand = conn.execute("SELECT count(*) FROM postings_demand").fetchone()
    assert seekers == [("[For Hire] Video editor for YouTube channels",)]
    assert demand == (3,)  # 4 postings, the seeker is not demand


def test_bundled_list_has_freelancer_and_keeps_reddit_opt_in() -> None:
    from collector.feeds import read_feed_list

    by_name = {s.name: s for s in read_feed_list()}
    assert by_name["freelancer-projects"].enabled
    assert by_name["freelancer-projects"].kind == "freelancer-api"
    assert "/api/projects/0.1/projects/active/" in by_name["freelancer-projects"].url
    assert not by_name["reddit-forhire"].enabled  # 429 for unauthenticated .rss since 2026
    jobicy = [s for s in by_name.values() if s.source == "jobicy" and s.enabled]
    assert len(jobicy) == 1  # Jobicy allows one request an hour in all


STORIES = b"""{"hits": [
 {"title": "Ask HN: Freelancer? Seeking freelancer? (June 2026)", "objectID": "980000",
  "created_at_i": 1780000000, "author": "whoishiring"},
 {"title": "Ask HN: Freelancer? Seeking freelancer? (July 2026)", "objectID": "990000",
  "created_at_i": 1782900000, "author": "someone_else"},
 {"title": "Ask HN: Who is hiring? (July 2026)", "objectID": "990500",
  "created_at_i": 1782950000, "author": "someone_else"},
 {"title": "Show HN: I made a freelancer marketplace", "objectID": "990600",
  "created_at_i": 1782990000, "author": "maker"}]}"""


def test_hn_thread_is_found_by_title_not_by_account(db_path: Path, tmp_path: Path) -> None:
    BODIES.update({
        "/api/v1/search_by_date?tags=story&query=freelancer": (STORIES, "application/json"),
        "/api/v1/search_by_date?tags=comment%2Cstory_990000&hitsPerPage=1000":
            ((SOURCES / "hn_algolia.json").read_bytes(), "application/json"),
    })  # fmt: skip
    path = "/api/v1/search_by_date?tags=story&query=freelancer#thread=freelancer"
    with _server() as base:
        specs = parse_feed_list(_toml(base, [("hn", path, "hn-algolia")]), "test.toml")
        summary = run_cycle(db_path, specs, T0, CycleOptions(timeout_s=5))
    assert summary.counts["feeds_ok"] == 1
    with duckdb.connect(str(db_path), read_only=True) as conn:
        links = conn.execute("SELECT canonical_url FROM postings ORDER BY 1").fetchall()
    # the July thread's two top-level comments; its reply and the June thread are not read
    assert links == [("https://news.ycombinator.com/item?id=990101",),
                     ("https://news.ycombinator.com/item?id=990102",)]  # fmt: skip
