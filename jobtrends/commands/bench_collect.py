"""`jobtrends bench collect`: end-to-end collector throughput against a local server."""

from __future__ import annotations

import resource
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import click

from jobtrends.commands.bench import bench

ITEMS_PER_FEED = 1000  # one page: real job feeds carry 10-100 items; bodies stay ~1.5 MB
ITEM_TEMPLATE = (
    "<item><title><![CDATA[Generated job {i} - Upwork]]></title>"
    "<link>https://www.upwork.com/jobs/Generated-job_%7E{i:016x}?source=rss</link>"
    "<description><![CDATA[We need a data analyst for dashboard work number {i}.<br />"
    "Clean the data, build the model and publish the report.<br /><br />"
    "<b>Hourly Range</b>: $15.00-$30.00\n<br /><b>Posted On</b>: {posted} UTC<br />"
    "<b>Category</b>: Data Visualization<br /><b>Skills</b>:Microsoft Power BI, SQL<br />"
    '<b>Country</b>: United States\n<br /><a href="https://www.upwork.com/jobs/x">'
    "click to apply</a>]]></description>"
    "<guid>https://www.upwork.com/jobs/Generated-job_%7E{i:016x}?source=rss</guid>"
    "<pubDate>{pub}</pubDate></item>"
)


def render_page(start: int, count: int, t0: datetime) -> bytes:
    """An RSS 2.0 body with items start..start+count-1, Upwork-shaped."""
    items = []
    for i in range(start, start + count):
        at = t0 - timedelta(minutes=i)
        items.append(
            ITEM_TEMPLATE.format(
                i=i,
                posted=at.strftime("%B %d, %Y %H:%M"),
                pub=at.strftime("%a, %d %b %Y %H:%M:%S +0000"),
            )
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        "<title>bench</title><link>https://example.com</link>" + "".join(items) + "</channel></rss>"
    ).encode()


@bench.command(name="collect")
@click.option("--items", "n_items", type=int, default=10_000, show_default=True)
def bench_collect(n_items: int) -> None:
    """Serve N generated items from a local server in pages of 1,000 and time a full cycle
    (fetch, parse, dedupe, store) against feedparser alone on the same bytes."""
    import feedparser

    from collector.cycle import run_cycle
    from collector.feeds import FeedSpec

    t0 = datetime(2024, 5, 13, 12, 0, tzinfo=UTC)
    pages = {
        f"/p{k}.rss": k * ITEMS_PER_FEED
        for k in range((n_items + ITEMS_PER_FEED - 1) // ITEMS_PER_FEED)
    }

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            start = pages[self.path]
            body = render_page(start, min(ITEMS_PER_FEED, n_items - start), t0)
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    parse_s = 0.0
    for start in pages.values():
        body = render_page(start, min(ITEMS_PER_FEED, n_items - start), t0)
        begin = time.monotonic()
        feedparser.parse(
            body,
            response_headers={"content-type": "application/rss+xml"},
            resolve_relative_uris=False,
            sanitize_html=False,
        )
        parse_s += time.monotonic() - begin
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    specs = [FeedSpec(p.strip("/.rs"), base + p, "upwork-rss", "upwork", 60) for p in pages]
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.duckdb"
        begin = time.monotonic()
        summary = run_cycle(db, Path(tmp) / "spool", specs, t0)
        total_s = time.monotonic() - begin
    server.shutdown()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    assert summary.counts["postings_new"] == n_items, summary.render()
    e2e = n_items / total_s
    fp = n_items / parse_s
    click.echo(
        f"items={n_items} end_to_end={e2e:,.0f}/s feedparser_only={fp:,.0f}/s "
        f"overhead={fp / e2e:.2f}x (fetch+parse+spool {summary.fetch_seconds:.1f}s, "
        f"store {summary.store_seconds:.1f}s, total {total_s:.1f}s) peak_rss={peak_mb:,.0f}MB"
    )
