"""Shared look of every report figure: palette, layout, axes, legend, and label escaping."""

from __future__ import annotations

import html

import plotly.graph_objects as go

# Okabe & Ito (2008), "Color Universal Design": distinguishable with every common colour-vision
# deficiency. https://jfly.uni-koeln.de/color/
OKABE_ITO = [
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#D55E00",
    "#56B4E9",
    "#CC79A7",
    "#F0E442",
    "#000000",
]
LAYOUT = dict(
    template="none",
    paper_bgcolor="white",
    plot_bgcolor="white",
    font=dict(family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif", size=13),
    margin=dict(l=10, r=16, t=16, b=50),
    colorway=OKABE_ITO,
    autosize=True,
    title_x=0.01,
    title_xanchor="left",
    title_font_size=15,
)
AXES = dict(
    automargin=True, gridcolor="#e6e6e6", zerolinecolor="#999", tickangle=0
)  # never rotated


def plain(text: object) -> str:
    """Feed-derived text made inert for plotly, which renders a subset of HTML tags in labels.

    "<b>x</b>" -> "&lt;b&gt;x&lt;/b&gt;" (plotly shows the entities as the original characters).
    Quotes stay as they are: plotly does not decode &quot;, and without "<" they are inert.
    """
    return html.escape(str(text), quote=False)


def styled(fig: go.Figure) -> go.Figure:
    """Shared axis styling: light grid, margins that grow to fit long category labels."""
    # standoff: the first date label sat on the lowest y tick label at the plot's corner
    fig.update_xaxes(**AXES, ticklabelstandoff=8)
    fig.update_yaxes(**AXES)
    return fig
