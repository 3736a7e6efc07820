"""The AI-app model cross-validation's parts (analytics/evaluation/ai_app_model_cv.py)."""

from __future__ import annotations

import numpy as np

from analytics.evaluation.ai_app_model_cv import (
    FOLDS,
    compute_features,
    compute_folds,
    compute_logistic_fit,
    compute_matrix,
)


def test_folds_spread_positives_evenly() -> None:
    y = np.array([1.0] * 20 + [0.0] * 180)
    folds = compute_folds(y, seed=0)
    assert sorted(set(folds)) == list(range(FOLDS))
    assert {int(y[folds == k].sum()) for k in range(FOLDS)} == {2}


def test_logistic_fit_recovers_a_planted_word() -> None:
    rng = np.random.default_rng(1)
    rows = [{f"w:{rng.integers(50)}", f"w:{rng.integers(50)}"} for _ in range(200)]
    y = np.array([float(i % 5 == 0) for i in range(200)])
    rows = [r | {"w:planted"} if label else r for r, label in zip(rows, y, strict=True)]
    x, vocabulary = compute_matrix(rows)
    w, b = compute_logistic_fit(x, y, c=10.0)
    probs = 1 / (1 + np.exp(-(x @ w + b)))
    assert probs[y == 1].min() > 0.5 > probs[y == 0].max()
    assert int(np.argmax(w)) == vocabulary["w:planted"]


def test_features_skip_the_footer_and_carry_the_pattern_votes() -> None:
    features, tagged, gate = compute_features(
        "Build an AI-powered tutor app\nFor kids.\nSkills: Machine Learning"
    )
    assert tagged and gate
    assert {"t:tutor", "b:tutor app", "v:ai_app_development"} <= features
    assert "w:skills" not in features and "v:machine_learning" not in features
    assert compute_features("Logo for a bakery\nVector files.")[2] is False
