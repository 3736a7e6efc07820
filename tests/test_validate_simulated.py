"""End to end on the real simulator: a small warehouse, analysed, recovers its planted effects."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from analytics.simulation.validate_warehouse import (
    compute_controls,
    compute_did_cases,
    compute_drawn_validation,
    compute_simulated_validation,
    compute_untouched_summary,
    render_untouched_summary,
    validation_effects_path,
)


def test_controls_are_the_untreated_categories() -> None:
    controls = compute_controls(validation_effects_path())
    assert "Writing" not in controls and "Video Editing & Production" not in controls
    assert "Data Entry" in controls and len(controls) == 6


@pytest.mark.slow
def test_did_recovers_writing_and_video_from_a_simulated_warehouse(tmp_path: Path) -> None:
    results = compute_simulated_validation(
        [3], postings=250_000, now=datetime(2024, 4, 1, tzinfo=UTC), workdir=tmp_path
    )
    did = results[results["method"] == "did"].set_index("subject")
    # Writing -33% and Video +39% are the largest planted effects; ~20/day at this size,
    # so the tolerance is wider than the 3 pp bar validate applies at >= 50/day.
    assert did.loc["Writing", "estimate_pct"] == pytest.approx(-33.0, abs=6.0)
    assert did.loc["Video Editing & Production", "estimate_pct"] == pytest.approx(39.0, abs=9.0)
    quiet = results[(results["method"] == "window") & results["no_effect"]]
    assert quiet["estimate_pct"].mean() > 15.0  # window shows the +25%/year platform growth
    quiet_did = results[(results["method"] == "did") & results["no_effect"]]
    assert abs(quiet_did["estimate_pct"].mean()) < 5.0  # did removes it
    lines = render_untouched_summary(compute_did_cases(results))
    assert len(lines) == 2 + len(compute_controls(validation_effects_path()))
    assert lines[-1].startswith("untouched: largest per-category bias")


def test_drawn_counts_recover_the_planted_effects_without_a_warehouse() -> None:
    results = compute_drawn_validation([2], postings=500_000)
    did = results[results["method"] == "did"].set_index("subject")
    assert len(did) == 12 and "Other" not in did.index  # as read_seed_results
    assert did.loc["Writing", "planted_pct"] == -33.0 and not did.loc["Data Entry", "treated"]
    assert did.loc["Writing", "estimate_pct"] == pytest.approx(-33.0, abs=4.0)  # ~50 a day
    assert did.loc["Video Editing & Production", "estimate_pct"] == pytest.approx(39.0, abs=6.0)
    window = results[(results["method"] == "window") & results["no_effect"]]
    assert window["estimate_pct"].mean() > 15.0  # the +25%/year platform growth is drawn


def test_untouched_summary_tells_a_biased_category_from_a_noisy_one() -> None:
    import pandas as pd

    rows = []
    for seed, noise in enumerate([-2.0, 1.5, -1.0, 1.5]):
        for subject, shift in (("Noisy", 0.0), ("Biased", -5.0)):
            est = shift + noise
            rows.append(
                {"seed": seed, "subject": subject, "method": "did", "planted_pct": 0.0,
                 "estimate_pct": est, "ci_low_pct": est - 4.0, "ci_high_pct": est + 4.0,
                 "daily": 10.0}
            )  # fmt: skip
    rows.append(
        {"seed": 0, "subject": "Writing", "method": "did", "planted_pct": -33.0,
         "estimate_pct": -31.0, "ci_low_pct": -35.0, "ci_high_pct": -27.0, "daily": 90.0}
    )  # fmt: skip
    cases = compute_did_cases(pd.DataFrame(rows))
    assert cases.loc[cases["subject"] == "Writing", "error_pp"].item() == pytest.approx(2.0)
    summary = compute_untouched_summary(cases).set_index("subject")
    assert summary.loc["Noisy", "mean_pct"] == pytest.approx(0.0)
    assert summary.loc["Noisy", "covers_zero"] == 1.0
    assert summary.loc["Biased", "mean_pct"] == pytest.approx(-5.0)
    assert summary.loc["Biased", "covers_zero"] == 0.5  # -7 and -6 miss zero, -3.5 and -3.5 not
    assert summary.loc["Biased", "model_se_pct"] == pytest.approx(4.0 / 1.959964)
    assert "largest per-category bias 5.00 pp" in render_untouched_summary(cases)[-1]
