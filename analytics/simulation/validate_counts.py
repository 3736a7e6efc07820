"""Validation on generated counts: false positives, coverage and power under persistent noise.

For each seed and persistence phi, generate daily counts (counts.py) with an AR(1) log-demand
shock of stationary sd NOISE_SD, plant effects (or none: the null mode), compute the deltas,
and compare each method's estimate and 95% interval with the planted volume change, for
categories with at least VALIDATION_MIN_DAILY postings a day. The controls are the
generator's untouched categories (the statistics are tested here; the default control is
measured end to end on the study-like simulator, validate_warehouse.py).
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
MAX_FALSE_POSITIVE = 0.07  # with no effect, at most 7% of 95% intervals may exclude zero
VALIDATED_METHODS = ("did", "its", "share", "window")
INFERENCE_METHODS = ("did", "its", "its_placebo")  # the ones whose intervals are judged
VALIDATION_CONTROLS = ("Video Editing & Production", "Graphic Design", "Back-End Development")
PERSISTENCE = (0.0, 0.9, 0.97, 0.99)  # daily AR(1) of the log-demand shock
NOISE_SD = 0.05  # its stationary sd: 5%
POWER_EFFECTS_PCT = (2.0, 5.0, 10.0, 15.0, 20.0, 30.0)  # planted sizes for the power curve
POWER_DETECTED = 0.80  # the smallest effect detected this often is "the power"


def compute_seed_results(
    seed: int,
    settings: DeltaSettings,
    *,
    phi: float = 0.0,
    noise_sd: float = 0.0,
    effects: dict[str, float] | None = None,
    methods: tuple[str, ...] = VALIDATED_METHODS,
) -> pd.DataFrame:
    """One row per (category, method) for one seed: planted, estimate, interval, daily size.

    `effects` None plants the per-seed random effects; {} plants nothing (the null mode).
    """
    if effects is None:
        effects, ramps = compute_planted_effects(seed, settings.controls)
    else:
        ramps = dict.fromkeys(effects, 0)
    spec = SyntheticSpec(effects_pct=effects, ramp_days=ramps, noise_phi=phi, noise_sd=noise_sd)
    wide = compute_wide_counts(compute_synthetic_counts(spec, seed), spec.end)
    run = DeltaSettings(
        controls=settings.controls,
        window_days=settings.window_days,
        lag_days=settings.lag_days,
        methods=methods,
        seed=seed,
    )
    deltas = compute_event_deltas(wide, event=spec.event, as_of=spec.end, settings=run)
    deltas = deltas[deltas["kind"] == "category"].copy()
    deltas["seed"] = seed
    deltas["phi"] = phi
    placebo = deltas["method"] == "its_placebo"
    deltas["planted_pct"] = np.where(placebo, 0.0, deltas["subject"].map(effects).fillna(0.0))
    deltas["treated"] = deltas["subject"].isin(effects)
    deltas["no_effect"] = deltas["planted_pct"] == 0.0
    spans = zip(deltas["before_start"], deltas["before_end"], strict=True)
    before_days = [(b_end - b).days + 1 for b, b_end in spans]
    deltas["daily"] = deltas["n_before"] / before_days
    return deltas[
        ["seed", "phi", "subject", "method", "planted_pct", "treated", "no_effect", "daily"]
        + ["estimate_pct", "ci_low_pct", "ci_high_pct", "q_value"]
    ]


def compute_validation(
    seeds: Iterable[int],
    settings: DeltaSettings | None = None,
    *,
    phi: float = 0.0,
    noise_sd: float = 0.0,
) -> pd.DataFrame:
    """All seeds' per-(category, method) results stacked, planted random effects."""
    settings = settings or DeltaSettings(controls=VALIDATION_CONTROLS)
    return pd.concat(
        [compute_seed_results(s, settings, phi=phi, noise_sd=noise_sd) for s in seeds],
        ignore_index=True,
    )


