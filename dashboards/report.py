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
import plotly.graph_objects as go
import plotly.offline

from analytics.tagging.categories import OTHER, read_taxonomy
from analytics.tagging.skills import read_skill_taxonomy
from analytics.trends.events import CHATGPT_LAUNCH
from dashboards import figures, headline, inputs, published, secondary_figures
from dashboards.markup import esc, render_figure, render_index_html, render_table
from dashboards.page import METHODS_HTML, PAGE
from warehouse.db import connect
from warehouse.snapshot import snapshot_path_for

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
    source_file: str


def report_filename(as_of: dt.date) -> str:
    """2026-11-23 -> 'report-2026-W48.html' (ISO year and week)."""
    year, week, _ = as_of.isocalendar()
    return f"report-{year}-W{week:02d}.html"


def read_report_inputs(
    db_path: Path, as_of: dt.date, exposure_csv: Path | None = None
) -> ReportInputs:
    """Open the published snapshot (else the live file) read-only and read every section."""
    snapshot = snapshot_path_for(db_path)
    path = snapshot if snapshot.exists() else Path(db_path)
    conn = connect(path, read_only=True)
    try:
        return ReportInputs(
            category_series=inputs.read_daily_series(conn, "category", as_of),
            skill_series=inputs.read_daily_series(conn, "ai_skill", as_of),
            deltas=inputs.read_event_deltas(conn, as_of, EVENT_DATE),
            pay=inputs.read_pay_deltas(conn, as_of),
            weekly=inputs.read_postings_per_source_week(conn, as_of),
            feeds=inputs.read_feed_table(conn),
            reject_counts=inputs.read_reject_counts(conn, as_of),
            recent_rejects=inputs.read_recent_rejects(conn, as_of),
            gaps=inputs.read_coverage_gaps(conn, as_of),
            totals=inputs.read_totals(conn, as_of),
            simulate_runs=inputs.read_simulate_runs(conn),
            published=published.read_published_figures(),
            exposure=inputs.read_exposure_scores(exposure_csv),
            source_file=path.name,
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
    parts: list[str] = []
    counter = iter(range(1, 100))

    simulated = data.totals["simulated"] > 0 or data.simulate_runs > 0

    def fig(f: go.Figure) -> str:
        if simulated:  # flagged on every chart, not only in the banner
            f.update_layout(title_text=f"{f.layout.title.text} [includes SIMULATED data]")
        return render_figure(f, f"fig-{next(counter)}")

    cat_pairs = figures.compute_delta_pairs(data.deltas, "category")
    skill_pairs = figures.compute_delta_pairs(data.deltas, "ai_skill")
    week_cat = headline.compute_week_changes(data.category_series, as_of)
    week_skill = headline.compute_week_changes(data.skill_series, as_of)
    sentences = [
        headline.render_event_sentence(cat_pairs, data.deltas, "category"),
        headline.render_event_sentence(skill_pairs, data.deltas, "AI skill"),
        headline.render_week_sentence(week_cat, "category"),
        headline.render_week_sentence(week_skill, "AI skill"),
    ]
    parts.append("<h2 id='headline'>Headline</h2><ul class='headline'>")
    parts += [f"<li>{esc(s)}</li>" for s in sentences]
    parts.append("</ul>")

    parts.append("<h2 id='categories'>Categories: daily postings</h2>")
    parts.append(
        fig(
            figures.figure_trend_selector(
                data.category_series,
                with_present(CATEGORIES, data.category_series),
                EVENT_DATE,
                "Daily postings by category",
            )
        )
    )
    parts.append("<h2 id='skills'>AI skills: daily postings</h2>")
    parts.append(
        fig(
            figures.figure_trend_selector(
                data.skill_series,
                with_present(AI_SKILLS, data.skill_series),
                EVENT_DATE,
                "Daily postings by AI skill",
            )
        )
    )

    parts.append("<h2 id='deltas'>Change since the event</h2>")
    parts.append(fig(figures.figure_delta_bars(cat_pairs, "Categories: change since event")))
    parts.append(fig(figures.figure_delta_bars(skill_pairs, "AI skills: change since event")))
    table = data.deltas[
        [
            "kind",
            "subject",
            "method",
            "estimate_pct",
            "ci_low_pct",
            "ci_high_pct",
            "n_before",
            "n_after",
            "meaningful",
            "note",
        ]
    ]
    parts.append("<details><summary>Every method, with 95% intervals and counts</summary>")
    parts.append(
        render_table(table, {"estimate_pct", "ci_low_pct", "ci_high_pct", "n_before", "n_after"})
    )
    parts.append("</details>")

    parts.append("<h2 id='published'>Compared with published figures</h2>")
    ours = pd.concat([cat_pairs, skill_pairs], ignore_index=True)
    parts.append(fig(figures.figure_published_comparison(ours, data.published)))
    parts.append(
        "<p class='muted'>Published numbers were transcribed from the studies' "
        "write-ups (Bloomberry 2024; Demirci, Hannane &amp; Zhu 2025; Teutloff et al. "
        "2025). Each used its own sample, window and method: read them as reference "
        "points, not ground truth. Sources: dashboards/data/published_figures.csv.</p>"
    )

    parts.append("<h2 id='pay'>Pay</h2>")
    if data.pay.empty:
        parts.append("<p>No pay deltas yet.</p>")
    else:
        median = data.pay[data.pay["method"] == "median"]
        parts.append(fig(secondary_figures.figure_pay(median if not median.empty else data.pay)))
        parts.append(
            render_table(
                data.pay,
                {
                    "median_before",
                    "median_after",
                    "change_pct",
                    "ci_low_pct",
                    "ci_high_pct",
                    "n_before",
                    "n_after",
                },
            )
        )

    # only with measured effects to put beside the scores (an empty warehouse has none)
    if data.exposure is not None and cat_pairs["honest_pct"].notna().any():
        parts.append("<h2 id='exposure'>AI exposure vs measured effect</h2>")
        parts.append(fig(secondary_figures.figure_exposure_scatter(data.exposure, cat_pairs)))

    parts.append(render_quality(data, fig))
    parts.append(METHODS_HTML)

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
            f"{now.strftime('%Y-%m-%d %H:%M')} UTC from {data.source_file}; "
            f"event date {EVENT_DATE.isoformat()}."
        ),
        banner=banner,
        body="\n".join(parts),
        plotlyjs=plotly_bundle(),
    )


