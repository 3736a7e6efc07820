"""End-to-end validation: the real simulator writes a warehouse, `analyze` measures it, and the
estimates are compared with the ground truth the simulator stored in simulation_effects.

Where validate.py checks the statistics on generated daily counts (fast, 20 seeds in seconds),
this runs the whole path an analyst's numbers take: postings -> tags -> daily counts -> deltas.
`compute_drawn_validation` skips the warehouse: each (day, category) count the analysis reads
is the simulator's own Poisson draw of that day's expected volume (tests/test_simulate.py
replays them), so drawing the counts alone gives the same distribution of every estimate in
a fraction of a second a seed: enough seeds to tell a bias of 0.5 pp from noise.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable
from datetime import date, datetime
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from analytics.simulation.plan import CATEGORIES as SIMULATED_CATEGORIES
from analytics.simulation.plan import Plan, compute_expected, read_plan
from analytics.simulation.postings import save_simulation
from analytics.simulation.validate_counts import VALIDATED_METHODS
from analytics.trends.analyze import analyze_warehouse
from analytics.trends.deltas import DeltaSettings, compute_event_deltas
from analytics.trends.events import CHATGPT_LAUNCH
from analytics.trends.windows import compute_wide_counts
from warehouse.db import open_warehouse
from warehouse.runs import recorded_run

# Both 364-day windows and the 91-day lag must fit around 2022-11-30:
# before = 2021-12-01..2022-11-29, after = 2023-03-01..2024-02-28.
VALIDATION_START = date(2021, 11, 1)
VALIDATION_END = date(2024, 3, 31)
VALIDATION_POSTINGS = 2_000_000  # about 2,300 a day: most categories clear 50 a day
ALL_CATEGORIES = tuple(c for c in SIMULATED_CATEGORIES if c != "Other")


def validation_effects_path() -> Path:
    return Path(str(resources.files("analytics.simulation").joinpath("validation_effects.toml")))


def compute_controls(effects_path: Path) -> tuple[str, ...]:
    """The categories the effects file leaves untouched: the DiD controls."""
    treated = {e.subject for e in read_plan(effects_path).effects if e.kind == "category"}
    return tuple(c for c in ALL_CATEGORIES if c not in treated)


def read_seed_results(conn: object, seed: int, event: date) -> pd.DataFrame:
    """The analysed category deltas of one simulated warehouse beside its planted truth."""
    frame = conn.execute(  # type: ignore[attr-defined]
        """
        SELECT d.subject, d.method, d.estimate_pct, d.ci_low_pct, d.ci_high_pct, d.n_before,
               date_diff('day', d.before_start, d.before_end) + 1 AS before_days,
               coalesce(t.volume_pct, 0.0) AS planted_pct, t.subject IS NOT NULL AS treated
        FROM a_event_deltas d
        LEFT JOIN simulation_effects t ON t.kind = 'category' AND t.subject = d.subject
        WHERE d.kind = 'category' AND d.event_date = ? AND d.subject <> 'Other'
          AND list_contains(?, d.method)
        """,
        [event, list(VALIDATED_METHODS)],
    ).df()
    return compute_seed_columns(frame, seed)


def compute_seed_columns(frame: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Add `seed`, `daily` (postings a day before) and `no_effect`: the columns both modes'
    frames (a warehouse's, drawn counts') carry for compute_did_cases."""
    frame["seed"] = seed
    frame["daily"] = frame["n_before"] / frame["before_days"]
    frame["no_effect"] = frame["planted_pct"] == 0.0
    return frame


