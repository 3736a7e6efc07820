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

from dashboards.style import LAYOUT, OKABE_ITO, plain, styled

MA_COLOUR = OKABE_ITO[0]  # the 84-day moving average line
EVENT_COLOUR = OKABE_ITO[3]  # the dashed event line
RAW_COLOUR = "rgba(120,120,120,0.35)"  # faint grey behind the moving average
DAY_MS = 86_400_000  # plotly date axes step in milliseconds
STUDY_COLOUR = OKABE_ITO[4]  # the study's statistic: bars and circles
HONEST_COLOUR = OKABE_ITO[3]  # the honest estimate: diamonds with error bars
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
    series: pd.DataFrame,
    subjects: list[str],
    event_date: dt.date,
    title: str,
    names: dict[str, str] | None = None,
) -> go.Figure:
    """84-day MA of daily postings per subject, raw daily counts faintly behind, a selector.

    `series` has columns date, subject, n, ma_n. Two traces per subject (raw, MA); the
    dropdown shows one subject's pair at a time (labelled with its display name from `names`).
    The event date is a dashed vertical line.
    """
    names = names or {}
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
            (ma, MA_COLOUR, 2.5, "84-day moving average", "%{y:.1f} postings/day (84-day MA)"),
        ):
            fig.add_trace(
                go.Scatter(
                    x0=start.isoformat(),
                    dx=DAY_MS,
                    y=y,
                    mode="lines",
                    line=dict(color=colour, width=width),
                    name=f"{plain(names.get(subject, subject))}: {what}",
                    visible=i == 0,
                    hovertemplate="%{x|%Y-%m-%d}: " + hover + "<extra></extra>",
                )
            )
    buttons = []
    for i, subject in enumerate(present):
        mask = [j // 2 == i for j in range(2 * len(present))]
        label = plain(names.get(subject, subject))
        buttons.append(dict(label=label, method="update", args=[{"visible": mask}]))
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
        updatemenus=[dict(buttons=buttons, x=0, xanchor="left", y=1.02, yanchor="bottom")],
        **LAYOUT,
    )
    fig.update_layout(margin=dict(t=56), height=460)
    fig.update_yaxes(rangemode="tozero")
    return styled(fig)


def _number(value: Any) -> float:
    """A cell as float, NaN for None/NA."""
    return float("nan") if value is None or pd.isna(value) else float(value)


def _field(row: Any, name: str) -> float:
    """A numeric field of an itertuples row, NaN when absent (callers may pass fewer columns)."""
    return _number(getattr(row, name, None))


def compute_delta_pairs(
    deltas: pd.DataFrame, kind: str, names: dict[str, str] | None = None
) -> pd.DataFrame:
    """Per subject of `kind`: the study-style estimate and the honest method's interval.

    Columns: subject, label (display name from `names`, else the subject), study_pct,
    study_n_before (postings in the study's 84-day base, also when it is n/m), honest_method,
    honest_pct, honest_low, honest_high, honest_n_before, honest_n_after, honest_note; sorted
    by study_pct (NaN first).
    """
    names = names or {}
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
                and not pd.isna(_number(by_method[m].estimate_pct))
                and not pd.isna(_number(by_method[m].ci_low_pct))
            ),
            None,
        )
        rows.append(
            dict(
                subject=subject,
                label=names.get(str(subject), str(subject)),
                study_pct=_number(study.estimate_pct) if study is not None else np.nan,
                study_n_before=_field(study, "n_before") if study is not None else np.nan,
                honest_method=honest.method if honest is not None else "",
                honest_pct=_number(honest.estimate_pct) if honest is not None else np.nan,
                honest_low=_number(honest.ci_low_pct) if honest is not None else np.nan,
                honest_high=_number(honest.ci_high_pct) if honest is not None else np.nan,
                honest_n_before=_field(honest, "n_before") if honest is not None else np.nan,
                honest_n_after=_field(honest, "n_after") if honest is not None else np.nan,
                honest_note=str(getattr(honest, "note", "") or "") if honest is not None else "",
            )
        )
    cols = [
        "subject", "label", "study_pct", "study_n_before", "honest_method", "honest_pct",
        "honest_low", "honest_high", "honest_n_before", "honest_n_after", "honest_note",
    ]  # fmt: skip
    frame = pd.DataFrame(rows, columns=cols)
    return frame.sort_values("study_pct", na_position="first").reset_index(drop=True)


def render_nm_text(n_before: float) -> str:
    """'n/m: 23 postings before' for a study bar whose base is under the floor."""
    if pd.isna(n_before):
        return "n/m: no base"
    return f"n/m: {int(n_before):,} postings before"


