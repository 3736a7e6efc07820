"""Escaped HTML pieces of the report: cells, tables, charts with their legend and data, the
index page.

Everything that may hold feed text goes through esc() (html.escape with quotes). A chart's
title and legend are HTML beside the plot, not inside plotly's SVG: HTML text wraps on a
phone, where plotly cuts a title off and puts its toolbar over it.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import plotly.graph_objects as go

GLYPHS = {  # plotly marker symbol -> the same shape as a text glyph in the HTML legend
    "dot": "●", "circle": "●", "diamond": "◆", "square": "■", "triangle-up": "▲", "x": "✕",
    "star": "★",
}  # fmt: skip
SAFE_NAME = re.compile(r"[^a-z0-9]+")  # "AI skills: change" -> "ai-skills-change"


def esc(value: Any) -> str:
    """Any cell as escaped text; NaN/None as an em dash."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return "—"
    if isinstance(value, float):
        return f"{value:,.1f}"
    return html.escape(str(value), quote=True)


def render_table(
    frame: pd.DataFrame, numeric: set[str] | None = None, empty: str | None = None
) -> str:
    """A pandas frame as an escaped HTML table (no pandas to_html: we control every escape);
    with no rows and an `empty` text, that text instead of a table of headers only."""
    if frame.empty and empty is not None:
        return f"<p class='muted'>{esc(empty)}</p>"
    numeric = numeric or set()
    head = "".join(f"<th scope='col'>{esc(c)}</th>" for c in frame.columns)
    rows = []
    for record in frame.itertuples(index=False):
        cells = "".join(
            f"<td class='num'>{esc(v)}</td>" if c in numeric else f"<td>{esc(v)}</td>"
            for c, v in zip(frame.columns, record, strict=True)
        )
        rows.append(f"<tr>{cells}</tr>")
    body = "".join(rows)
    return (
        f"<div class='tablewrap'><table><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table></div>"
    )


@dataclass
class LegendItem:
    """One legend entry: a swatch (colour, 'line' | 'bar' or a marker symbol from GLYPHS) and
    its text."""

    colour: str
    shape: str
    label: str


@dataclass
class Chart:
    """A figure with its title, legend, caption and the data behind it (offered as CSV)."""

    title: str
    fig: go.Figure
    data: pd.DataFrame
    legend: list[LegendItem] = field(default_factory=list)
    caption: str = ""  # plain text, escaped when rendered


def compute_csv_name(title: str) -> str:
    """'AI skills: change since event' -> 'ai-skills-change-since-event.csv'"""
    return SAFE_NAME.sub("-", title.lower()).strip("-")[:60] + ".csv"


def render_legend(items: list[LegendItem]) -> str:
    """The legend as an HTML list (wraps at any width, never covers the plot)."""
    if not items:
        return ""
    parts = []
    for item in items:
        style = f"--c:{esc(item.colour)}"
        if item.shape in GLYPHS:
            swatch = f"<span class='glyph' style='{style}'>{GLYPHS[item.shape]}</span>"
        else:
            swatch = f"<span class='sw sw-{esc(item.shape)}' style='{style}'></span>"
        parts.append(f"<li>{swatch}{esc(item.label)}</li>")
    return "<ul class='legend'>" + "".join(parts) + "</ul>"


NO_DATA = "No data for this chart yet: it fills in once postings are collected and analysed."


def render_chart(chart: Chart, figure_id: str) -> str:
    """Title, plot slot, legend, caption, CSV download; the figure and CSV as JSON in data
    scripts with '<' JSON-escaped so nothing can end the script. A chart with no rows is its
    title and one line saying so (blank axes told a first-day reader nothing)."""
    if chart.data.empty:
        return (
            f"<figure class='chart'><h3 class='figtitle'>{esc(chart.title)}</h3>"
            f"<p class='nodata muted'>{NO_DATA}</p></figure>"
        )
    chart.fig.update_layout(title_text="", showlegend=False)
    spec = chart.fig.to_json().replace("<", "\\u003c")
    csv = json.dumps(chart.data.to_csv(index=False, lineterminator="\n")).replace("<", "\\u003c")
    caption = f"<p class='caption muted'>{esc(chart.caption)}</p>" if chart.caption else ""
    name = compute_csv_name(chart.title)
    return (
        f"<figure class='chart'><h3 class='figtitle'>{esc(chart.title)}</h3>"
        f"<div class='plot' role='img' aria-label='{esc(chart.title)}' "
        f"data-figure='{figure_id}'></div>"
        f"{render_legend(chart.legend)}{caption}"
        f"<p class='csv'><button type='button' class='csvlink' data-csv='{figure_id}-csv' "
        f"data-name='{esc(name)}'>Download this chart's data (CSV, {len(chart.data):,} rows)"
        f"</button></p>"
        f"<script type='application/json' id='{figure_id}'>{spec}</script>"
        f"<script type='application/json' id='{figure_id}-csv'>{csv}</script></figure>"
    )


def render_index_html(names: list[str]) -> str:
    """The index page: one link per report file, newest first."""
    items = "".join(f"<li><a href='{esc(n)}'>{esc(n)}</a></li>" for n in names)
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><meta name='viewport' "
        "content='width=device-width, initial-scale=1'><title>jobtrends reports</title></head>"
        "<body style='font-family:system-ui,sans-serif;margin:16px'><h1>jobtrends weekly "
        f"reports</h1><ul>{items}</ul></body></html>"
    )
