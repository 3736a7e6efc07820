"""The persistent-error GLS: its likelihood equals statsmodels', and it widens with persistence."""

from __future__ import annotations

import numpy as np
import pytest

from analytics.trends.persistent import compute_filtered, compute_persistent_ols


def test_likelihood_matches_statsmodels_unobserved_components() -> None:
    from statsmodels.tsa.statespace.structural import UnobservedComponents

    rng = np.random.default_rng(3)
    n, phi, lam, s2 = 80, 0.8, 0.5, 0.02
    u = np.zeros(n)
    for t in range(1, n):
        u[t] = phi * u[t - 1] + rng.normal(0, np.sqrt(s2 * (1 - phi**2)))
    y = u + rng.normal(0, np.sqrt(lam * s2), n)
    white, logdet = compute_filtered(
        y[:, None], np.arange(n, dtype=float), np.array([phi]), np.array([lam])
    )
    ours = -0.5 * (n * np.log(2 * np.pi * s2) + logdet[0] + (white[0, :, 0] ** 2).sum() / s2)
    model = UnobservedComponents(y, irregular=True, autoregressive=1)
    # params: irregular variance, AR innovation variance, AR coefficient
    theirs = model.loglike(np.array([lam * s2, s2 * (1 - phi**2), phi]))
    assert ours == pytest.approx(theirs, rel=1e-8)


def test_interval_widens_with_persistence_and_covers() -> None:
    rng = np.random.default_rng(4)
    t = np.concatenate([np.arange(52), 65 + np.arange(52)]).astype(float)
    x = np.column_stack([np.ones(len(t)), (t >= 65).astype(float)])
    widths = {}
    for phi in (0.0, 0.95):
        u = np.zeros(118)
        for i in range(1, 118):
            u[i] = phi * u[i - 1] + rng.normal(0, 0.05 * np.sqrt(1 - phi**2))
        fit = compute_persistent_ols(u[t.astype(int)], x, t)
        low, high = fit.interval(1)
        widths[phi] = high - low
    assert widths[0.95] > 2 * widths[0.0]


def test_generators_draw_persistent_noise_with_the_stated_spread() -> None:
    import dataclasses
    from datetime import date

    from analytics.simulation.counts import compute_ar1_noise
    from analytics.simulation.plan import compute_expected, read_plan

    noise = compute_ar1_noise(20_000, 0.97, 0.05, np.random.default_rng(1), 2)
    assert noise.std() == pytest.approx(0.05, rel=0.15)
    assert np.corrcoef(noise[1:, 0], noise[:-1, 0])[0, 1] == pytest.approx(0.97, abs=0.01)
    for persistence, low, high in ((0.97, 0.9, 1.0), (0.0, -0.1, 0.1)):
        plan = dataclasses.replace(read_plan(), noise_persistence=persistence, effects=())
        _days, rates = compute_expected(
            date(2022, 1, 1), date(2023, 12, 31), plan, 1_000_000, np.random.default_rng(2)
        )
        relative = np.log(rates[:, 0] / rates[:, 1])  # the calendar cancels between streams
        lag1 = np.corrcoef(relative[1:], relative[:-1])[0, 1]
        assert low < lag1 < high, persistence
