"""Expected-result cases for the source adapters: a case file names a recorded response (a
real one under ../shared/data, or a hand-written one in tests/fixtures/sources), how to read
it, and per item what the service must make of it after collect + enrich.

Items are keyed by a hash of their link (else guid); real postings' titles are kept as a hash
too, so no real job text is copied into the tree (tests/expected/sources/README.md).
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from analytics.tagging.enrich import enrich_postings
from collector.importer import import_file
from collector.sources import parse_source_bytes
from warehouse.db import transaction
from warehouse.migrate import apply_migrations
from warehouse.postings import save_entries
from warehouse.runs import start_run

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)

RESULTS_SQL = """
SELECT p.canonical_url, p.dedupe_key, p.title, p.posted_at, e.engagement, e.is_seeker,
       c.category, c.method, y.pay_kind, y.currency, y.amount_low, y.amount_high, y.period
FROM postings p
LEFT JOIN posting_engagement e USING (posting_id)
LEFT JOIN posting_categories c USING (posting_id)
LEFT JOIN posting_pay y USING (posting_id)
"""


def digest(text: str | None) -> str | None:
    """A short stable hash: "https://x/1" -> "9a1b..." (12 hex digits)."""
    return None if text is None else hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def compute_case_results(path: Path, case: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Collect `path` as `case` says (kind: a feeds.toml kind, or "import:<format>"), enrich
    it in a fresh in-memory warehouse, and return each posting's results by key."""
    conn = duckdb.connect(":memory:")
    apply_migrations(conn)
    kind, source = case["kind"], case["source"]
    with transaction(conn):
        run_id = start_run(conn, "file", NOW)
    if kind.startswith("import:"):
        import_file(conn, run_id, path, kind.split(":", 1)[1], now=NOW, source=source)
    else:
        parsed = parse_source_bytes(kind, path.read_bytes(), path.stem, source)
        assert not parsed.fatal, parsed.problem
        with transaction(conn):
            save_entries(conn, run_id, parsed.entries, NOW)
    enrich_postings(conn, now=NOW)
    out: dict[str, dict[str, Any]] = {}
    for row in conn.execute(RESULTS_SQL).fetchall():
        url, key, title, posted, engagement, seeker, category, method, *pay = row
        pay_kind, currency, low, high, period = pay
        out[digest(url or key) or ""] = {
            "title": title,
            "title_sha1": digest(title),
            "posted": posted.astimezone(UTC).isoformat() if posted else None,
            "link": url,
            "engagement": engagement,
            "seeker": bool(seeker),
            "category": category,
            "category_rule": method,
            "pay": None if pay_kind in (None, "none") else {
                "kind": pay_kind, "currency": currency, "low": low, "high": high,
                "period": period,
            },
        }  # fmt: skip
    conn.close()
    return out


def render_case(case: dict[str, Any], results: dict[str, dict[str, Any]], real: bool) -> str:
    """A case file's text: its header and the items (real postings: title and link hashed)."""
    items = {}
    for key, item in sorted(results.items()):
        kept = dict(item)
        if real:
            kept.pop("title")
            kept.pop("link")
        else:
            kept.pop("title_sha1")
        items[key] = kept
    return json.dumps({**case, "items": items}, indent=1, ensure_ascii=False) + "\n"
