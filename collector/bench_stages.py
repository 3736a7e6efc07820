"""Where a bench cycle's CPU goes (`jobtrends bench collect --stages`): each stage of the
cycle replayed alone, in the cycle's order, on the bodies the bench server serves, each timed
in CPU seconds of this process (prints numbers; not a test).

The stages: fetch (httpx, on the cycle's fetch threads), feedparser as the cycle calls it,
entry mapping without its HTML-to-text, HTML-to-text, dedupe keys and content hashes, the
Arrow batch, the DuckDB save of every page in its own transaction with automatic checkpoints
off, and the one checkpoint of it all at the end. The cycle's own total sits beside the sum:
the difference is the cycle's glue (run rows, counters, threads, queues) and checkpoints
taken at other times.
"""

from __future__ import annotations

import io
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
STAGES = (
    "fetch",
    "feedparser",
    "mapping",
    "html_text",
    "dedupe_keys",
    "arrow_batch",
    "save",
    "checkpoint",
)


@dataclass
class StageTimes:
    """CPU seconds per stage (STAGES), summed over the pages."""

    cpu_s: dict[str, float] = field(default_factory=lambda: dict.fromkeys(STAGES, 0.0))

    def timed(self, stage: str, work: Callable[[], T]) -> T:
        begin = time.process_time()
        result = work()
        self.cpu_s[stage] += time.process_time() - begin
        return result

    def render(self, cycle_cpu_s: float) -> str:
        """ "stages cpu_s: fetch=0.31 feedparser=1.80 ... sum=3.10 cycle=3.40"."""
        total = sum(self.cpu_s.values())
        parts = " ".join(f"{name}={self.cpu_s[name]:.2f}" for name in STAGES)
        return f"stages cpu_s: {parts} sum={total:.2f} cycle={cycle_cpu_s:.2f}"


def _feed_rows(base: str, n_pages: int) -> list[Any]:
    from warehouse.feed_state import FeedRow

    return [
        FeedRow(
            f"p{k}", f"{base}/p{k}.rss", "upwork-rss", "upwork", 60, None, None, "ok", 0, None
        )  # fmt: skip
        for k in range(n_pages)
    ]


def time_stages(base: str, n_pages: int, t0: datetime, memory_limit: str | None) -> StageTimes:
    """Replay a bench cycle's stages one at a time on the `n_pages` pages served at `base`."""
    from collector.fetch_window import fetch_feeds
    from collector.page import parse_page
    from warehouse.db import open_warehouse, transaction
    from warehouse.postings import build_batch
    from warehouse.runs import start_run

    times = StageTimes()
    results = times.timed("fetch", lambda: list(fetch_feeds(_feed_rows(base, n_pages), t0)))
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "stages.duckdb"
        with open_warehouse(db, memory_limit=memory_limit) as conn:
            conn.execute("SET threads = 1")
            conn.execute("SET checkpoint_threshold = '1TB'")  # the one checkpoint is timed apart
            with transaction(conn):
                run_id = start_run(conn, "poll", t0)
            for result in results:
                parsed = times.timed("feedparser", partial(_feedparse, result.body, result.headers))
                raw = parsed.entries
                times.timed("mapping", partial(_map_entries, raw))
                times.timed("html_text", partial(_html_text, raw))
                page = parse_page(result)  # untimed: the stages above, once more, together
                n_keyed = times.timed("dedupe_keys", partial(_keys, page.entries))
                assert n_keyed == len(page.entries)
                times.timed("arrow_batch", partial(build_batch, page.entries))
                times.timed("save", partial(_save_committed, conn, run_id, page))
            times.timed("checkpoint", lambda: conn.execute("CHECKPOINT"))
    # each timing holds the one before it: mapping its HTML-to-text (parse_plain_text), the
    # batch its keys and hashes, the save (save_page) the batch
    times.cpu_s["save"] -= times.cpu_s["arrow_batch"]
    times.cpu_s["arrow_batch"] -= times.cpu_s["dedupe_keys"]
    times.cpu_s["mapping"] -= times.cpu_s["html_text"]
    return times


def _feedparse(body: bytes, headers: dict[str, str]) -> Any:
    import feedparser

    return feedparser.parse(
        io.BytesIO(body), response_headers=headers, resolve_relative_uris=False,
        sanitize_html=False,
    )  # fmt: skip


def _map_entries(raw: list[Any]) -> list[Any]:
    from collector.entries import _entry_record

    return [_entry_record(e, "p", "upwork", "upwork-rss") for e in raw]


def _html_text(raw: list[Any]) -> list[str | None]:
    from collector.upwork_footer import parse_plain_text

    return [parse_plain_text(e.get("summary")) for e in raw]


def _keys(entries: list[Any]) -> int:
    """How many entries have a key; their keys, ids and content hashes are computed."""
    from warehouse.identity import content_hash, dedupe_key, posting_id

    n = 0
    for e in entries:
        key = dedupe_key(e.source, e.guid, e.link)
        if key is not None:
            posting_id(key)
            content_hash(e.title, e.description, e.summary_html, e.content_html)
            n += 1
    return n


def _save_committed(conn: Any, run_id: int, page: Any) -> None:
    from collector.save import save_page
    from warehouse.db import transaction

    with transaction(conn):
        save_page(conn, run_id, page)
