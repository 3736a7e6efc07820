"""Pure figure builders: data in, plotly Figure out. No I/O, no clock.

Daily series are sent as x0 + dx (one day) with float32 arrays so a multi-year chart stays a
few kilobytes; plotly.js is the bulk of the page's size budget.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboards.style import LAYOUT, LEGEND, OKABE_ITO, plain, styled

RAW_COLOUR = "rgba(120,120,120,0.35)"  # faint grey behind the moving average
DAY_MS = 86_400_000  # plotly date axes step in milliseconds
STUDY_METHOD = "ma_endpoints"  # the published study's method: 84-day MA now vs at the event
HONEST_METHODS = ("did", "its", "window", "share")  # first meaningful one with an interval wins


def compute_daily_arrays(
    frame: pd.DataFrame, start: dt.date, end: dt.date
) -> tuple[np.ndarray, np.ndarray]:
    """One subject's rows (date, n, ma_n) reindexed onto every day start..end (NaN = no data)."""
    days = pd.date_range(start, end, freq="D")
    indexed = frame.assign(date=pd.to_datetime(frame["date"])).set_index("date")
    indexed = indexed.reindex(days)
    raw = indexed["n"].to_numpy(dtype="float32")
    ma = indexed["ma_n"].to_numpy(dtype="float32")
    return raw, ma


def figure_trend_selector(
    series: pd.DataFrame, subjects: list[str], event_date: dt.date, title: str
) -> go.Figure:
    """84-day MA of daily postings per subject, raw daily counts faintly behind, a selector.

    `series` has columns date, subject, n, ma_n. Two traces per subject (raw, MA); the
    dropdown shows one subject's pair at a time. The event date is a dashed vertical line.
    """
    fig = go.Figure()
    present = [s for s in subjects if s in set(series["subject"])]
    if series.empty or not present:
        fig.update_layout(title=title + " (no data yet)", **LAYOUT)
        return styled(fig)
    start = pd.to_datetime(series["date"]).min().date()
    end = pd.to_datetime(series["date"]).max().date()
    for i, subject in enumerate(present):
        raw, ma = compute_daily_arrays(series[series["subject"] == subject], start, end)
        for y, colour, width, what, hover in (
            (raw, RAW_COLOUR, 1, "daily postings", "%{y:.0f} postings"),
            (ma, OKABE_ITO[0], 2.5, "84-day moving average", "%{y:.1f} postings/day (84-day MA)"),
        ):
            fig.add_trace(
                go.Scatter(
                    x0=start.isoformat(),
                    dx=DAY_MS,
                    y=y,
                    mode="lines",
                    line=dict(color=colour, width=width),
                    name=f"{plain(subject)}: {what}",
                    visible=i == 0,
                    hovertemplate="%{x|%Y-%m-%d}: " + hover + "<extra></extra>",
                )
            )
    buttons = []
    for i, subject in enumerate(present):
        mask = [j // 2 == i for j in range(2 * len(present))]
        buttons.append(dict(label=plain(subject), method="update", args=[{"visible": mask}]))
    fig.add_vline(x=event_date.isoformat(), line=dict(color=OKABE_ITO[3], dash="dash", width=2))
    fig.add_annotation(
        x=event_date.isoformat(),
        y=0.99,
        yref="paper",
        text=f" event {event_date.isoformat()}",
        showarrow=False,
        xanchor="left",
        yanchor="top",
        bgcolor="rgba(255,255,255,0.8)",
        font=dict(color=OKABE_ITO[3]),
    )
    fig.update_layout(
        title=title,
        xaxis_title="Date (UTC)",
        yaxis_title="Postings per day",
        updatemenus=[dict(buttons=buttons, x=0, xanchor="left", y=1.04, yanchor="bottom")],
        legend=LEGEND,
        **LAYOUT,
    )
    fig.update_layout(margin=dict(t=100), height=520)
    return styled(fig)


def compute_delta_pairs(deltas: pd.DataFrame, kind: str) -> pd.DataFrame:
    """Per subject of `kind`: the study-style estimate and the honest method's interval.

    Columns: subject, study_pct, honest_method, honest_pct, honest_low, honest_high, sorted by
    study_pct (NaN last).
    """
    rows = []
    mine = deltas[deltas["kind"] == kind]
    for subject, group in mine.groupby("subject", sort=True):
        by_method = {r.method: r for r in group.itertuples()}
        study = by_method.get(STUDY_METHOD)
        honest = next(
            (
                by_method[m]
                for m in HONEST_METHODS
                if m in by_method
                and bool(by_method[m].meaningful)
                and not pd.isna(float(by_method[m].estimate_pct))  # type: ignore[arg-type]
                and not pd.isna(float(by_method[m].ci_low_pct))  # type: ignore[arg-type]
            ),
            None,
        )
        rows.append(
            dict(
                subject=subject,
                study_pct=study.estimate_pct if study is not None else np.nan,
                honest_method=honest.method if honest is not None else "",
                honest_pct=honest.estimate_pct if honest is not None else np.nan,
                honest_low=honest.ci_low_pct if honest is not None else np.nan,
                honest_high=honest.ci_high_pct if honest is not None else np.nan,
            )
        )
    cols = ["subject", "study_pct", "honest_method", "honest_pct", "honest_low", "honest_high"]
    frame = pd.DataFrame(rows, columns=cols)
    return frame.sort_values("study_pct", na_position="first").reset_index(drop=True)


def honest_interval_trace(
    labels: list[str], frame: pd.DataFrame, *, name: str, size: int, **extra: Any
) -> go.Scatter:
    """Diamonds at `honest_pct` with asymmetric error bars to `honest_low`/`honest_high`."""
    return go.Scatter(
        y=labels,
        x=frame["honest_pct"],
        mode="markers",
        name=name,
        marker=dict(color=OKABE_ITO[3], size=size, symbol="diamond"),
        error_x=dict(
            type="data",
            symmetric=False,
            array=frame["honest_high"] - frame["honest_pct"],
            arrayminus=frame["honest_pct"] - frame["honest_low"],
            color=OKABE_ITO[3],
        ),
        **extra,
    )


def figure_delta_bars(pairs: pd.DataFrame, title: str) -> go.Figure:
    """Horizontal bars of the study-style delta (%) with the honest estimate and 95% CI beside."""
    labels = [plain(s) for s in pairs["subject"]]
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            y=labels,
            x=pairs["study_pct"],
            orientation="h",
            name="Study-style (84-day MA, no interval)",
            marker_color=OKABE_ITO[4],
            hovertemplate="%{y}: %{x:+.1f}%<extra>study-style</extra>",
        )
    )
    fig.add_trace(
        honest_interval_trace(
            labels,
            pairs,
            name="Honest method (95% interval)",
            size=9,
            customdata=pairs["honest_method"],
            hovertemplate="%{y}: %{x:+.1f}% (%{customdata})<extra>honest</extra>",
        )
    )
    fig.update_layout(
        title=title,
        xaxis_title="Change since event (%)",
        height=max(320, 34 * len(pairs) + 160),
        legend=LEGEND,
        **LAYOUT,
    )
    return styled(fig)


