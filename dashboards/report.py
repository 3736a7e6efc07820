"""The weekly report: read the warehouse once, render one self-contained HTML page, write it.

Every string that reaches the page goes through html.escape (tables, headline) or, inside a
figure's JSON, through plain() plus a JSON "<" escape, so feed text can never become markup.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import gzip
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.offline

from analytics.tagging.categories import OTHER, read_taxonomy
from analytics.tagging.skills import read_skill_taxonomy
from analytics.trends.events import CHATGPT_LAUNCH
from dashboards import inputs, published, sections
from dashboards.markup import Chart, esc, render_chart, render_index_html
from dashboards.page import METHODS, PAGE
from dashboards.quality import render_quality
from warehouse.db import connect
from warehouse.snapshot import ReadSource, choose_read_file

EVENT_DATE = CHATGPT_LAUNCH  # the a_* tables' default event
# Display order: the study's categories in the order it reported them (categories.toml lists
# them in matching-priority order), then Other; AI skills in ai_skills.toml's order. A subject
# an analyst adds to the taxonomy (and re-tags history with) is charted after them
# (`with_present`).
STUDY_ORDER = (
    "Writing", "Translation", "Customer Service", "Video Editing & Production",
    "Graphic Design", "Web Design", "Front-End Development", "Back-End Development",
    "Accounting & Bookkeeping", "Sales & Business Development", "Market Research", "Data Entry",
)  # fmt: skip
CATEGORIES = [
    *[c for c in STUDY_ORDER if c in read_taxonomy().categories],
    *[c for c in read_taxonomy().categories if c not in STUDY_ORDER],
    OTHER,
]
AI_SKILLS = list(read_skill_taxonomy().slugs)
SKILL_NAMES = dict(read_skill_taxonomy().names)  # slug -> display name ("Machine learning")
REPORT_NAME = re.compile(r"^report-(\d{4})-W(\d{2})\.html$")  # "report-2026-W48.html"


def with_present(known: list[str], series: pd.DataFrame) -> list[str]:
    """`known` subjects in order, then those only the data has (sorted): a category added to
    the taxonomy after this code was written still gets its chart."""
    extra = sorted(set(series["subject"]) - set(known)) if "subject" in series else []
    return [*known, *extra]


@dataclass
class ReportInputs:
    """Everything the page shows, read from one consistent warehouse file."""

    category_series: pd.DataFrame
    skill_series: pd.DataFrame
    deltas: pd.DataFrame
    pay: pd.DataFrame
    weekly: pd.DataFrame
    feeds: pd.DataFrame
    reject_counts: pd.DataFrame
    recent_rejects: pd.DataFrame
    gaps: list[dt.date]
    totals: dict[str, int]
    simulate_runs: int
    published: pd.DataFrame
    exposure: pd.DataFrame | None
    source: ReadSource
    last_collection: dict[str, Any] | None = None
    gap_lookback_days: int = inputs.COVERAGE_LOOKBACK_DAYS


def report_filename(as_of: dt.date) -> str:
    """2026-11-23 -> 'report-2026-W48.html' (ISO year and week)."""
    year, week, _ = as_of.isocalendar()
    return f"report-{year}-W{week:02d}.html"


def read_report_inputs(
    db_path: Path, as_of: dt.date, exposure_csv: Path | None = None
) -> ReportInputs:
    """Open the file the read policy picks (`choose_read_file`) read-only; read every section."""
    source = choose_read_file(db_path)
    conn = connect(source.path, read_only=True)
    try:
        return ReportInputs(
            category_series=inputs.read_daily_series(conn, "category", as_of),
            skill_series=inputs.read_daily_series(conn, "ai_skill", as_of),
            deltas=inputs.read_event_deltas(conn, as_of, EVENT_DATE),
            pay=inputs.read_pay_deltas(conn, as_of, EVENT_DATE),
            weekly=inputs.read_postings_per_source_week(conn, as_of),
            feeds=inputs.read_feed_table(conn),
            reject_counts=inputs.read_reject_counts(conn, as_of),
            recent_rejects=inputs.read_recent_rejects(conn, as_of),
            gaps=inputs.read_coverage_gaps(conn, as_of),
            totals=inputs.read_totals(conn, as_of),
            simulate_runs=inputs.read_simulate_runs(conn),
            published=published.read_published_figures(),
            exposure=inputs.read_exposure_scores(exposure_csv),
            source=source,
            last_collection=inputs.read_last_collection(conn),
        )
    finally:
        conn.close()


@functools.cache
def plotly_bundle() -> str:
    """plotly.js from the installed plotly package, gzipped and base64-encoded, once per process.

    The minified bundle alone is ~4.8 MB, which leaves no room under the 5 MB page budget;
    gzipped it is ~1.4 MB and the page inflates it with the browser's DecompressionStream.
    """
    raw = plotly.offline.get_plotlyjs().encode("utf-8")
    return base64.b64encode(gzip.compress(raw, compresslevel=9, mtime=0)).decode("ascii")


def render_report_html(data: ReportInputs, as_of: dt.date, now: dt.datetime) -> str:
    """The whole page as one string: plotly.js inlined once, every figure as JSON."""
    counter = iter(range(1, 100))
    simulated = data.totals["simulated"] > 0 or data.simulate_runs > 0

    def chart(c: Chart) -> str:
        if simulated:  # flagged on every chart, not only in the banner
            c.title = f"{c.title} [includes SIMULATED data]"
        return render_chart(c, f"fig-{next(counter)}")

    parts = sections.render_headline(data, as_of, SKILL_NAMES)
    parts += sections.render_trends(data, CATEGORIES, AI_SKILLS, SKILL_NAMES, EVENT_DATE, chart)
    parts += sections.render_deltas(data, SKILL_NAMES, chart)
    parts += sections.render_published(data, SKILL_NAMES, chart)
    parts += sections.render_pay(data, chart)
    parts += sections.render_exposure(data, chart)
    parts.append(render_quality(data, chart))
    parts.append(METHODS.substitute(controls=esc(sections.compute_controls(data.deltas))))

    banner = (
        f"<div class='banner' role='alert'>SIMULATED DATA: {data.totals['simulated']:,} of "
        f"{data.totals['postings']:,} postings are synthetic (simulator runs: "
        f"{data.simulate_runs}). Numbers on this page are not real-world findings.</div>"
        if simulated
        else ""
    )
    year, week, _ = as_of.isocalendar()
    return PAGE.substitute(
        title=f"jobtrends weekly report, {year}-W{week:02d}",
        subtitle=esc(
            f"Data up to {as_of.isoformat()} (UTC); generated "
            f"{now.strftime('%Y-%m-%d %H:%M')} UTC; read from {data.source.describe()}; "
            f"event date {EVENT_DATE.isoformat()}."
        ),
        banner=banner,
        body="\n".join(parts),
        plotlyjs=plotly_bundle(),
    )


def write_index(out_dir: Path) -> Path:
    """Rewrite out_dir/index.html listing every report-YYYY-Www.html there, newest first."""
    names = sorted((p.name for p in out_dir.iterdir() if REPORT_NAME.match(p.name)), reverse=True)
    path = out_dir / "index.html"
    path.write_text(render_index_html(names), encoding="utf-8")
    return path


def write_weekly_report(
    db_path: Path,
    out_dir: Path,
    as_of: dt.date,
    now: dt.datetime,
    exposure_csv: Path | None = None,
) -> Path:
    """Write out_dir/report-YYYY-Www.html for as_of (atomically) and refresh index.html."""
    data = read_report_inputs(Path(db_path), as_of, exposure_csv)
    page = render_report_html(data, as_of, now)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / report_filename(as_of)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(target)
    write_index(out_dir)
    return target


def figure_count(page: str) -> int:
    """How many figures a rendered page holds (what the browser test expects to see drawn)."""
    return len(re.findall(r"data-figure='fig-\d+'", page))
