"""Pure figure builders for pay, AI exposure and data volume: data in, plotly Figure out."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboards.style import LAYOUT, OKABE_ITO, plain, styled

PAY_BEFORE_COLOUR = OKABE_ITO[4]
PAY_AFTER_COLOUR = OKABE_ITO[1]


def figure_pay(pay: pd.DataFrame) -> go.Figure:
    """Median USD/hour before vs after per category (dumbbell), change % with 95% CI in hover."""
    pay = pay.sort_values("category")
    fig = go.Figure()
    for column, name, colour in (
        ("median_before", "Median before the event", PAY_BEFORE_COLOUR),
        ("median_after", "Median after the event", PAY_AFTER_COLOUR),
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
        xaxis_title="Median pay (USD/hour)",
        height=max(300, 30 * len(pay) + 110),
        **LAYOUT,
    )
    return styled(fig)


def compute_exposure_rows(exposure: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    """Categories with both an exposure score and an honest estimate, least exposed first.

    Columns: category, label ('Writing (0.62)'), exposure, honest_method, honest_pct,
    honest_low, honest_high.
    """
    joined = exposure.merge(pairs, left_on="category", right_on="subject", how="inner")
    joined = joined.dropna(subset=["honest_pct"]).sort_values("exposure", kind="stable")
    pairs_of = zip(joined["category"], joined["exposure"], strict=True)
    joined["label"] = [f"{c} ({e:.2f})" for c, e in pairs_of]
    cols = ["category", "label", "exposure", "honest_method", "honest_pct", "honest_low"]
    return joined[[*cols, "honest_high"]].reset_index(drop=True)


def compute_rank_correlation(rows: pd.DataFrame) -> float:
    """Spearman's rho between exposure and the honest estimate (NaN with fewer than 3)."""
    if len(rows) < 3:
        return float("nan")
    return float(rows["exposure"].rank().corr(rows["honest_pct"].rank()))


def figure_exposure_scatter(exposure: pd.DataFrame, pairs: pd.DataFrame) -> go.Figure:
    """Each category's honest measured change (%, 95% interval) on a row, rows ordered by AI
    exposure score (0..1, shown in the label) from least exposed at the bottom: a dot plot
    keeps every label readable at any width, where point labels in a scatter overlapped."""
    rows = compute_exposure_rows(exposure, pairs)
    labels = [plain(x) for x in rows["label"]]
    fig = go.Figure(
        go.Scatter(
            y=labels,
            x=rows["honest_pct"],
            mode="markers",
            marker=dict(color=OKABE_ITO[0], size=10),
            error_x=dict(
                type="data",
                symmetric=False,
                array=rows["honest_high"] - rows["honest_pct"],
                arrayminus=rows["honest_pct"] - rows["honest_low"],
                color=OKABE_ITO[0],
            ),
            customdata=np.stack([rows["exposure"], rows["honest_method"]], axis=-1),
            hovertemplate=(
                "%{y}: %{x:+.1f}% (%{customdata[1]}), exposure %{customdata[0]:.2f}<extra></extra>"
            ),
            name="category",
        )
    )
    fig.update_layout(
        title="AI exposure vs change in postings",
        xaxis_title="Change since event (%)",
        yaxis_title="Category (AI exposure)",
        height=max(300, 30 * len(rows) + 110),
        **LAYOUT,
    )
    return styled(fig)


def render_source_label(source: object, simulated: object) -> str:
    """'upwork' or 'upwork (SIMULATED)' (plain text; escape where it is rendered)."""
    return str(source) + (" (SIMULATED)" if bool(simulated) else "")


def compute_source_keys(weekly: pd.DataFrame) -> pd.DataFrame:
    """The (source, is_simulated) pairs in chart order: real sources first, then simulated."""
    keys = weekly[["source", "is_simulated"]].drop_duplicates()
    return keys.sort_values(["is_simulated", "source"]).reset_index(drop=True)


def figure_postings_per_source(weekly: pd.DataFrame) -> go.Figure:
    """Stacked weekly postings per source; simulated postings are separate, hatched traces."""
    fig = go.Figure()
    keys = compute_source_keys(weekly)
    for i, (source, simulated) in enumerate(keys.itertuples(index=False)):
        part = weekly[(weekly["source"] == source) & (weekly["is_simulated"] == simulated)]
        label = plain(render_source_label(source, simulated))
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
        **LAYOUT,
    )
    return styled(fig)
