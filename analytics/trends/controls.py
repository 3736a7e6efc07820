"""The default `did` control: the donor categories whose own change is typical.

"All other postings" fell with the treated categories whenever they were a large part of the
platform (on the docs/analytics.md demo, five planted declines made every untouched category
read +8.8% to +11.1%), and the least-exposed categories (the default before that) are the ones
the study found AI *feeds*. Synthetic-control weights fitted on the pre-period cannot help
with either: every category shares the platform's growth and seasons before the event, so the
fit cannot tell a donor that will be treated from one that will not.

So the default is robust by construction rather than by fit, under one assumption: most
donors are not affected by the event.
- the pool: every category except the subject and `Other`, minus the most exposed third by the
  study's exposure ranking (analytics/trends/data/exposure.csv; other categories it does not
  score stay in). The ranking only excludes donors; it never picks the control. `Other` is
  left out because the event feeds it directly: it is where postings no category claims land,
  new AI work among them (Data Science, Machine Learning and Generative AI map to Other in
  analytics/tagging/taxonomy/upwork_categories.toml; every simulated AI-skill posting is
  Other). With it in the pool, on the study-like simulator (`jobtrends validate --simulator
  --draws --seeds 200`) every category's `did` read 0.9-1.5 pp low: Other, 63% of postings,
  was nearly all of every control it entered (49 of 50 seeds), and it carries the AI skills'
  own growth (+1.3% of Other from validation_effects.toml's skill shares and effects).
- the control: the half of the pool (at least MIN_DONORS) whose own log change between the
  method's windows is nearest the pool's median change, each weighted equally (scaled to the
  same before-window total, then summed). The median donor change is the platform's common
  change when most donors are untouched (a 50% breakdown point), and the donors nearest it
  are the ones that moved with the platform: a donor AI fed or replaced is left out,
  whichever way it moved. The subject's own data never enter the choice. A daily median of
  donor paths was tried first: with daily noise as large as the effects, the median of noisy
  values moves with the treated donors (untouched categories read -2.8 to -9.5% on the
  study-like simulation); window totals are precise, so the choice is stable. Equal weights,
  not the plain sum: a sum weights donors by size, so one large donor is the control, and
  when a treated one is kept (Graphic Design at 135 a day beside donors of 30) the control
  moves with it. With equal weights (drawn seeds 101-300, Other already out) untouched
  categories read -0.42 pp on average instead of -0.65, and their spread over seeds falls
  (sd 2.0-2.2 pp instead of 2.3-2.6 at 30 postings a day).
- fewer than MIN_DONORS donors with postings: all other postings, and the note says so.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

from analytics.trends.exposure import read_exposure
from analytics.trends.windows import (
    Windows,
    category_names,
    compute_window_totals,
    control_total,
)

ALL_OTHER_POSTINGS = "all other postings"
MIN_DONORS = 3  # a median of fewer paths is one category's noise
RESIDUAL_CATEGORY = "Other"  # never a donor: AI work with no category of its own lands there
EXCLUDED_EXPOSED_SHARE = 1 / 3  # the most exposed third of the scored categories: no donors


@cache
def read_exposure_ranking() -> tuple[str, ...]:
    """Scored categories, most exposed first (the shipped exposure table)."""
    scored = read_exposure().dropna(subset=["exposure_score"])
    return tuple(scored.sort_values("exposure_score", ascending=False)["category"])


def compute_donors(
    categories: set[str], subject: str, ranking: tuple[str, ...] | None = None
) -> tuple[str, ...]:
    """The donor categories for `subject`: all but it, Other and the most exposed third."""
    ranking = read_exposure_ranking() if ranking is None else ranking
    excluded = set(ranking[: int(round(EXCLUDED_EXPOSED_SHARE * len(ranking)))])
    excluded.add(RESIDUAL_CATEGORY)
    return tuple(sorted(c for c in categories if c != subject and c not in excluded))


def compute_typical_donors(
    wide: pd.DataFrame, donors: tuple[str, ...], w: Windows
) -> tuple[str, ...]:
    """The donors whose own before/after change is nearest the median donor's: the closest
    half (at least MIN_DONORS). Donors without postings before are left out."""
    changes = {}
    totals_before, totals_after = compute_window_totals(wide, w)
    for donor in donors:
        before, after = totals_before[("category", donor)], totals_after[("category", donor)]
        if before > 0 and after > 0:
            changes[donor] = np.log(after / before)
    if len(changes) < MIN_DONORS:
        return ()
    median = float(np.median(list(changes.values())))
    keep = max(MIN_DONORS, int(np.ceil(len(changes) / 2)))
    nearest = sorted(changes, key=lambda d: (abs(changes[d] - median), d))[:keep]
    return tuple(sorted(nearest))


def compute_default_control(
    wide: pd.DataFrame, subject: tuple[str, str], w: Windows
) -> tuple[pd.Series, str]:
    """The default control of `subject` and the words naming it (after "controls: ")."""
    pool = compute_donors(category_names(wide), subject[1] if subject[0] == "category" else "")
    kept = compute_typical_donors(wide, pool, w)
    if kept:
        return compute_equal_weight_total(wide, kept, w), render_donors(kept, len(pool))
    total = wide[("all", "all")]
    return total - wide[subject], f"{ALL_OTHER_POSTINGS} (fewer than {MIN_DONORS} donors)"


def compute_equal_weight_total(
    wide: pd.DataFrame, donors: tuple[str, ...], w: Windows
) -> pd.Series:
    """The donors' daily postings, each scaled so its before-window total is the donors' mean
    (the control's level stays a count of postings, as the count model's exposure needs)."""
    totals_before, _after = compute_window_totals(wide, w)
    before = np.array([totals_before[("category", d)] for d in donors])
    return control_total(wide, list(donors), before.mean() / before)


def render_donors(kept: tuple[str, ...], pool: int) -> str:
    """The words a did note and the report use for this control."""
    return (
        ", ".join(kept) + f" ({len(kept)} of {pool} donors whose own change is nearest the "
        "median donor's, equally weighted; Other and the most exposed third excluded)"
    )
