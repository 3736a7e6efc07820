"""The OLS contrast with its variance from the chosen error model (analytics/trends/sandwich.py)."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from analytics.trends.persistent import ErrorModels, compute_persistent_ols
from analytics.trends.sandwich import compute_ols_variances, compute_persistent_contrast

# two windows of 10 weeks with an 11-week gap, as did's windows leave one
T = np.concatenate([np.arange(10), 21 + np.arange(10)]).astype(float)
X = np.column_stack([np.ones(len(T)), (T >= 21).astype(float)])


def explicit_covariance(model: ErrorModels, t: np.ndarray) -> np.ndarray:
    """V built from the state equations week by week (no filter), at the observed weeks."""
    rho, lam = float(model.persistence[0]), float(model.lam[0])
    weeks = int(t[-1] - t[0]) + 1
    if not model.integrated[0]:
        lag = np.abs(np.subtract.outer(t, t))
        return rho**lag + lam * np.eye(len(t))
    # (u, v): u_w = u_(w-1) + v_w, v_w = rho v_(w-1) + eta; u_0 = v_0 at its stationary variance
    step = np.array([[1.0, rho], [0.0, rho]])
    a = 1 / (1 - rho**2)
    cov_states = [np.array([[a, a], [a, a]])]
    for _ in range(1, weeks):
        p = cov_states[-1]
        cov_states.append(step @ p @ step.T + np.ones((2, 2)))
    v = np.empty((weeks, weeks))
    for i in range(weeks):
        ahead = np.eye(2)
        for j in range(i, weeks):
            v[j, i] = v[i, j] = (ahead @ cov_states[i])[0, 0]
            ahead = step @ ahead
    observed = (t - t[0]).astype(int)
    return v[np.ix_(observed, observed)] + lam * np.eye(len(t))


@pytest.mark.parametrize(
    ("rho", "lam", "integrated"), [(0.9, 0.4, False), (0.0, 0.15, True), (0.8, 1.0, True)]
)
def test_ols_variance_equals_the_explicit_sandwich(
    rho: float, lam: float, integrated: bool
) -> None:
    model = ErrorModels(np.array([rho]), np.array([lam]), np.array([integrated]))
    sigma = 0.03 * explicit_covariance(model, T)
    bread = np.linalg.inv(X.T @ X)
    expected = np.diagonal(bread @ X.T @ sigma @ X @ bread)
    ours = compute_ols_variances(X, T, model, np.array([0.03]))[0]
    assert ours[1] == pytest.approx(expected[1], rel=1e-9)
    # a level of any variance does not move the contrast: its weights sum to zero
    leveled = sigma + 5.0 * np.ones_like(sigma)
    assert np.diagonal(bread @ X.T @ leveled @ X @ bread)[1] == pytest.approx(expected[1], rel=1e-9)


def test_estimate_is_the_plain_before_after_contrast_of_a_ramp() -> None:
    rng = np.random.default_rng(5)
    walk = np.cumsum(rng.normal(0, 0.01, 31))[T.astype(int)]
    ramp = np.where(T >= 21, -0.4 * np.minimum((T - 15) / 10, 1.0), 0.0)  # ramps in
    y = walk + ramp
    fit = compute_persistent_contrast(y, X, T)
    contrast = y[T >= 21].mean() - y[T < 21].mean()
    assert fit.params[1] == pytest.approx(contrast, rel=1e-10)
    assert "OLS estimate" in fit.errors
    gls = compute_persistent_ols(y, X, T)
    # GLS under the drifting model it picks reads the weeks nearest the event: the ramp's start
    assert abs(gls.params[1]) < abs(fit.params[1])
    low, high = fit.interval(1)
    assert low < fit.params[1] < high


def test_did_reads_a_gradual_effect_at_its_window_contrast() -> None:
    from analytics.trends.did import compute_did
    from analytics.trends.windows import Windows

    rng = np.random.default_rng(6)
    days = pd.date_range("2021-01-01", "2024-03-31", freq="D")
    event = date(2022, 11, 30)
    since = np.clip((days - pd.Timestamp(event)).days.to_numpy() / 180, 0, 1)
    drift = np.cumsum(rng.normal(0, 0.004, len(days)))  # persistent relative demand
    subject = pd.Series(rng.poisson(400 * np.exp(drift - 0.4 * since)), index=days, dtype=float)
    control = pd.Series(rng.poisson(4000, len(days)), index=days, dtype=float)
    w = Windows(
        event - timedelta(days=364),
        event - timedelta(days=1),
        event + timedelta(days=91),
        event + timedelta(days=91 + 363),
    )
    out = compute_did(subject, control, w, event)
    before = slice(pd.Timestamp(w.before_start), pd.Timestamp(w.before_end))
    after = slice(pd.Timestamp(w.after_start), pd.Timestamp(w.after_end))
    weekly = [
        np.log(s[part].to_numpy()[: 52 * 7].reshape(52, 7).sum(1))
        for part in (before, after)
        for s in (subject, control)
    ]
    contrast = (weekly[2] - weekly[3]).mean() - (weekly[0] - weekly[1]).mean()
    assert out["estimate_pct"] == pytest.approx(100 * np.expm1(contrast), abs=1e-6)
    assert out["ci_low_pct"] < out["estimate_pct"] < out["ci_high_pct"]
