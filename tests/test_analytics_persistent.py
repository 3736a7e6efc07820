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
