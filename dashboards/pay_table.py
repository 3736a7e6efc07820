"""The pay section's table: one event, one row per category, the methods as columns."""

from __future__ import annotations

import pandas as pd

METHOD_COLUMNS = {  # a_pay_deltas.method -> the column header on the page
    "median": "change, plain median",
    "median_mix_fixed": "change, mix fixed",
}


def render_pct(value: float) -> str:
    """-0.04 -> '+0.0' (never '-0.0'), 5 -> '+5.0'."""
    rounded = round(float(value), 1)
    return f"{rounded if rounded != 0 else 0.0:+.1f}"


def render_change(change: float, low: float, high: float) -> str:
    """'+5.0% [-2.0, +12.0]', or '—' when there is no change."""
    if pd.isna(change):
        return "—"
    if pd.isna(low) or pd.isna(high):
        return f"{render_pct(change)}%"
    return f"{render_pct(change)}% [{render_pct(low)}, {render_pct(high)}]"


def compute_pay_table(pay: pd.DataFrame) -> pd.DataFrame:
    """read_pay_deltas output (one event) -> one row per category.

    Columns: category, USD/h before, USD/h after (the plain median's), one change column per
    method present (percent with its 95% interval), postings before, postings after.
    """
    if pay.empty:
        return pd.DataFrame()
    plain = pay[pay["method"] == "median"].set_index("category")
    base = plain if not plain.empty else pay.drop_duplicates("category").set_index("category")
    table = pd.DataFrame(index=sorted(set(pay["category"])))
    table["USD/h before"] = base["median_before"].reindex(table.index)
    table["USD/h after"] = base["median_after"].reindex(table.index)
    for method in [*METHOD_COLUMNS, *sorted(set(pay["method"]) - set(METHOD_COLUMNS))]:
        rows = pay[pay["method"] == method].set_index("category").reindex(table.index)
        if rows["method"].notna().any():
            table[METHOD_COLUMNS.get(method, f"change, {method}")] = [
                render_change(c, lo, hi)
                for c, lo, hi in zip(
                    rows["change_pct"], rows["ci_low_pct"], rows["ci_high_pct"], strict=True
                )
            ]
    table["postings before"] = base["n_before"].reindex(table.index).astype("Int64")
    table["postings after"] = base["n_after"].reindex(table.index).astype("Int64")
    return table.rename_axis("category").reset_index()
