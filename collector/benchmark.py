"""The collector benchmark behind `jobtrends bench collect`: end-to-end throughput against a
local server, beside feedparser alone on the same bytes (prints numbers; not a test)."""

from __future__ import annotations

import io
import multiprocessing
import os
import resource
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collector.cycle import CycleOptions, CycleSummary

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


WARMUP_PATH = "/warmup.rss"


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


def serve_pages(n_items: int, t0: datetime, port_out: Connection) -> None:
    """The bench's feed server (run in a child process, so its CPU and memory are not the
    collector's): /p<k>.rss is page k of the N generated items, all rendered up front; sends
    its port to port_out once it is ready."""
    # rendered before the port is sent, so the timed cycle does not share a core with it
    pages = {
        f"/p{k}.rss": render_page(start, min(ITEMS_PER_FEED, n_items - start), t0)
        for k, start in enumerate(range(0, n_items, ITEMS_PER_FEED))
    }
    pages[WARMUP_PATH] = render_page(n_items, 1, t0)  # one item none of the pages holds

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            body = pages[self.path]
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    port_out.send(server.server_address[1])
    server.serve_forever()


def page_count(n_items: int) -> int:
    return (n_items + ITEMS_PER_FEED - 1) // ITEMS_PER_FEED


def time_feedparser(n_items: int, t0: datetime, *, default: bool = False) -> tuple[float, float]:
    """(wall, CPU) seconds of feedparser alone on the bench's pages, as the collector calls
    it (no sanitising, no resolving of relative URIs), or with `default` as feedparser parses
    by default; each page is rendered outside the timing."""
    import feedparser

    options = {} if default else {"resolve_relative_uris": False, "sanitize_html": False}
    parse_s = parse_cpu_s = 0.0
    for k in range(page_count(n_items)):
        start = k * ITEMS_PER_FEED
        body = render_page(start, min(ITEMS_PER_FEED, n_items - start), t0)
        begin, begin_cpu = time.monotonic(), time.process_time()
        feedparser.parse(
            io.BytesIO(body),
            response_headers={"content-type": "application/rss+xml; charset=utf-8"},
            **options,
        )
        parse_s += time.monotonic() - begin
        parse_cpu_s += time.process_time() - begin_cpu
    return parse_s, parse_cpu_s


@dataclass(frozen=True)
class CycleTiming:
    """One timed bench cycle on a fresh warehouse."""

    summary: CycleSummary
    total_s: float
    total_cpu_s: float
    warm_cpu_s: float  # the one-item warm-up cycle before it


def time_cycle(base: str, n_items: int, t0: datetime, options: CycleOptions) -> CycleTiming:
    """A one-item warm-up cycle, then one timed cycle of every page served at `base`, on a
    fresh warehouse (a service's: it exists before its cycles)."""
    from collector.cycle import run_cycle
    from collector.feeds import FeedSpec
    from warehouse.db import open_warehouse

    specs = [
        FeedSpec(f"p{k}", f"{base}/p{k}.rss", "upwork-rss", "upwork", 60)
        for k in range(page_count(n_items))
    ]
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.duckdb"
        with open_warehouse(db):
            pass
        # a running service's cycles: what a process does once (imports, among them the
        # pandas that pyarrow loads on its first array) is a one-item cycle before
        warm_cpu = time.process_time()
        warm = FeedSpec("warmup", f"{base}{WARMUP_PATH}", "upwork-rss", "upwork", 60)
        run_cycle(db, [warm], t0 - timedelta(hours=1), options)
        warm_cpu = time.process_time() - warm_cpu
        begin, begin_cpu = time.monotonic(), time.process_time()
        summary = run_cycle(db, specs, t0, options)
        total_s = time.monotonic() - begin
        total_cpu_s = time.process_time() - begin_cpu
    return CycleTiming(summary, total_s, total_cpu_s, warm_cpu)


