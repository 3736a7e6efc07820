"""Rules every delta method shares: the small-base floor, refused placebos, q-values."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from analytics.trends.windows import Windows


def compute_small_base_note(n_before: int, n_after: int, floor: int) -> str | None:
    """The one small-base rule: both of a method's own windows need `floor` postings.

    Returns the note for a refused row, or None when the base is big enough.
    """
    if n_before >= floor and n_after >= floor:
        return None
    return (
        f"not meaningful: {n_before} postings before, {n_after} after (floor {floor} on each side)"
    )


def compute_placebo_refusal(event: date, w: Windows | None, real_event: date) -> str | None:
    """A note refusing an event before `real_event` whose after window reaches it, else None.

    Such an event is a placebo that measures the real event: 2022-05-31 with the default
    windows reported 11 of 13 categories significant, all of it ChatGPT's.
    """
    if w is None or event >= real_event or w.after_end < real_event:
        return None
    return (
        f"refused: the after window {w.after_start}..{w.after_end} reaches the event on "
        f"{real_event}; shorten window_days or pick an earlier date"
    )


def compute_q_values(p_values: pd.Series) -> pd.Series:
    """Benjamini-Hochberg q-values of the non-missing p-values (statsmodels); NaN elsewhere."""
    from statsmodels.stats.multitest import fdrcorrection

    out = pd.Series(np.nan, index=p_values.index)
    present = p_values.dropna()
    if len(present):
        out[present.index] = fdrcorrection(present.to_numpy(dtype=float))[1]
    return out
