"""A local feed server for lake-mode tests: six feeds whose jobs overlap (most jobs are in two
feeds), a sliding window of jobs per stage (old ones drop out, new ones come in, some
change their title), ETags with 304s, and a slow switch to kill a shard mid-fetch."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from collector.lake_writer import compute_lake_rows
from tests.feedserver import serve
from warehouse.lake import compute_run_id, render_run_name, write_run
from warehouse.postings import EntryRecord, build_batch

FEEDS = [f"jobs{i}" for i in range(6)]
JOBS_PER_STAGE = 14
STEP = 5  # each stage's window starts 5 jobs later: 9 jobs stay, 5 are new


def feeds_of(job: int) -> set[int]:
    """The feeds (by index) a job is listed in: one to three, most jobs in more than one."""
    return {job % 6, (job * 7 + 1) % 6, (job // 3) % 6}


class State:
    stage = 1
    slow = 0.0
    hits: list[str] = []


def render_feed(index: int, stage: int) -> bytes:
    items = []
    for job in range(STEP * (stage - 1), STEP * (stage - 1) + JOBS_PER_STAGE):
        if index not in feeds_of(job):
            continue
        title = f"Job {job}" + (" (updated)" if stage >= 3 and job % 5 == 0 else "")
        pub = (
            ""
            if job % 4 == 0
            else f"<pubDate>Mon, {1 + job % 27:02d} Jan 2024 10:00:00 GMT</pubDate>"
        )
        items.append(
            f"<item><title>{title}</title>"
            f"<link>https://jobs.example.com/j/{job}?utm_source=jobs{index}</link>"
            f'<guid isPermaLink="true">https://jobs.example.com/j/{job}</guid>'
            f"<description>Work item {job} for a client.</description>{pub}</item>"
        )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>jobs</title>'
        "<link>https://jobs.example.com/</link><description>d</description>"
        + "".join(items)
        + "</channel></rss>"
    ).encode()


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        name = self.path.strip("/").removesuffix(".rss")
        State.hits.append(name)
        if name not in FEEDS:
            self.send_response(404)
            self.end_headers()
            return
        if State.slow:
            time.sleep(State.slow)
        body = render_feed(FEEDS.index(name), State.stage)
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("ETag", etag)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the shard was killed mid-fetch

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@contextmanager
def lake_feed_server() -> Iterator[str]:
    with serve(Handler) as base:
        yield base


def render_feeds_toml(base: str) -> str:
    return "".join(
        f'[[feed]]\nname = "{n}"\nurl = "{base}/{n}.rss"\nkind = "rss"\n'
        f'source = "jobsite"\nmin_interval_minutes = 0\n\n'
        for n in FEEDS
    )


def write_lake_run(
    lake: Path, shard: int, seen_at: datetime, entries: list[EntryRecord], count: int = 2
) -> int:
    """Commit one run of shard k of `count` that saw `entries` at `seen_at`; its run id."""
    writer, run, run_id = (
        f"shard-{shard}-of-{count}",
        render_run_name(seen_at),
        compute_run_id(seen_at, shard),
    )
    rows, _ = build_batch(entries)
    write_run(
        lake,
        writer,
        run,
        run_id,
        seen_at,
        compute_lake_rows(rows, seen_at, run, run_id, writer),
        [],
    )
    return run_id