def compute_coverage_table(results: pd.DataFrame) -> pd.DataFrame:
    """Per method (and phi), over cases with >= 50/day: error, coverage, false positives."""
    big = results[results["daily"] >= VALIDATION_MIN_DAILY].dropna(subset=["ci_low_pct"]).copy()
    big["error_pp"] = big["estimate_pct"] - big["planted_pct"]
    big["covered"] = (big["ci_low_pct"] <= big["planted_pct"]) & (
        big["planted_pct"] <= big["ci_high_pct"]
    )
    big["excludes_zero"] = (big["ci_low_pct"] > 0) | (big["ci_high_pct"] < 0)
    big["within"] = big["error_pp"].abs() <= TOLERANCE_PP
    keys = ["phi", "method"] if "phi" in big else ["method"]
    table = big.groupby(keys).agg(
        cases=("error_pp", "size"),
        mean_error_pp=("error_pp", "mean"),
        mean_abs_error_pp=("error_pp", lambda e: float(np.mean(np.abs(e)))),
        max_abs_error_pp=("error_pp", lambda e: float(np.max(np.abs(e)))),
        within_3pp=("within", "mean"),
        coverage_95=("covered", "mean"),
        excludes_zero=("excludes_zero", "mean"),
        half_width_pp=("ci_high_pct", "size"),
    )
    widths = (big["ci_high_pct"] - big["ci_low_pct"]) / 2
    table["half_width_pp"] = widths.groupby([big[k] for k in keys]).mean()
    table["passes"] = table["coverage_95"] >= REQUIRED_COVERAGE
    return table.reset_index()


def compute_null_table(seeds: Iterable[int], phis: Iterable[float] = PERSISTENCE) -> pd.DataFrame:
    """No effect anywhere: share of 95% intervals excluding zero per phi and method."""
    settings = DeltaSettings(controls=VALIDATION_CONTROLS)
    seeds = list(seeds)
    frames = [
        compute_seed_results(
            s, settings, phi=phi, noise_sd=NOISE_SD, effects={}, methods=INFERENCE_METHODS
        )
        for phi in phis
        for s in seeds
    ]
    table = compute_coverage_table(pd.concat(frames, ignore_index=True))
    table["passes"] = table["excludes_zero"] <= MAX_FALSE_POSITIVE
    return table


def compute_planted_table(
    seeds: Iterable[int], phis: Iterable[float] = PERSISTENCE
) -> pd.DataFrame:
    """Random planted effects (-35..+35%) per phi: bias and coverage of did and its."""
    seeds = list(seeds)
    frames = [compute_validation(seeds, phi=phi, noise_sd=NOISE_SD) for phi in phis]
    return compute_coverage_table(pd.concat(frames, ignore_index=True))


def compute_power_table(seeds: Iterable[int], phis: Iterable[float] = PERSISTENCE) -> pd.DataFrame:
    """Per phi and method: the share of planted effects of each size whose interval excludes
    zero, and the smallest size detected POWER_DETECTED of the time (NaN: none here)."""
    settings = DeltaSettings(controls=VALIDATION_CONTROLS)
    treated = [c for c in SyntheticSpec().base_daily if c not in VALIDATION_CONTROLS]
    seeds = list(seeds)
    rows = []
    for phi in phis:
        for size in POWER_EFFECTS_PCT:
            effects = {c: size * (1 if i % 2 else -1) for i, c in enumerate(treated)}
            frame = pd.concat(
                [
                    compute_seed_results(
                        s,
                        settings,
                        phi=phi,
                        noise_sd=NOISE_SD,
                        effects=effects,
                        methods=("did", "its"),
                    )
                    for s in seeds
                ],
                ignore_index=True,
            )
            frame = frame[(frame["daily"] >= VALIDATION_MIN_DAILY) & frame["treated"]]
            hit = (frame["ci_low_pct"] > 0) | (frame["ci_high_pct"] < 0)
            for method, detected in hit.groupby(frame["method"]):
                rows.append(
                    {"phi": phi, "method": method, "effect_pct": size, "detected": detected.mean()}
                )
    curve = pd.DataFrame(rows)
    smallest = (
        curve[curve["detected"] >= POWER_DETECTED]
        .groupby(["phi", "method"])["effect_pct"]
        .min()
        .rename("power80_effect_pct")
    )
    wide = curve.pivot_table(index=["phi", "method"], columns="effect_pct", values="detected")
    return wide.join(smallest).reset_index()


def compute_growth_check(results: pd.DataFrame) -> pd.DataFrame:
    """Mean estimate per method on categories with no planted effect (platform growth only)."""
    quiet = results[results["no_effect"]]
    return quiet.groupby("method")["estimate_pct"].agg(["mean", "min", "max", "size"]).reset_index()
