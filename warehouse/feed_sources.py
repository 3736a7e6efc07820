"""Reads of the `feed_sources` view: per feed, its postings' engagement mix, the share
categorised by the site's own label, seekers, and the latest parse warning."""

from __future__ import annotations

from typing import Any

import duckdb

ENGAGEMENT_COLUMNS = ("freelance", "contract", "part_time", "full_time", "internship", "unknown")
SHORT_NAMES = {"freelance": "freelance", "contract": "contract", "part_time": "part",
               "full_time": "full", "internship": "intern", "unknown": "unknown"}  # fmt: skip


def read_feed_sources(conn: duckdb.DuckDBPyConnection) -> dict[str, dict[str, Any]]:
    """{feed name: {postings, freelance, ..., untagged, site_label_share, seekers,
    last_warning}} from the feed_sources view."""
    cursor = conn.execute("SELECT * FROM feed_sources ORDER BY name")
    names = [d[0] for d in cursor.description]
    return {row[0]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}


def render_engagement_mix(row: dict[str, Any]) -> str:
    """ "full 35, contract 3, freelance 3" (largest first, zeros left out); "-" when none
    is tagged yet."""
    counts = [(row.get(c) or 0, SHORT_NAMES[c]) for c in ENGAGEMENT_COLUMNS]
    shown = [f"{name} {n}" for n, name in sorted(counts, key=lambda x: -x[0]) if n]
    return ", ".join(shown) or "-"


def render_site_share(row: dict[str, Any]) -> str:
    """ "88%" of the feed's postings categorised by the site's own label; "-" when none."""
    share = row.get("site_label_share")
    return "-" if share is None else f"{100 * share:.0f}%"
