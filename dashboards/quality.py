"""The data-quality section and the notice on a page with nothing to show: coverage gaps as
date ranges, feed health, rejects, and why the collection found nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pandas as pd

from dashboards.markup import Chart, LegendItem, esc, render_table
from dashboards.secondary_figures import compute_source_keys, figure_postings_per_source
from dashboards.secondary_figures import render_source_label as source_label
from dashboards.style import OKABE_ITO

NO_FEEDS = "No feed has been polled into this warehouse (a simulated or imported one has none)."
NO_REJECTS = "Nothing was rejected: every entry, file row and tag was stored."


def compute_gap_ranges(days: list[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """Consecutive days merged: [1, 2, 3, 7] (as dates) -> [(1, 3), (7, 7)]."""
    ranges: list[tuple[dt.date, dt.date]] = []
    for day in sorted(days):
        if ranges and day - ranges[-1][1] == dt.timedelta(days=1):
            ranges[-1] = (ranges[-1][0], day)
        else:
            ranges.append((day, day))
    return ranges


def render_gap_text(days: list[dt.date]) -> str:
    """'2023-11-16 to 2024-02-14 (91 days); 2024-01-03' or 'none' (plain text)."""
    parts = []
    for start, end in compute_gap_ranges(days):
        if start == end:
            parts.append(start.isoformat())
        else:
            parts.append(
                f"{start.isoformat()} to {end.isoformat()} ({(end - start).days + 1} days)"
            )
    return "; ".join(parts) or "none"


def render_empty_notice(last: dict[str, Any] | None, feeds: pd.DataFrame) -> str:
    """Why a page has no postings: every feed failed (with the error classes), nothing was
    ever collected, or feeds answered but had no postings (escaped HTML paragraph)."""
    if last is None:
        text = (
            "No postings yet: no collection has run. Start `jobtrends serve` or run "
            "`jobtrends collect --once`, or import history with `jobtrends import`."
        )
    elif int(last["feeds_ok"]) == 0 and int(last["feeds_failed"]) + int(last["feeds_gone"]) > 0:
        total = int(last["feeds_failed"]) + int(last["feeds_gone"])
        errors = ", ".join(f"{e} x{n}" for e, n in last["errors"]) or "no error recorded"
        text = (
            f"No postings yet: every feed failed in the last collection run "
            f"({last['started_at_utc']} UTC): {total} of {total} feeds failed ({errors}). "
            "Check the network and the feed list; the Feeds table below has each last error."
        )
    else:
        text = (
            f"No postings yet: the last collection run ({last['started_at_utc']} UTC) reached "
            f"{last['feeds_ok']} feed(s) but stored {last['postings_new']} new postings."
        )
    if feeds.empty:
        text += " No feeds are configured."
    return f"<p class='alert' id='empty-notice'>{esc(text)}</p>"


def render_quality(data: Any, chart: Callable[[Chart], str]) -> str:
    """The data-quality section: volume per source, feed health, rejects, gaps, share Other."""
    totals = data.totals
    share_other = totals["other"] / totals["categorized"] * 100 if totals["categorized"] else 0.0
    health = data.feeds["health"].value_counts().to_dict() if not data.feeds.empty else {}
    summary = ", ".join(f"{esc(k)}: {v}" for k, v in sorted(health.items())) or "no feeds"
    sim = (
        f" <span class='sim'>({totals['simulated']:,} simulated)</span>"
        if totals["simulated"]
        else ""
    )
    keys = compute_source_keys(data.weekly)
    legend = [
        LegendItem(OKABE_ITO[i % 8], "bar", source_label(s, m))
        for i, (s, m) in enumerate(keys.itertuples(index=False))
    ]
    weekly = Chart(
        "Postings per source and week",
        figure_postings_per_source(data.weekly),
        data.weekly,
        legend,
        "Simulated postings, when present, are separate hatched bars.",
    )
    gaps = esc(render_gap_text(data.gaps))
    return "\n".join(
        [
            "<h2 id='quality'>Data quality</h2>",
            f"<p>{totals['postings']:,} postings{sim}. Share left in <b>Other</b>: "
            f"{share_other:.1f}% of {totals['categorized']:,} categorized. Feeds: {summary}.</p>",
            chart(weekly),
            "<h3>Feeds</h3>",
            render_table(data.feeds, {"consecutive_failures"}, NO_FEEDS),
            "<h3>Rejects</h3>",
            render_table(data.reject_counts, {"n"}, NO_REJECTS),
            ""
            if data.recent_rejects.empty
            else "<details><summary>Newest rejects (escaped text)</summary>"
            + render_table(data.recent_rejects)
            + "</details>",
            f"<h3>Coverage gaps</h3><p id='gaps'>Days in the last {data.gap_lookback_days} with "
            f"no collection run: {gaps}.</p>",
        ]
    )
