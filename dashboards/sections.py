"""The report's sections as HTML fragments: headline, trends, deltas, published figures, pay
and exposure. Each takes the ReportInputs and a `chart` callback that renders a Chart."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pandas as pd

from dashboards import figures, headline, secondary_figures
from dashboards.markup import Chart, LegendItem, esc, render_table
from dashboards.pay_table import compute_pay_table
from dashboards.quality import render_empty_notice

ChartFn = Callable[[Chart], str]
DELTA_COLUMNS = [
    "kind", "subject", "method", "estimate_pct", "ci_low_pct", "ci_high_pct", "n_before",
    "n_after", "meaningful", "note",
]  # fmt: skip
PAIR_CSV_COLUMNS = [
    "subject", "label", "study_pct", "study_n_before", "honest_method", "honest_pct",
    "honest_low", "honest_high", "honest_n_before", "honest_n_after", "honest_note",
]  # fmt: skip


def compute_controls(deltas: pd.DataFrame) -> str:
    """The control categories the did rows name ('A, B, C'), or a word when there are none."""
    notes = deltas.loc[deltas["method"] == "did", "note"].dropna().astype(str)
    found = sorted({c for c in (headline.render_controls(n) for n in notes) if c})
    return "; ".join(found) if found else "none in this analysis"


def render_honest_label(pairs: pd.DataFrame) -> str:
    """The legend text of the honest diamonds, naming the method(s) and did's controls."""
    used = pairs.loc[pairs["honest_method"] != "", ["honest_method", "honest_note"]]
    methods = list(dict.fromkeys(used["honest_method"]))
    if not methods:
        return "Honest estimate, 95% interval (none meaningful yet)"
    if len(methods) == 1:
        note = str(used["honest_note"].iloc[0])
        return f"Honest estimate, 95% interval: {headline.render_method(methods[0], note)}"
    counts = used["honest_method"].value_counts()
    listed = ", ".join(f"{m} ({counts[m]})" for m in methods)
    return f"Honest estimate, 95% interval: first meaningful of did, its, window, share ({listed})"


def render_headline(data: Any, as_of: dt.date, names: dict[str, str]) -> list[str]:
    """The headline list; on a page with no postings, first the notice saying why."""
    cat_pairs = figures.compute_delta_pairs(data.deltas, "category")
    skill_pairs = figures.compute_delta_pairs(data.deltas, "ai_skill", names)
    sentences = [
        headline.render_event_sentence(cat_pairs, "category"),
        headline.render_event_sentence(skill_pairs, "AI skill"),
        headline.render_week_sentence(
            headline.compute_week_changes(data.category_series, as_of), "category"
        ),
        headline.render_week_sentence(
            headline.compute_week_changes(data.skill_series, as_of), "AI skill", names
        ),
    ]
    parts = ["<h2 id='headline'>Headline</h2>"]
    if data.totals["postings"] == 0:
        parts.append(render_empty_notice(data.last_collection, data.feeds))
    parts.append("<ul class='headline'>")
    parts += [f"<li>{esc(s)}</li>" for s in sentences]
    parts.append("</ul>")
    return parts


def trend_legend() -> list[LegendItem]:
    return [
        LegendItem(figures.RAW_COLOUR, "line", "daily postings"),
        LegendItem(figures.MA_COLOUR, "line", "84-day moving average (postings/day)"),
        LegendItem(figures.EVENT_COLOUR, "line", "event date (dashed)"),
    ]


def render_trends(
    data: Any,
    categories: list[str],
    skills: list[str],
    names: dict[str, str],
    event: dt.date,
    chart: ChartFn,
) -> list[str]:
    """The two daily-postings charts with a subject selector."""
    from dashboards.report import with_present

    parts = ["<h2 id='categories'>Categories: daily postings</h2>"]
    fig = figures.figure_trend_selector(
        data.category_series, with_present(categories, data.category_series), event, "Daily"
    )
    rounded = data.category_series.round({"ma_n": 3})  # the CSV: 3 decimals are plenty
    parts.append(chart(Chart("Daily postings by category", fig, rounded, trend_legend())))
    parts.append("<h2 id='skills'>AI skills: daily postings</h2>")
    skill_series = data.skill_series.round({"ma_n": 3}).assign(
        name=data.skill_series["subject"].map(lambda s: names.get(s, s))
    )
    fig = figures.figure_trend_selector(
        data.skill_series, with_present(skills, data.skill_series), event, "Daily", names
    )
    parts.append(chart(Chart("Daily postings by AI skill", fig, skill_series, trend_legend())))
    return parts


def delta_chart(pairs: pd.DataFrame, title: str) -> Chart:
    legend = [
        LegendItem(figures.STUDY_COLOUR, "bar", "The study's statistic (84-day MA, no interval)"),
        LegendItem(figures.HONEST_COLOUR, "diamond", render_honest_label(pairs)),
    ]
    caption = ""
    if pairs["study_pct"].isna().any():
        caption = (
            "n/m: the study's statistic is not meaningful where its 84-day base has fewer "
            "postings than the floor; the count is shown instead of a bar."
        )
    return Chart(
        title, figures.figure_delta_bars(pairs, title), pairs[PAIR_CSV_COLUMNS], legend, caption
    )


