"""The default `did` control: the median path of donor categories that are not the subject.

"All other postings" fell with the treated categories whenever they were a large part of the
platform (on the docs/analytics.md demo, five planted declines made every untouched category
read +8.8% to +11.1%), and the least-exposed categories (the default before that) are the ones
the study found AI *feeds*. Synthetic-control weights fitted on the pre-period cannot help
with either: every category shares the platform's growth and seasons before the event, so the
fit cannot tell a donor that will be treated from one that will not.

So the default is robust by construction rather than by fit:
- donors: every category except the subject (`Other` included), minus the most exposed
  third by the study's exposure ranking (analytics/trends/data/exposure.csv; categories it does
  not score stay donors). The ranking only excludes donors; it never picks the control.
- the control's daily value is the median over donors of each donor's postings divided by its
  own mean in the normalising window (the method's before window), times the donors' summed
  means (a count-sized series; `did` is a log difference, so the scale cancels). A median path
  has a 50% breakdown point: a minority of donors with effects in either direction (AI feeding
  video, AI replacing data entry) does not move it, where a sum or a fitted weighting does.
- fewer than MIN_DONORS donors: the control falls back to all other postings, and says so.
"""

from __future__ import annotations

from datetime import date
from functools import cache

import numpy as np
import pandas as pd

from analytics.trends.exposure import read_exposure
from analytics.trends.windows import category_names

ALL_OTHER_POSTINGS = "all other postings"
MIN_DONORS = 3  # a median of fewer paths is one category's noise
EXCLUDED_EXPOSED_SHARE = 1 / 3  # the most exposed third of the scored categories: no donors


@cache
def read_exposure_ranking() -> tuple[str, ...]:
    """Scored categories, most exposed first (the shipped exposure table)."""
    scored = read_exposure().dropna(subset=["exposure_score"])
    return tuple(scored.sort_values("exposure_score", ascending=False)["category"])


def compute_donors(
    categories: set[str], subject: str, ranking: tuple[str, ...] | None = None
) -> tuple[str, ...]:
    """The donor categories for `subject`: all but it and the most exposed third."""
    ranking = read_exposure_ranking() if ranking is None else ranking
    excluded = set(ranking[: int(round(EXCLUDED_EXPOSED_SHARE * len(ranking)))])
    return tuple(sorted(c for c in categories if c != subject and c not in excluded))


def compute_median_control(
    wide: pd.DataFrame, donors: tuple[str, ...], start: date, end: date
) -> pd.Series:
    """Daily median of the donors' postings relative to their mean over start..end, times
    the donors' summed means there; gap days (NaN rows) stay NaN."""
    frame = wide.loc[:, [("category", c) for c in donors]]
    means = frame.loc[pd.Timestamp(start) : pd.Timestamp(end)].mean()
    means = means[means > 0]
    relative = frame.loc[:, means.index] / means
    # a gap day is NaN in every column and np.median keeps it NaN; collected days have no NaN
    median = np.median(relative.to_numpy(dtype=float), axis=1)
    return pd.Series(median * float(means.sum()), index=wide.index)


def compute_default_control(
    wide: pd.DataFrame, subject: tuple[str, str], start: date, end: date
) -> tuple[pd.Series, str]:
    """The default control of `subject` and the words naming it (after "controls: ")."""
    donors = compute_donors(category_names(wide), subject[1] if subject[0] == "category" else "")
    if len(donors) >= MIN_DONORS:
        return compute_median_control(wide, donors, start, end), render_donors(donors)
    total = wide[("all", "all")]
    return total - wide[subject], f"{ALL_OTHER_POSTINGS} (fewer than {MIN_DONORS} donors)"


def render_donors(donors: tuple[str, ...]) -> str:
    """The words a did note and the report use for this control."""
    return "median of " + ", ".join(donors) + " (most exposed third excluded)"
