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
from analytics.simulation.validate_counts import compute_coverage_table, compute_validation
from analytics.trends.deltas import DEFAULT_CONTROLS, DeltaSettings, compute_event_deltas
from analytics.trends.windows import compute_wide_counts, compute_windows

TOLERANCE_PP = 3.0


@pytest.fixture(scope="module")
def seed_7() -> tuple[pd.DataFrame, dict[str, float]]:
    effects, ramps = compute_planted_effects(7, DEFAULT_CONTROLS)
    spec = SyntheticSpec(effects_pct=effects, ramp_days=ramps)
    wide = compute_wide_counts(compute_synthetic_counts(spec, 7), spec.end)
    deltas = compute_event_deltas(wide, event=spec.event, as_of=spec.end, settings=DeltaSettings())
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
    untouched = [c for c, pct in effects.items() if pct == 0.0] + list(DEFAULT_CONTROLS)
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
    assert tiny["note"].str.contains("not meaningful: base of").all()
    assert (tiny["n_before"] < 30).all()


def test_windows_are_equal_and_clipped_to_data() -> None:
    w = compute_windows(date(2022, 6, 1), date(2023, 6, 1), date(2022, 11, 30))
    assert w is not None and w.days == (date(2023, 6, 1) - date(2023, 3, 1)).days
    assert (w.after_end - w.after_start).days + 1 == w.days
    assert compute_windows(date(2022, 11, 20), date(2023, 6, 1), date(2022, 11, 30)) is None


@pytest.mark.slow
def test_coverage_over_five_seeds() -> None:
    table = compute_coverage_table(compute_validation(range(5))).set_index("method")
    for method in ("did", "its"):
        assert table.loc[method, "coverage_95"] >= 0.85
        assert abs(table.loc[method, "mean_error_pp"]) < 1.0