def compute_simulated_validation(
    seeds: Iterable[int],
    *,
    postings: int,
    now: datetime,
    effects_path: Path | None = None,
    workdir: Path | None = None,
    on_seed: Callable[[int, float], None] | None = None,
) -> pd.DataFrame:
    """Simulate, analyse and compare, one throw-away warehouse per seed."""
    effects_path = effects_path or validation_effects_path()
    plan = read_plan(effects_path)
    settings = DeltaSettings(methods=VALIDATED_METHODS)  # the default control: typical donors
    frames = []
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        for seed in seeds:
            path = Path(tmp) / f"validate-{seed}.duckdb"
            with open_warehouse(path) as conn:
                with recorded_run(conn, "simulate", now, clock=lambda: now) as run:
                    result = save_simulation(
                        conn,
                        run.run_id,
                        plan,
                        start=VALIDATION_START,
                        end=VALIDATION_END,
                        postings=postings,
                        seed=seed,
                        now=now,
                    )
                    run.counts = {"entries_seen": result.postings, "postings_new": result.postings}
                analyze_warehouse(
                    conn,
                    as_of=VALIDATION_END,
                    now=now,
                    event_dates=(CHATGPT_LAUNCH,),
                    full=True,
                    settings=DeltaSettings(**{**settings.__dict__, "seed": seed}),
                    simulated=True,
                )
                frames.append(read_seed_results(conn, seed, CHATGPT_LAUNCH))
            path.unlink()
            if on_seed:
                on_seed(seed, result.seconds)
    return pd.concat(frames, ignore_index=True)


def compute_drawn_wide(plan: Plan, seed: int, postings: int) -> pd.DataFrame:
    """One seed's wide daily category counts (and 'all') as the simulator draws them: Poisson
    of the expected volumes, AI-skill streams counted in Other, as the warehouse stores them."""
    rng = np.random.default_rng(seed)
    days, expected = compute_expected(VALIDATION_START, VALIDATION_END, plan, postings, rng)
    drawn = rng.poisson(expected)
    n_cat = len(SIMULATED_CATEGORIES)
    categories = drawn[:, :n_cat].copy()
    categories[:, SIMULATED_CATEGORIES.index("Other")] += drawn[:, n_cat:].sum(axis=1)
    dates = np.repeat(pd.to_datetime(days), n_cat + 1)
    subjects = ["all", *SIMULATED_CATEGORIES] * len(days)
    counts = pd.DataFrame(
        {
            "date": dates,
            "kind": ["all", *["category"] * n_cat] * len(days),
            "subject": subjects,
            "n": np.column_stack([categories.sum(axis=1), categories]).ravel(),
        }
    )
    return compute_wide_counts(counts, VALIDATION_END)


def compute_drawn_validation(
    seeds: Iterable[int], *, postings: int, effects_path: Path | None = None
) -> pd.DataFrame:
    """compute_simulated_validation's frame from drawn counts (no warehouse, no text)."""
    plan = read_plan(effects_path or validation_effects_path())
    planted = {e.subject: e.volume_pct for e in plan.effects if e.kind == "category"}
    frames = []
    for seed in seeds:
        settings = DeltaSettings(methods=VALIDATED_METHODS, seed=seed)
        deltas = compute_event_deltas(
            compute_drawn_wide(plan, seed, postings),
            event=CHATGPT_LAUNCH,
            as_of=VALIDATION_END,
            settings=settings,
        )
        frame = deltas[(deltas["kind"] == "category") & (deltas["subject"] != "Other")].copy()
        frame["before_days"] = [
            (b - a).days + 1
            for a, b in zip(frame["before_start"], frame["before_end"], strict=True)
        ]
        frame["planted_pct"] = frame["subject"].map(planted).fillna(0.0)
        frame["treated"] = frame["subject"].isin(planted)
        frames.append(compute_seed_columns(frame, seed))
    return pd.concat(frames, ignore_index=True)