def honest_interval_trace(
    labels: list[str], frame: pd.DataFrame, *, name: str, size: int, **extra: Any
) -> go.Scatter:
    """Diamonds at `honest_pct` with asymmetric error bars to `honest_low`/`honest_high`."""
    return go.Scatter(
        y=labels,
        x=frame["honest_pct"],
        mode="markers",
        name=name,
        marker=dict(color=HONEST_COLOUR, size=size, symbol="diamond"),
        error_x=dict(
            type="data",
            symmetric=False,
            array=frame["honest_high"] - frame["honest_pct"],
            arrayminus=frame["honest_pct"] - frame["honest_low"],
            color=HONEST_COLOUR,
        ),
        **extra,
    )


def render_bar_labels(pairs: pd.DataFrame) -> list[str]:
    """Axis labels (plotly markup, feed text escaped): the display name, and under it
    'n/m: 23 postings before' where the study's statistic has too small a base for a bar."""
    labels = []
    for label, study, n_before in zip(
        pairs["label"], pairs["study_pct"], pairs["study_n_before"], strict=True
    ):
        text = plain(label)
        if pd.isna(study):
            text += (
                f"<br><span style='font-size:0.85em;color:#555'>{render_nm_text(n_before)}</span>"
            )
        labels.append(text)
    return labels


def figure_delta_bars(pairs: pd.DataFrame, title: str) -> go.Figure:
    """Horizontal bars of the study-style delta (%) with the honest estimate and 95% CI beside;
    a subject whose study base is under the floor is labelled 'n/m: N postings before'."""
    labels = render_bar_labels(pairs)
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            y=labels,
            x=pairs["study_pct"],
            orientation="h",
            name="The study's statistic (84-day MA, no interval)",
            marker_color=STUDY_COLOUR,
            hovertemplate="%{y}: %{x:+.1f}%<extra>the study's statistic</extra>",
        )
    )
    fig.add_trace(
        honest_interval_trace(
            labels,
            pairs,
            name="Honest estimate (95% interval)",
            size=9,
            customdata=pairs["honest_method"],
            hovertemplate="%{y}: %{x:+.1f}% (%{customdata})<extra>honest</extra>",
        )
    )
    fig.update_layout(
        title=title,
        xaxis_title="Change since event (%)",
        height=max(320, 32 * len(pairs) + 110),
        **LAYOUT,
    )
    return styled(fig)


PUBLISHED_SYMBOLS = ("square", "triangle-up", "x", "star")


def compute_published_styles(published: pd.DataFrame) -> dict[str, tuple[str, str]]:
    """study_id -> (colour, marker symbol), the same on every chart and in its legend."""
    studies = sorted(set(published["study_id"]))
    return {
        s: (OKABE_ITO[(i + 1) % 8], PUBLISHED_SYMBOLS[i % len(PUBLISHED_SYMBOLS)])
        for i, s in enumerate(studies)
    }


def figure_published_comparison(
    ours: pd.DataFrame, published: pd.DataFrame, kind: str, title: str
) -> go.Figure:
    """jobtrends' study-style and honest deltas beside the published figures for one `kind`
    (categories and AI skills apart: a +2000% skill squeezed every category into a blob).

    `ours` is compute_delta_pairs output for `kind`; `published` is read_published_figures
    output. One marker per study; range-valued studies get a bar.
    """
    theirs = published[published["kind"] == kind]
    subjects = sorted(set(ours["subject"]) & set(theirs["subject"]))
    mine = ours.set_index("subject").reindex(subjects)
    labels = [plain(x) for x in mine["label"].fillna(pd.Series(subjects, index=subjects))]
    label_of = dict(zip(subjects, labels, strict=True))
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            y=labels,
            x=mine["study_pct"],
            mode="markers",
            name="jobtrends, the study's statistic",
            marker=dict(color=STUDY_COLOUR, size=11, symbol="circle"),
        )
    )
    fig.add_trace(honest_interval_trace(labels, mine, name="jobtrends, honest estimate", size=10))
    styles = compute_published_styles(published)
    for study, group in theirs.groupby("study_id", sort=True):
        group = group[group["subject"].isin(subjects)]
        colour, symbol = styles[str(study)]
        fig.add_trace(
            go.Scatter(
                y=[label_of[x] for x in group["subject"]],
                x=group["value_pct"],
                mode="markers",
                name=f"published: {study}",
                marker=dict(color=colour, size=10, symbol=symbol),
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
        title=title,
        xaxis_title="Change since event (%)",
        height=max(280, 40 * len(subjects) + 110),
        **LAYOUT,
    )
    return styled(fig)