def render_deltas(data: Any, names: dict[str, str], chart: ChartFn) -> list[str]:
    """Study-style bars with honest estimates, for categories and AI skills, then the folded
    table of every method."""
    cat_pairs = figures.compute_delta_pairs(data.deltas, "category")
    skill_pairs = figures.compute_delta_pairs(data.deltas, "ai_skill", names)
    return [
        "<h2 id='deltas'>Change since the event</h2>",
        chart(delta_chart(cat_pairs, "Categories: change since the event")),
        chart(delta_chart(skill_pairs, "AI skills: change since the event")),
        "<details><summary>Every method, with 95% intervals and counts</summary>",
        render_table(
            data.deltas[DELTA_COLUMNS].assign(
                subject=data.deltas["subject"].map(lambda s: names.get(s, s))
            ),
            {"estimate_pct", "ci_low_pct", "ci_high_pct", "n_before", "n_after"},
        ),
        "</details>",
    ]


def render_published(data: Any, names: dict[str, str], chart: ChartFn) -> list[str]:
    """Ours beside the published studies, categories and AI skills on separate axes."""
    parts = ["<h2 id='published'>Compared with published figures</h2>"]
    styles = figures.compute_published_styles(data.published)
    for kind, title, pairs in (
        ("category", "Categories vs published studies", None),
        ("ai_skill", "AI skills vs published studies", names),
    ):
        ours = figures.compute_delta_pairs(data.deltas, kind, pairs)
        theirs = data.published[data.published["kind"] == kind]
        legend = [
            LegendItem(figures.STUDY_COLOUR, "dot", "jobtrends, the study's statistic"),
            LegendItem(figures.HONEST_COLOUR, "diamond", render_honest_label(ours)),
            *[
                LegendItem(styles[s][0], styles[s][1], f"published: {s}")
                for s in sorted(set(theirs["study_id"]))
            ],
        ]
        csv = theirs.merge(ours[PAIR_CSV_COLUMNS], on="subject", how="left")
        fig = figures.figure_published_comparison(ours, data.published, kind, title)
        parts.append(chart(Chart(title, fig, csv, legend)))
    parts.append(
        "<p class='muted'>Published numbers were transcribed from the studies' "
        "write-ups (Bloomberry 2024; Demirci, Hannane &amp; Zhu 2025; Teutloff et al. "
        "2025). Each used its own sample, window and method: read them as reference "
        "points, not ground truth. Sources: dashboards/data/published_figures.csv.</p>"
    )
    return parts


def render_pay(data: Any, chart: ChartFn) -> list[str]:
    """Pay for the report's event: the medians chart, one row per category, details folded."""
    parts = ["<h2 id='pay'>Pay</h2>"]
    if data.pay.empty:
        return [*parts, "<p>No pay deltas yet.</p>"]
    median = data.pay[data.pay["method"] == "median"]
    shown = median if not median.empty else data.pay
    legend = [
        LegendItem(secondary_figures.PAY_BEFORE_COLOUR, "dot", "median before the event"),
        LegendItem(secondary_figures.PAY_AFTER_COLOUR, "dot", "median after the event"),
    ]
    fig = secondary_figures.figure_pay(shown)
    parts.append(chart(Chart("Median hourly pay, before vs after", fig, data.pay, legend)))
    table = compute_pay_table(data.pay)
    parts.append(render_table(table, {"USD/h before", "USD/h after"}))
    parts.append("<details><summary>Every pay row, with counts and notes</summary>")
    parts.append(
        render_table(
            data.pay,
            {"median_before", "median_after", "change_pct", "ci_low_pct", "ci_high_pct"}
            | {"n_before", "n_after"},
        )
    )
    parts.append("</details>")
    return parts


def render_exposure(data: Any, chart: ChartFn) -> list[str]:
    """AI exposure against the honest measured effect, only when both exist."""
    pairs = figures.compute_delta_pairs(data.deltas, "category")
    if data.exposure is None or not pairs["honest_pct"].notna().any():
        return []
    rows = secondary_figures.compute_exposure_rows(data.exposure, pairs)
    rho = secondary_figures.compute_rank_correlation(rows)
    rho_text = "n/a" if pd.isna(rho) else f"{rho:+.2f}"
    caption = (
        f"Rows ordered by AI exposure score (Tomlinson et al. 2025), least exposed at the "
        f"bottom; each point is the category's honest estimate. Spearman rank correlation "
        f"of exposure with the estimate: {rho_text} (n={len(rows)})."
    )
    legend = [LegendItem(figures.MA_COLOUR, "dot", render_honest_label(pairs))]
    fig = secondary_figures.figure_exposure_scatter(data.exposure, pairs)
    return [
        "<h2 id='exposure'>AI exposure vs measured effect</h2>",
        chart(Chart("AI exposure vs change in postings", fig, rows, legend, caption)),
    ]
