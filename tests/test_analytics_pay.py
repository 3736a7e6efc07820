"""Pay medians before/after: the mix-fixed median sees through a shifting sub-category mix."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from analytics.trends.pay_deltas import compute_pay_deltas, compute_weighted_median

EVENT = date(2022, 11, 30)
AS_OF = date(2024, 6, 1)


def rates(rng: np.random.Generator, start: str, end: str, mix: dict[str, int]) -> pd.DataFrame:
    """Writing postings: 'blog' pays ~$20/h, 'technical' ~$50/h, mix = postings per sub-category."""
    days = pd.date_range(start, end, freq="D")
    pay = {"blog": 20.0, "technical": 50.0}
    frames = [
        pd.DataFrame(
            {
                "date": rng.choice(days, n),
                "category": "Writing",
                "subcategory": sub,
                "usd_hourly": pay[sub] * rng.lognormal(0, 0.1, n),
            }
        )
        for sub, n in mix.items()
    ]
    return pd.concat(frames, ignore_index=True)


def test_mix_shift_moves_plain_median_but_not_mix_fixed() -> None:
    rng = np.random.default_rng(1)
    before = rates(rng, "2021-12-01", "2022-11-29", {"blog": 400, "technical": 600})
    after = rates(rng, "2023-03-01", "2024-02-27", {"blog": 700, "technical": 300})
    out = compute_pay_deltas(pd.concat([before, after]), event=EVENT, as_of=AS_OF)
    by = out.set_index("method")
    assert by.loc["median", "change_pct"] < -30  # a cheaper mix, no sub-category got cheaper
    assert abs(by.loc["median_mix_fixed", "change_pct"]) < 5
    assert by.loc["median_mix_fixed", "ci_low_pct"] < 0 < by.loc["median_mix_fixed", "ci_high_pct"]
    assert by.loc["median", "n_before"] == 1000


def test_too_few_rates_is_not_meaningful() -> None:
    rng = np.random.default_rng(2)
    pay = pd.concat(
        [
            rates(rng, "2021-12-01", "2022-11-29", {"blog": 10}),
            rates(rng, "2023-03-01", "2024-02-27", {"blog": 500}),
        ]
    )
    out = compute_pay_deltas(pay, event=EVENT, as_of=AS_OF)
    assert out["change_pct"].isna().all() and out["note"].str.startswith("not meaningful").all()


def test_weighted_median() -> None:
    values = np.array([1.0, 2.0, 3.0, 10.0])
    assert compute_weighted_median(values, np.array([1.0, 1.0, 1.0, 1.0])) == 2.0
    assert compute_weighted_median(values, np.array([0.0, 0.0, 1.0, 5.0])) == 10.0


def test_grid_rates_give_smooth_intervals_that_do_not_stop_at_zero() -> None:
    rng = np.random.default_rng(5)
    frames = []
    for start, end in (("2021-12-01", "2022-11-29"), ("2023-03-01", "2024-02-27")):
        frame = rates(rng, start, end, {"blog": 600})
        frame["usd_hourly"] = (
            np.round(frame["usd_hourly"] * 0.95) + np.round(frame["usd_hourly"] * 1.05)
        ) / 2
        frames.append(frame)  # mids of whole-dollar bounds: a $0.50 grid, as on Upwork
    out = compute_pay_deltas(pd.concat(frames), event=EVENT, as_of=AS_OF).set_index("method")
    for method in ("median", "median_mix_fixed"):
        low, high = out.loc[method, "ci_low_pct"], out.loc[method, "ci_high_pct"]
        assert low < 0 < high and 0.0 not in (low, high)
        assert out.loc[method, "median_before"] % 0.5 != 0  # interpolated, not a grid value


def test_mix_fixed_interval_reestimates_weights() -> None:
    rng = np.random.default_rng(6)
    before = rates(rng, "2021-12-01", "2022-11-29", {"blog": 60, "technical": 40})
    after = rates(rng, "2023-03-01", "2024-02-27", {"blog": 40, "technical": 60})
    out = compute_pay_deltas(pd.concat([before, after]), event=EVENT, as_of=AS_OF)
    fixed = out.set_index("method").loc["median_mix_fixed"]
    assert fixed["ci_low_pct"] < 0 < fixed["ci_high_pct"]
    assert fixed["ci_high_pct"] - fixed["ci_low_pct"] < 60
