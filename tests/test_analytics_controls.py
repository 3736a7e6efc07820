"""The default did control: the donors whose own change is typical, which treated donors
(either way) are not."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from analytics.trends.controls import (
    MIN_DONORS,
    compute_default_control,
    compute_donors,
    compute_equal_weight_total,
    compute_typical_donors,
    read_exposure_ranking,
)
from analytics.trends.deltas import DeltaSettings, compute_event_deltas
from analytics.trends.windows import Windows, category_names, compute_wide_counts

EVENT = date(2022, 11, 30)
START, END = date(2021, 9, 1), date(2024, 4, 1)


def _wide(effects: dict[str, float], sizes: dict[str, float], seed: int) -> pd.DataFrame:
    """Hand-written daily counts: shared growth and weekly cycle, Poisson noise, step effects."""
    rng = np.random.default_rng(seed)
    days = pd.date_range(START, END - timedelta(days=1), freq="D")
    t = np.arange(len(days)) / 365.25
    calendar = np.exp(0.2 * t) * np.where(days.day_of_week >= 5, 0.6, 1.1)
    after = np.asarray(days >= pd.Timestamp(EVENT))
    rows = []
    for name, size in sizes.items():
        mean = size * calendar * np.where(after, 1 + effects.get(name, 0.0) / 100, 1.0)
        rows.append(pd.DataFrame({"date": days, "subject": name, "n": rng.poisson(mean)}))
    counts = pd.concat(rows, ignore_index=True).assign(kind="category")
    total = counts.groupby("date", as_index=False)["n"].sum().assign(kind="all", subject="all")
    return compute_wide_counts(pd.concat([counts, total], ignore_index=True), END)


def test_donors_leave_out_the_subject_other_and_the_most_exposed_third() -> None:
    ranking = read_exposure_ranking()
    categories = set(ranking) | {"Other", "Unscored Category"}
    donors = compute_donors(categories, "Market Research")
    assert "Market Research" not in donors and "Other" not in donors
    assert not set(ranking[: len(ranking) // 3]) & set(donors)  # Translation, Writing, ...
    assert {"Unscored Category", "Video Editing & Production"} <= set(donors)
    assert compute_donors({"A", "B", "C"}, "A", ranking=("B", "C", "D")) == ("C",)


def test_untouched_categories_read_zero_when_other_grows_with_ai_work() -> None:
    """Other holds the AI work no category claims (the simulator puts every AI-skill posting
    there), so the event feeds it; at most of the platform's postings it would be nearly all
    of any control it entered, and every untouched category would read its growth, negated."""
    untouched = ["Back-End Development", "Front-End Development", "Accounting & Bookkeeping"]
    sizes = dict.fromkeys(untouched + ["Data Entry", "Market Research"], 60.0)
    sizes.update({"Other": 3000.0, "Graphic Design": 120.0, "Web Design": 100.0})
    sizes["Video Editing & Production"] = 120.0
    # as on the simulator, the donors AI feeds (not the most exposed) pull the median up to Other
    effects = {"Other": 6.0, "Graphic Design": 8.0, "Web Design": 10.0}
    effects["Video Editing & Production"] = 40.0
    wide = _wide(effects, sizes, seed=4)
    deltas = compute_event_deltas(
        wide, event=EVENT, as_of=END, settings=DeltaSettings(methods=("did",))
    )
    rows = deltas.set_index("subject")
    for subject in untouched:
        assert abs(rows.loc[subject, "estimate_pct"]) < 3.0, subject  # with Other a donor: -5.0%
        assert "Other" not in rows.loc[subject, "note"].split(";")[0]


def test_untouched_categories_read_zero_when_big_donors_are_treated_both_ways() -> None:
    """Four of nine categories change a lot, the largest by -30%: all other postings fall with
    them; against the typical donors an untouched category reads ~0."""
    sizes = {
        "Writing": 900.0,  # most exposed: never a donor
        "Translation": 300.0,
        "Data Entry": 400.0,
        "Video Editing & Production": 300.0,
        "Back-End Development": 200.0,
        "Front-End Development": 200.0,
        "Accounting & Bookkeeping": 150.0,
        "Web Design": 150.0,
        "Graphic Design": 150.0,
    }
    effects = {"Writing": -30.0, "Translation": -25.0, "Data Entry": -20.0}
    effects["Video Editing & Production"] = 40.0
    wide = _wide(effects, sizes, seed=1)
    settings = DeltaSettings(methods=("did",))
    deltas = compute_event_deltas(wide, event=EVENT, as_of=END, settings=settings)
    did = deltas.set_index("subject")["estimate_pct"]
    for untouched in ("Back-End Development", "Front-End Development", "Accounting & Bookkeeping"):
        assert abs(did[untouched]) < 3.0, untouched
    assert did["Writing"] == pytest.approx(-30.0, abs=3.0)
    assert did["Video Editing & Production"] == pytest.approx(40.0, abs=4.0)
    named = deltas.set_index("subject").loc["Web Design", "note"].split(";")[0]
    assert named.startswith("controls: ") and "nearest the median donor's" in named
    for treated in ("Writing", "Data Entry", "Video Editing & Production"):
        assert treated not in named, named  # exposed, or moved unlike the typical donor
    # the old default, all other postings, is biased by the treated categories
    others = wide[("all", "all")] - wide[("category", "Back-End Development")]
    before = others.loc[: pd.Timestamp(EVENT)].iloc[-364:].mean()
    after = others.loc[pd.Timestamp(EVENT) + pd.Timedelta(days=91) :].iloc[:364].mean()
    assert after / before < 0.95 * np.exp(0.2 * (91 + 364) / 365.25)


def test_typical_donors_leave_out_the_ones_that_moved_either_way() -> None:
    sizes = dict.fromkeys(["Data Entry", "Back-End Development", "Front-End Development"], 200.0)
    sizes.update({"Accounting & Bookkeeping": 200.0, "Web Design": 200.0, "Other": 200.0})
    wide = _wide({"Data Entry": -25.0, "Web Design": 30.0}, sizes, seed=3)
    w = Windows(date(2021, 12, 1), date(2022, 11, 29), date(2023, 3, 1), date(2024, 2, 27))
    pool = compute_donors(category_names(wide), "Other")
    kept = compute_typical_donors(wide, pool, w)
    assert len(kept) == 3 and not {"Data Entry", "Web Design"} & set(kept)


def test_kept_donors_count_the_same_whatever_their_size() -> None:
    """A large kept donor that moved (+20%) moves the control by a third of that beside two
    small flat ones, not by nearly all of it as their plain sum would."""
    sizes = {"Web Design": 2000.0, "Data Entry": 50.0, "Back-End Development": 50.0}
    wide = _wide({"Web Design": 20.0}, sizes, seed=5)
    w = Windows(date(2021, 12, 1), date(2022, 11, 29), date(2023, 3, 1), date(2024, 2, 27))
    control = compute_equal_weight_total(wide, tuple(sorted(sizes)), w)
    before = control.loc[pd.Timestamp(w.before_start) : pd.Timestamp(w.before_end)].sum()
    after = control.loc[pd.Timestamp(w.after_start) : pd.Timestamp(w.after_end)].sum()
    growth = np.exp(0.2 * (w.after_start - w.before_start).days / 365.25)
    assert after / before / growth == pytest.approx(1 + 0.20 / 3, abs=0.015)
    assert before == pytest.approx(
        wide.loc[: pd.Timestamp(w.before_end)].iloc[-364:].sum().drop(("all", "all")).sum(),
        rel=1e-9,
    )


def test_too_few_donors_fall_back_to_all_other_postings_and_say_so() -> None:
    wide = _wide({}, {"Writing": 100.0, "Translation": 100.0, "Web Design": 100.0}, seed=2)
    w = Windows(date(2021, 12, 1), date(2022, 11, 29), date(2023, 3, 1), date(2024, 2, 27))
    _control, named = compute_default_control(wide, ("category", "Web Design"), w)
    assert named.startswith("all other postings") and str(MIN_DONORS) in named