def render_quality(data: ReportInputs, fig: Any) -> str:
    """The data-quality section: volume per source, feed health, rejects, gaps, share Other."""
    totals = data.totals
    share_other = totals["other"] / totals["categorized"] * 100 if totals["categorized"] else 0.0
    health = data.feeds["health"].value_counts().to_dict() if not data.feeds.empty else {}
    summary = ", ".join(f"{esc(k)}: {v}" for k, v in sorted(health.items())) or "no feeds"
    gaps = ", ".join(d.isoformat() for d in data.gaps) or "none"
    sim = (
        f" <span class='sim'>({totals['simulated']:,} simulated)</span>"
        if totals["simulated"]
        else ""
    )
    return "\n".join(
        [
            "<h2 id='quality'>Data quality</h2>",
            f"<p>{totals['postings']:,} postings{sim}. Share left in <b>Other</b>: "
            f"{share_other:.1f}% of {totals['categorized']:,} categorized. Feeds: {summary}.</p>",
            fig(secondary_figures.figure_postings_per_source(data.weekly)),
            "<h3>Feeds</h3>",
            render_table(data.feeds, {"consecutive_failures"}),
            "<h3>Rejects</h3>",
            render_table(data.reject_counts, {"n"}),
            "<details><summary>Newest rejects (escaped text)</summary>",
            render_table(data.recent_rejects),
            "</details>",
            f"<h3>Coverage gaps</h3><p>Days in the last {inputs.COVERAGE_LOOKBACK_DAYS} with no "
            f"collection run: {gaps}.</p>",
        ]
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
