"""Delta methods on generated counts with planted effects, recovered within stated tolerances."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from analytics.simulation.counts import (
    SyntheticSpec,
    compute_planted_effects,
    compute_synthetic_counts,
)
from analytics.simulation.validate_counts import (
    VALIDATION_CONTROLS,
    compute_coverage_table,
    compute_validation,
)
from analytics.trends.deltas import DeltaSettings, compute_event_deltas
from analytics.trends.windows import compute_wide_counts, compute_windows

TOLERANCE_PP = 3.0


@pytest.fixture(scope="module")
def seed_7() -> tuple[pd.DataFrame, dict[str, float]]:
    effects, ramps = compute_planted_effects(7, VALIDATION_CONTROLS)
    spec = SyntheticSpec(effects_pct=effects, ramp_days=ramps)
    wide = compute_wide_counts(compute_synthetic_counts(spec, 7), spec.end)
    settings = DeltaSettings(controls=VALIDATION_CONTROLS)
    deltas = compute_event_deltas(wide, event=spec.event, as_of=spec.end, settings=settings)
    return deltas, effects


def estimates(deltas: pd.DataFrame, method: str) -> pd.Series:
    rows = deltas[(deltas["method"] == method) & (deltas["kind"] == "category")]
    return rows.set_index("subject")["estimate_pct"]


@pytest.mark.parametrize("method", ["did", "its"])
def test_did_and_its_recover_planted_effects(seed_7, method: str) -> None:
    deltas, effects = seed_7
    got = estimates(deltas, method)
    for category, planted in effects.items():
        assert got[category] == pytest.approx(planted, abs=TOLERANCE_PP), category


def test_window_shows_platform_growth_but_share_and_did_do_not(seed_7) -> None:
    deltas, effects = seed_7
    untouched = [c for c, pct in effects.items() if pct == 0.0] + list(VALIDATION_CONTROLS)
    for category in untouched:
        assert estimates(deltas, "window")[category] > 20  # +25%/year platform growth
        assert abs(estimates(deltas, "did").get(category, 0.0)) < TOLERANCE_PP
    share = estimates(deltas, "share")
    assert all(abs(share[c]) < 10 for c in untouched)


def test_ma_endpoints_is_descriptive_without_interval(seed_7) -> None:
    deltas, _ = seed_7
    rows = deltas[deltas["method"] == "ma_endpoints"]
    assert rows["descriptive"].all() and rows["ci_low_pct"].isna().all()
    assert (rows["after_end"] == date(2024, 5, 31)).all()


def test_placebos_sit_before_the_event(seed_7) -> None:
    deltas, _ = seed_7
    placebo = deltas[deltas["method"] == "its_placebo"]
    assert len(placebo) == 2 * 13
    assert (placebo["after_end"] < date(2022, 11, 30)).all()


def test_small_base_is_not_meaningful() -> None:
    spec = SyntheticSpec(base_daily={"Writing": 300.0, "Translation": 0.05})
    wide = compute_wide_counts(compute_synthetic_counts(spec, 3), spec.end)
    deltas = compute_event_deltas(wide, event=spec.event, as_of=spec.end, settings=DeltaSettings())
    tiny = deltas[(deltas["subject"] == "Translation") & (deltas["method"] != "its_placebo")]
    assert (~tiny["meaningful"]).all() and tiny["estimate_pct"].isna().all()
    assert tiny["note"].str.contains("not meaningful: .* postings before", regex=True).all()
    assert (tiny["n_before"] < 30).all()


def test_windows_are_equal_and_clipped_to_data() -> None:
    w = compute_windows(date(2022, 6, 1), date(2023, 6, 1), date(2022, 11, 30))
    assert w is not None and w.days == 91  # 92 days available, whole weeks kept
    assert (w.after_end - w.after_start).days + 1 == w.days
    assert compute_windows(date(2022, 11, 20), date(2023, 6, 1), date(2022, 11, 30)) is None


@pytest.mark.slow
def test_coverage_over_five_seeds() -> None:
    table = compute_coverage_table(compute_validation(range(5))).set_index("method")
    for method in ("did", "its"):
        assert table.loc[method, "coverage_95"] >= 0.85
        assert abs(table.loc[method, "mean_error_pp"]) < 1.0


def test_placebo_whose_after_window_reaches_the_real_event_is_refused() -> None:
    spec = SyntheticSpec(effects_pct={"Writing": -30.0})
    wide = compute_wide_counts(compute_synthetic_counts(spec, 5), spec.end)
    settings = DeltaSettings(controls=VALIDATION_CONTROLS)
    fake = date(2022, 5, 31)  # after window 2022-08-30..2023-08-29 holds 2022-11-30
    deltas = compute_event_deltas(wide, event=fake, as_of=spec.end, settings=settings)
    rows = deltas[deltas["method"].isin(["did", "its", "window"])]
    assert (~rows["meaningful"]).all() and rows["estimate_pct"].isna().all()
    assert rows["note"].str.startswith("refused: the after window").all()
    early = compute_event_deltas(wide, event=date(2021, 6, 1), as_of=spec.end, settings=settings)
    # an earlier placebo date whose after window ends in time is measured, and reads ~0
    shorter = DeltaSettings(controls=VALIDATION_CONTROLS, window_days=182)
    early = compute_event_deltas(wide, event=date(2021, 12, 1), as_of=spec.end, settings=shorter)
    did = early[(early["method"] == "did") & (early["subject"] == "Writing")].iloc[0]
    assert did["meaningful"] and did["ci_low_pct"] < 0 < did["ci_high_pct"]


def test_analysis_stops_at_the_last_collected_day() -> None:
    spec = SyntheticSpec(effects_pct={})
    counts = compute_synthetic_counts(spec, 11)
    stopped = counts[counts["date"] < pd.Timestamp("2024-02-15")]  # the collector stopped
    settings = DeltaSettings(controls=VALIDATION_CONTROLS, methods=("ma_endpoints", "window"))
    wide = compute_wide_counts(stopped, date(2024, 3, 1))
    assert wide.index.max() == pd.Timestamp("2024-02-14")
    late = compute_event_deltas(wide, event=spec.event, as_of=date(2024, 3, 1), settings=settings)
    ma = late[(late["method"] == "ma_endpoints") & (late["subject"] == "Data Entry")].iloc[0]
    assert ma["after_end"] == date(2024, 2, 14)
    window = late[(late["method"] == "window") & (late["subject"] == "Data Entry")].iloc[0]
    assert window["after_end"] <= date(2024, 2, 14)


def test_gap_days_are_excluded_not_zero() -> None:
    spec = SyntheticSpec(effects_pct={})
    counts = compute_synthetic_counts(spec, 12)
    outage = counts["date"].between(pd.Timestamp("2023-06-01"), pd.Timestamp("2023-06-21"))
    wide = compute_wide_counts(counts[~outage], spec.end)
    assert wide.loc["2023-06-05"].isna().all()
    settings = DeltaSettings(controls=VALIDATION_CONTROLS, methods=("window", "did"))
    deltas = compute_event_deltas(wide, event=spec.event, as_of=spec.end, settings=settings)
    assert deltas["note"].str.contains("21 gap day\\(s\\) excluded: 2023-06-01..2023-06-21").all()
    window = deltas[(deltas["method"] == "window") & (deltas["kind"] == "category")]
    full = compute_event_deltas(
        compute_wide_counts(counts, spec.end), event=spec.event, as_of=spec.end, settings=settings
    )
    full_window = full[(full["method"] == "window") & (full["kind"] == "category")]
    # three missing weeks move a mean daily count by well under the 6% a zero-fill would
    gap = (
        window.set_index("subject")["estimate_pct"]
        - full_window.set_index("subject")["estimate_pct"]
    )
    assert gap.abs().max() < 2.0


def test_q_values_are_benjamini_hochberg_per_method(seed_7) -> None:
    from statsmodels.stats.multitest import fdrcorrection

    deltas, _ = seed_7
    did = deltas[deltas["method"] == "did"].dropna(subset=["p_value"])
    assert len(did) >= 10
    assert did["q_value"].to_numpy() == pytest.approx(fdrcorrection(did["p_value"])[1])
    assert (did["q_value"] >= did["p_value"]).all()