def run_collect_bench(
    n_items: int,
    *,
    memory_limit: str | None = "64MB",
    retry_memory_limit: str | None = "1GB",
    repeat: int = 1,
    stages: bool = False,
) -> str:
    """Serve N generated items from a local server in pages of 1,000 and time one full cycle
    (fetch, parse, dedupe, save) against feedparser alone on the same bytes, after a one-item
    warm-up cycle (a service's process imports its modules once).

    The goal is cpu_overhead: the cycle's CPU seconds (every thread of the collector's one
    process: fetching, parsing, DuckDB) over feedparser's own on the same bodies, parsed with
    the options the collector parses with (no sanitising, no relative-URI resolving).
    cpu_overhead_vs_default is the same cycle over feedparser's default parse (which does
    both), the baseline issue 15 names. The server runs in a child process and is not
    counted; peak_rss is the collector's process. DuckDB's memory_limit is the collector's
    (collector_memory_limit).

    With `repeat` > 1, feedparser and a cycle (on a fresh warehouse) are timed that many
    times in turn, and the run with the median cpu_overhead is printed with every run's
    (on a shared machine one pair of timings can be far apart). With `stages`, a second
    line says where the CPU went (collector/bench_stages.py).
    """
    from collector.bench_stages import time_stages
    from collector.cycle import CycleOptions

    if repeat < 1:
        raise ValueError(f"repeat must be at least 1, not {repeat}")
    t0 = datetime(2024, 5, 13, 12, 0, tzinfo=UTC)
    ctx = multiprocessing.get_context("spawn")
    port_in, port_out = ctx.Pipe(duplex=False)
    server = ctx.Process(target=serve_pages, args=(n_items, t0, port_out), daemon=True)
    server.start()
    port_out.close()  # ours: a server that dies makes recv() raise instead of hang
    try:
        base = f"http://127.0.0.1:{port_in.recv()}"
        # snapshot=False as in the service, which publishes it after enrich and analyze
        options = CycleOptions(
            snapshot=False, memory_limit=memory_limit, retry_memory_limit=retry_memory_limit
        )
        runs = []
        for _ in range(repeat):
            parse_s, parse_cpu_s = time_feedparser(n_items, t0)
            default_cpu_s = time_feedparser(n_items, t0, default=True)[1]
            timing = time_cycle(base, n_items, t0, options)
            runs.append((timing.total_cpu_s / parse_cpu_s, parse_s, parse_cpu_s, default_cpu_s,
                         timing))  # fmt: skip
        # the cycles' peak: the stage replay below holds every body at once
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        stage_times = time_stages(base, page_count(n_items), t0, memory_limit) if stages else None
    finally:
        server.terminate()
        server.join()
    ratios = [run[0] for run in runs]
    _, parse_s, parse_cpu_s, default_cpu_s, timing = sorted(runs, key=lambda run: run[0])[
        (repeat - 1) // 2
    ]
    summary, total_s, total_cpu_s = timing.summary, timing.total_s, timing.total_cpu_s
    assert summary.counts["postings_new"] == n_items, summary.render()
    e2e = n_items / total_s
    fp = n_items / parse_s
    line = (
        f"items={n_items} cpu_overhead={total_cpu_s / parse_cpu_s:.2f}x "
        f"(cycle cpu {total_cpu_s:.1f}s vs feedparser {parse_cpu_s:.1f}s) "
        f"cpu_overhead_vs_default={total_cpu_s / default_cpu_s:.2f}x "
        f"(feedparser default {default_cpu_s:.1f}s) "
        f"overhead={fp / e2e:.2f}x (wall: fetch+parse {summary.fetch_seconds:.1f}s, "
        f"save {summary.save_seconds:.1f}s, total {total_s:.1f}s) "
        f"peak_rss={peak_mb:,.0f}MB warmup_cycle_cpu={timing.warm_cpu_s:.1f}s "
        f"load={os.getloadavg()[0]:.1f}"
    ) + (f" median_of={repeat} runs={','.join(f'{r:.2f}x' for r in ratios)}" if repeat > 1 else "")
    return line if stage_times is None else line + "\n" + stage_times.render(total_cpu_s)
