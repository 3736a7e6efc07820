"""Validation on generated counts with planted effects: do did and its recover them?

For each seed, plant effects (synthetic.py), compute the deltas, and compare each method's
estimate and 95% interval with the planted volume change, for categories with at least
VALIDATION_MIN_DAILY postings a day. Also checks that `window` shows platform growth on an
untouched category while `share` and `did` do not.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from analytics.simulation.counts import (
    SyntheticSpec,
    compute_planted_effects,
    compute_synthetic_counts,
)
from analytics.trends.deltas import DeltaSettings, compute_event_deltas
from analytics.trends.windows import compute_wide_counts

VALIDATION_MIN_DAILY = 50.0  # the size floor: categories with >= 50 postings a day
TOLERANCE_PP = 3.0  # recovered within 3 percentage points of the planted effect
REQUIRED_COVERAGE = 0.90  # 95% intervals must cover the planted value in >= 90% of cases
VALIDATED_METHODS = ("did", "its", "share", "window")


def compute_seed_results(seed: int, settings: DeltaSettings) -> pd.DataFrame:
    """One row per (category, method) for one seed: planted, estimate, interval, daily size."""
    effects, ramps = compute_planted_effects(seed, settings.controls)
    spec = SyntheticSpec(effects_pct=effects, ramp_days=ramps)
    counts = compute_synthetic_counts(spec, seed)
    wide = compute_wide_counts(counts, spec.end)
    run = DeltaSettings(
        controls=settings.controls,
        window_days=settings.window_days,
        lag_days=settings.lag_days,
        methods=VALIDATED_METHODS,
        seed=seed,
    )
    deltas = compute_event_deltas(wide, event=spec.event, as_of=spec.end, settings=run)
    deltas = deltas[deltas["kind"] == "category"].copy()
    deltas["seed"] = seed
    deltas["planted_pct"] = deltas["subject"].map(effects).fillna(0.0)
    deltas["treated"] = deltas["subject"].isin(effects)
    deltas["no_effect"] = deltas["planted_pct"] == 0.0
    before_days = [(spec.event - d).days for d in deltas["before_start"]]
    deltas["daily"] = deltas["n_before"] / before_days
    return deltas[
        ["seed", "subject", "method", "planted_pct", "treated", "no_effect", "daily"]
        + ["estimate_pct", "ci_low_pct", "ci_high_pct"]
    ]


def compute_validation(seeds: Iterable[int], settings: DeltaSettings | None = None) -> pd.DataFrame:
    """All seeds' per-(category, method) results stacked."""
    settings = settings or DeltaSettings()
    return pd.concat([compute_seed_results(s, settings) for s in seeds], ignore_index=True)


def compute_coverage_table(results: pd.DataFrame) -> pd.DataFrame:
    """Per method, over (category, seed) cases with >= 50/day: error and interval coverage."""
    big = results[results["daily"] >= VALIDATION_MIN_DAILY].copy()
    big["error_pp"] = big["estimate_pct"] - big["planted_pct"]
    big["covered"] = (big["ci_low_pct"] <= big["planted_pct"]) & (
        big["planted_pct"] <= big["ci_high_pct"]
    )
    big["within"] = big["error_pp"].abs() <= TOLERANCE_PP
    table = big.groupby("method").agg(
        cases=("error_pp", "size"),
        mean_error_pp=("error_pp", "mean"),
        mean_abs_error_pp=("error_pp", lambda e: float(np.mean(np.abs(e)))),
        max_abs_error_pp=("error_pp", lambda e: float(np.max(np.abs(e)))),
        within_3pp=("within", "mean"),
        coverage_95=("covered", "mean"),
    )
    table["passes"] = (table["within_3pp"] >= REQUIRED_COVERAGE) & (
        table["coverage_95"] >= REQUIRED_COVERAGE
    )
    return table.reset_index()


def compute_growth_check(results: pd.DataFrame) -> pd.DataFrame:
    """Mean estimate per method on categories with no planted effect (platform growth only)."""
    quiet = results[results["no_effect"]]
    return quiet.groupby("method")["estimate_pct"].agg(["mean", "min", "max", "size"]).reset_index()
