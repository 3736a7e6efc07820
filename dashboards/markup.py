"""Escaped HTML pieces of the report: cells, tables, figure slots, the index page.

Everything that may hold feed text goes through esc() (html.escape with quotes).
"""

from __future__ import annotations

import html
from typing import Any

import pandas as pd
import plotly.graph_objects as go


def esc(value: Any) -> str:
    """Any cell as escaped text; NaN/None as an em dash."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return "—"
    if isinstance(value, float):
        return f"{value:,.1f}"
    return html.escape(str(value), quote=True)


def render_table(frame: pd.DataFrame, numeric: set[str] | None = None) -> str:
    """A pandas frame as an escaped HTML table (no pandas to_html: we control every escape)."""
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


def render_figure(fig: go.Figure, figure_id: str) -> str:
    """A plot div plus its JSON in a data script; '<' is JSON-escaped so nothing ends the script."""
    spec = fig.to_json().replace("<", "\\u003c")
    return (
        f"<div class='plot' role='img' aria-label='{esc(fig.layout.title.text)}' "
        f"data-figure='{figure_id}'></div>"
        f"<script type='application/json' id='{figure_id}'>{spec}</script>"
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