def figure_published_comparison(ours: pd.DataFrame, published: pd.DataFrame) -> go.Figure:
    """jobtrends' study-style and honest deltas beside the published figures, matched subjects.

    `ours` is compute_delta_pairs output with a `kind` column; `published` is
    read_published_figures output. One marker per study; range-valued studies get a bar.
    """
    subjects = sorted(set(ours["subject"]) & set(published["subject"]))
    fig = go.Figure()
    mine = ours.set_index("subject").reindex(subjects)
    fig.add_trace(
        go.Scatter(
            y=subjects,
            x=mine["study_pct"],
            mode="markers",
            name="jobtrends, study-style",
            marker=dict(color=OKABE_ITO[4], size=11, symbol="circle"),
        )
    )
    fig.add_trace(
        honest_interval_trace(
            subjects, mine, name="jobtrends, honest method (95% interval)", size=10
        )
    )
    symbols = ["square", "triangle-up", "x", "star"]
    for i, (study, group) in enumerate(published.groupby("study_id", sort=True)):
        group = group[group["subject"].isin(subjects)]
        fig.add_trace(
            go.Scatter(
                y=group["subject"],
                x=group["value_pct"],
                mode="markers",
                name=f"published: {study}",
                marker=dict(color=OKABE_ITO[(i + 1) % 8], size=10, symbol=symbols[i % 4]),
                error_x=dict(
                    type="data",
                    symmetric=False,
                    array=group["value_pct_high"] - group["value_pct"],
                    arrayminus=group["value_pct"] - group["value_pct_low"],
                ),
                customdata=group["qualifier"],
                hovertemplate="%{y}: %{x:+.0f}% (%{customdata})<extra>" + plain(study) + "</extra>",
            )
        )
    fig.update_layout(
        title="jobtrends vs published studies",
        xaxis_title="Change in postings since the event (%)",
        height=max(320, 40 * len(subjects) + 180),
        legend=LEGEND,
        **LAYOUT,
    )
    return styled(fig)