def render_default_control_check(results: pd.DataFrame) -> list[str]:
    """Lines: `did` with the default control against the planted truth, per category."""
    did = results[results["method"] == "did"]
    lines = ["did with the default control (typical donor categories), per category and seed:"]
    for r in did.sort_values(["planted_pct", "subject"]).itertuples():
        error = float(r.estimate_pct) - float(r.planted_pct)  # type: ignore[arg-type]
        lines.append(
            f"  {r.subject:30} planted {r.planted_pct:+6.1f}  did {r.estimate_pct:+6.1f}  "
            f"error {error:+5.1f} pp  [{r.ci_low_pct:+.1f}, {r.ci_high_pct:+.1f}]"
        )
    untouched = did[did["no_effect"]]
    treated = did[~did["no_effect"]]
    worst_untouched = float(untouched["estimate_pct"].abs().max())
    errors = treated["estimate_pct"].to_numpy(float) - treated["planted_pct"].to_numpy(float)
    worst_treated = float(abs(errors).max()) if len(errors) else float("nan")
    lines.append(
        f"untouched: max |did| {worst_untouched:.1f} pp (target <= 3); "
        f"treated: max |error| {worst_treated:.1f} pp (target <= 3)"
    )
    return lines


def compute_did_cases(results: pd.DataFrame) -> pd.DataFrame:
    """`did` with the default control, one row per (seed, category): error and coverage."""
    did = results[results["method"] == "did"].copy()
    did["error_pp"] = did["estimate_pct"] - did["planted_pct"]
    did["covers_planted"] = (did["ci_low_pct"] <= did["planted_pct"]) & (
        did["planted_pct"] <= did["ci_high_pct"]
    )
    columns = ["seed", "subject", "planted_pct", "estimate_pct", "ci_low_pct", "ci_high_pct"]
    return did[columns + ["error_pp", "covers_planted", "daily"]].sort_values(
        ["subject", "seed"], ignore_index=True
    )


def compute_untouched_summary(cases: pd.DataFrame) -> pd.DataFrame:
    """Per untouched category over seeds: the bias (mean `did`), its spread, and how often the
    95% interval covers zero. A mean within 3 pp with nominal coverage says the single-seed
    misses are sampling noise; a mean outside says the control is biased for that category."""
    untouched = cases[cases["planted_pct"] == 0.0]
    # the interval's own standard error, on the percent scale (half-width / 1.96)
    half = (untouched["ci_high_pct"] - untouched["ci_low_pct"]) / (2 * 1.959964)
    grouped = untouched.assign(model_se=half).groupby("subject")
    out = grouped.agg(
        cases=("estimate_pct", "size"),
        mean_pct=("estimate_pct", "mean"),
        sd_pct=("estimate_pct", "std"),
        min_pct=("estimate_pct", "min"),
        max_pct=("estimate_pct", "max"),
        model_se_pct=("model_se", "mean"),
        covers_zero=("covers_planted", "mean"),
        daily=("daily", "mean"),
    ).reset_index()
    out["se_of_mean_pp"] = out["sd_pct"] / out["cases"] ** 0.5
    return out


def render_untouched_summary(cases: pd.DataFrame) -> list[str]:
    """Lines: the untouched categories' bias and coverage of zero over the seeds."""
    summary = compute_untouched_summary(cases)
    untouched = cases[cases["planted_pct"] == 0.0]
    lines = [
        "untouched categories over seeds (bias = mean did; spread = sd across seeds; "
        "model se = the interval's own):"
    ]
    for r in summary.itertuples():
        lines.append(
            f"  {r.subject:30} {r.daily:6.0f}/day  mean {r.mean_pct:+5.2f}  "
            f"(se {r.se_of_mean_pp:.2f})  sd {r.sd_pct:4.2f}  model se {r.model_se_pct:4.2f}  "
            f"covers 0 {r.covers_zero:5.0%}  [{r.min_pct:+.2f}, {r.max_pct:+.2f}]"
        )
    worst = float(summary["mean_pct"].abs().max())
    lines.append(
        f"untouched: largest per-category bias {worst:.2f} pp (target <= 3); 95% intervals "
        f"cover zero in {untouched['covers_planted'].mean():.1%} of {len(untouched)} cases "
        "(nominal 95%)"
    )
    return lines
