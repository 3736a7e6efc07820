"""End to end on the real simulator: a small warehouse, analysed, recovers its planted effects."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from analytics.simulation.validate_warehouse import (
    compute_controls,
    compute_simulated_validation,
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
