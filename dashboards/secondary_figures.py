"""Pure figure builders for pay, AI exposure and data volume: data in, plotly Figure out."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboards.style import LAYOUT, LEGEND, OKABE_ITO, plain, styled


def figure_pay(pay: pd.DataFrame) -> go.Figure:
    """Median USD/hour before vs after per category (dumbbell), change % with 95% CI in hover."""
    pay = pay.sort_values("category")
    fig = go.Figure()
    for column, name, colour in (
        ("median_before", "Median before the event", OKABE_ITO[4]),
        ("median_after", "Median after the event", OKABE_ITO[1]),
    ):
        fig.add_trace(
            go.Scatter(
                y=pay["category"],
                x=pay[column],
                mode="markers",
                name=name,
                marker=dict(color=colour, size=11),
                customdata=np.stack(
                    [pay["change_pct"], pay["ci_low_pct"], pay["ci_high_pct"]], axis=-1
                ),
                hovertemplate=(
                    "%{y}: $%{x:.2f}/h; change %{customdata[0]:+.1f}% "
                    "[%{customdata[1]:+.1f}, %{customdata[2]:+.1f}]<extra></extra>"
                ),
            )
        )
    fig.update_layout(
        title="Median hourly pay, before vs after",
        xaxis_title="Median pay (USD per hour)",
        height=max(320, 34 * len(pay) + 160),
        legend=LEGEND,
        **LAYOUT,
    )
    return styled(fig)


def figure_exposure_scatter(exposure: pd.DataFrame, pairs: pd.DataFrame) -> go.Figure:
    """AI exposure score (0..1) per category against its honest measured delta (%)."""
    joined = exposure.merge(pairs, left_on="category", right_on="subject", how="inner")
    fig = go.Figure(
        go.Scatter(
            x=joined["exposure"],
            y=joined["honest_pct"],
            mode="markers+text",
            text=[plain(c) for c in joined["category"]],
            textposition="top center",
            marker=dict(color=OKABE_ITO[0], size=10),
            error_y=dict(
                type="data",
                symmetric=False,
                array=joined["honest_high"] - joined["honest_pct"],
                arrayminus=joined["honest_pct"] - joined["honest_low"],
            ),
            name="category",
        )
    )
    fig.update_layout(
        title="AI exposure vs change in postings",
        xaxis_title="AI exposure score (0 = none, 1 = full)",
        yaxis_title="Change since the event (%, 95% interval)",
        **LAYOUT,
    )
    return styled(fig)


def figure_postings_per_source(weekly: pd.DataFrame) -> go.Figure:
    """Stacked weekly postings per source; simulated postings are separate, hatched traces."""
    fig = go.Figure()
    keys = (
        weekly[["source", "is_simulated"]].drop_duplicates().sort_values(["is_simulated", "source"])
    )
    for i, (source, simulated) in enumerate(keys.itertuples(index=False)):
        part = weekly[(weekly["source"] == source) & (weekly["is_simulated"] == simulated)]
        label = plain(source) + (" (SIMULATED)" if simulated else "")
        fig.add_trace(
            go.Bar(
                x=pd.to_datetime(part["week"]).dt.strftime("%Y-%m-%d"),
                y=part["n"],
                name=label,
                marker=dict(
                    color=OKABE_ITO[i % 8],
                    pattern=dict(shape="/" if simulated else ""),
                ),
            )
        )
    fig.update_layout(
        barmode="stack",
        title="Postings per source and week",
        xaxis_title="Week starting (Monday, UTC)",
        yaxis_title="Postings per week",
        legend=LEGEND,
        **LAYOUT,
    )
    return styled(fig)
