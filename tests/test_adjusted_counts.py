"""Adjusted classify-and-count (issue 13): the solve, planted drops, refusals, the stored matrix."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from analytics.evaluation.bench_analyze import save_bulk_postings
from analytics.evaluation.shares import compute_planted_drops, compute_share_errors
from analytics.trends.adjusted import (
    MATRIX_PRIOR_PER_ROW,
    MAX_CHANGE_HALF_WIDTH_PP,
    MIN_ADJUSTED_POSTINGS,
    AdjustedInputs,
    ConfusionMatrix,
    compute_adjusted_deltas,
    compute_adjusted_shares,
    compute_bootstrap_matrices,
    compute_change_reason,
    compute_level_cv,
    compute_rates,
)
from analytics.trends.analyze import analyze_warehouse
from warehouse.confusion import (
    StoredConfusion,
    parse_confusion_json,
    read_confusion,
    read_confusion_file,
    save_confusion,
    write_confusion_file,
)

LABELS = ("A", "B", "Other")
# a damping tagger: A and B lose a third of their postings to Other, Other leaks into both
RATES = np.array([[0.60, 0.05, 0.35], [0.05, 0.55, 0.40], [0.04, 0.06, 0.90]])
COUNTS = np.rint(RATES * np.array([[4000], [4000], [8000]])).astype(int)
BEFORE = (date(2022, 1, 1), date(2022, 6, 29))
AFTER = (date(2023, 1, 1), date(2023, 6, 29))


def test_identity_matrix_gives_the_plain_shares() -> None:
    q = np.array([30.0, 50.0, 20.0])
    assert compute_adjusted_shares(np.eye(3), q) == pytest.approx(q / q.sum(), abs=1e-9)


def test_known_confusion_is_undone_exactly() -> None:
    p = np.array([0.2, 0.1, 0.7])
    q = RATES.T @ p  # what the tagger reports in expectation
    assert q[0] != pytest.approx(0.2, abs=0.01)  # the plain share is wrong ...
    assert compute_adjusted_shares(RATES, q) == pytest.approx(p, abs=1e-6)  # ... adjusted is not


def test_empty_row_is_identity_and_shares_stay_non_negative() -> None:
    rates = compute_rates(np.array([[3, 1], [0, 0]]))
    assert rates.tolist() == [[0.75, 0.25], [0.0, 1.0]]
    # tagged shares that no true shares can produce: the solve clips at zero, sums to one
    p = compute_adjusted_shares(RATES, np.array([0.0, 0.0, 1.0]))
    assert (p >= 0).all() and p.sum() == pytest.approx(1.0)


def test_matrix_draws_give_an_unseen_leak_a_chance_and_match_the_resample_where_full() -> None:
    counts = np.array([[40, 0, 10], [0, 0, 0], [5, 5, 4990]])
    draws = compute_bootstrap_matrices(counts, 4000, np.random.default_rng(3))
    assert draws.shape == (4000, 3, 3)
    assert np.allclose(draws.sum(axis=2), 1.0)
    assert (draws[:, 1] == [0.0, 1.0, 0.0]).all()  # a row without postings stays the identity
    # the A -> B cell was never seen: a multinomial resample keeps it at exactly 0, the
    # posterior draws it with mean prior / (row + 1) postings
    expected = (MATRIX_PRIOR_PER_ROW / 3) / (50 + MATRIX_PRIOR_PER_ROW)
    assert (draws[:, 0, 1] > 0).mean() > 0.5
    assert draws[:, 0, 1].mean() == pytest.approx(expected, rel=0.2)
    # a well-filled cell spreads as resampling would: sd of a binomial share
    recall = draws[:, 2, 2]
    assert recall.std() == pytest.approx(np.sqrt(0.998 * 0.002 / 5000), rel=0.15)


def simulate_tagged(
    days: pd.DatetimeIndex, daily: dict[str, float], rng: np.random.Generator
) -> pd.DataFrame:
    """Daily tagged counts: Poisson true postings, each tagged by a draw from its RATES row."""
    rows = []
    for _ in days:
        tagged = np.zeros(len(LABELS))
        for k, label in enumerate(LABELS):
            tagged += rng.multinomial(rng.poisson(daily[label]), RATES[k])
        rows.append(tagged)
    return pd.DataFrame(rows, index=days, columns=list(LABELS))


def build_inputs(drop: float, scale: float = 1.0, seed: int = 1) -> AdjustedInputs:
    rng = np.random.default_rng(seed)
    before = pd.date_range(*BEFORE, freq="D")
    after = pd.date_range(*AFTER, freq="D")
    base = {"A": 20.0 * scale, "B": 20.0 * scale, "Other": 160.0 * scale}
    moved = base | {"A": base["A"] * (1 - drop)}
    tagged = pd.concat([simulate_tagged(before, base, rng), simulate_tagged(after, moved, rng)])
    exact = pd.DataFrame(0.0, index=tagged.index, columns=list(LABELS))
    return AdjustedInputs(ConfusionMatrix(LABELS, COUNTS, "test"), tagged, exact)


def test_planted_drop_is_recovered_where_plain_counting_damps_it() -> None:
    inputs = build_inputs(drop=0.30)
    result = compute_adjusted_deltas(inputs, BEFORE, AFTER, seed=7)["A"]
    tagged = inputs.tagged
    plain = tagged.loc["2023"]["A"].sum() / tagged.loc["2022"]["A"].sum() - 1
    true_share_change = 100 * ((14 / 194) / (20 / 200) - 1)  # -30% count is -27.8% of share
    assert -22 < 100 * plain < -15  # classify-and-count reads about -19%: damped
    assert result["estimate_pct"] == pytest.approx(true_share_change, abs=3.0)
    assert result["ci_low_pct"] <= true_share_change <= result["ci_high_pct"]
    assert "confusion matrix test" in result["note"] and "STALE" not in result["note"]
    inputs.tags_version, inputs.cache = "enrich-9+new", {}
    stale = compute_adjusted_deltas(inputs, BEFORE, AFTER, seed=7)["A"]
    assert stale["estimate_pct"] == result["estimate_pct"]  # published, and flagged
    assert "STALE: the tags are enrich-9+new" in stale["note"]


def test_no_change_intervals_cover_zero_about_95_percent_of_the_time() -> None:
    # 30 unchanged markets: measured 28/30 for A and for B (nominal 95%)
    covered = 0
    for seed in range(30):
        result = compute_adjusted_deltas(build_inputs(0.0, seed=100 + seed), BEFORE, AFTER, seed)
        covered += sum(result[s]["ci_low_pct"] <= 0 <= result[s]["ci_high_pct"] for s in "AB")
    assert covered >= 52  # 60 intervals: fewer than 52 covering is < 1% likely at 95%


def test_small_window_is_refused_with_the_reason() -> None:
    inputs = build_inputs(drop=0.30, scale=0.1)  # ~3,600 tagged postings per window
    result = compute_adjusted_deltas(inputs, BEFORE, AFTER, seed=7)["A"]
    assert result["meaningful"] is False
    assert "window too small" in result["note"] and str(MIN_ADJUSTED_POSTINGS) in result["note"]


def test_unstable_matrix_is_refused_with_the_reason() -> None:
    # A and B are tagged almost the same way: the matrix cannot tell them apart
    rates = np.array([[0.5, 0.49, 0.01], [0.49, 0.5, 0.01], [0.0, 0.0, 1.0]])
    inputs = build_inputs(drop=0.30)
    shaky = ConfusionMatrix(LABELS, np.rint(rates * 4000).astype(int), "shaky")
    result = compute_adjusted_deltas(
        AdjustedInputs(shaky, inputs.tagged, inputs.exact), BEFORE, AFTER, seed=7
    )
    assert result["A"]["meaningful"] is False
    assert "condition number" in result["A"]["note"]


def test_change_too_uncertain_for_a_thin_row_is_refused_with_the_reason() -> None:
    # Other's matrix row rests on 200 labelled postings: its 4% leak into A, a third of what is
    # tagged A, is known to about +/-1.4 pp, so A's corrected level (the change's denominator)
    # is uncertain and the interval of A's planted -30% is wider than +/-15 pp: not sized.
    # B does not move, and a level error barely moves a zero change: B is published
    counts = np.rint(RATES * np.array([[4000], [4000], [200]])).astype(int)
    inputs = build_inputs(drop=0.30)
    thin = ConfusionMatrix(LABELS, counts, "thin")
    result = compute_adjusted_deltas(
        AdjustedInputs(thin, inputs.tagged, inputs.exact), BEFORE, AFTER, seed=7
    )
    assert result["A"]["meaningful"] is False
    assert "correction too uncertain for A" in result["A"]["note"]
    assert "interval of the change" in result["A"]["note"]
    assert "estimate_pct" in result["B"]
    assert result["B"]["ci_high_pct"] - result["B"]["ci_low_pct"] <= 2 * MAX_CHANGE_HALF_WIDTH_PP
    assert compute_change_reason("A", -38.0, -22.0) is None
    assert "-60% to -5%" in (compute_change_reason("A", -60.0, -5.0) or "")
    assert compute_change_reason("A", float("nan"), -5.0) is not None
    cv = compute_level_cv(np.array([[0.1, 0.0], [0.3, 0.0]]))
    assert cv[0] == pytest.approx(0.5) and cv[1] == np.inf


def test_share_errors_and_planted_drops_on_labelled_pairs() -> None:
    rng = np.random.default_rng(5)
    truths = list(rng.choice(LABELS, size=6000, p=[0.15, 0.1, 0.75]))
    index = {label: k for k, label in enumerate(LABELS)}
    predictions = [str(rng.choice(LABELS, p=RATES[index[t]])) for t in truths]
    matrix = ConfusionMatrix(LABELS, COUNTS)
    errors = compute_share_errors(truths, predictions, matrix, ("A", "B"))
    assert errors["share_mae_pp_adjusted"] < errors["share_mae_pp"]
    drops = compute_planted_drops(truths, predictions, matrix, ("A", "B"))
    for d in drops.values():
        assert abs(d["adjusted_pct"] - d["true_pct"]) < 3.0
        assert d["plain_pct"] > d["true_pct"] + 3.0  # damped
        # the full interval also redraws the scored and the removed postings: wider, and it
        # holds the truth where the matrix is right
        full, matrix_only = d["interval_pct"], d["matrix_interval_pct"]
        assert full[1] - full[0] > matrix_only[1] - matrix_only[0]
        assert d["covered"]


def test_matrix_file_and_table_round_trip(tmp_path: Path, conn: duckdb.DuckDBPyConnection) -> None:
    stored = StoredConfusion(LABELS, COUNTS.tolist(), "enrich-2+abc", "a.csv.gz (5-fold)")
    path = tmp_path / "m.json"
    write_confusion_file(stored, path)
    assert read_confusion_file(path) == stored
    assert read_confusion(conn) is None
    save_confusion(conn, stored, datetime(2024, 1, 1, tzinfo=UTC))
    save_confusion(conn, stored, datetime(2024, 1, 2, tzinfo=UTC))  # replaces, never appends
    assert read_confusion(conn) == stored
    rates = conn.execute(
        "SELECT rate FROM tagger_confusion_rates WHERE truth = 'A' AND predicted = 'A'"
    ).fetchone()
    assert rates is not None and rates[0] == pytest.approx(0.6)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "not a confusion matrix file"),
        ('{"tagger_version": "v", "labels": ["a", "b"], "counts": [[1, 2]]}', "2 x 2"),
        ('{"tagger_version": "v", "labels": ["a"], "counts": [[-1]]}', "negative"),
    ],
)
def test_malformed_matrix_file_names_the_file(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message) as info:
        parse_confusion_json(text, "data/m.json")
    assert "data/m.json" in str(info.value)


@pytest.mark.slow
def test_analysis_publishes_adjusted_beside_plain(conn: duckdb.DuckDBPyConnection) -> None:
    now, as_of, start = datetime(2024, 6, 1, 6, tzinfo=UTC), date(2024, 6, 1), date(2021, 6, 1)
    save_bulk_postings(conn, 0, 100_000, start, (as_of - start).days, now - timedelta(days=1))
    names = [
        r[0] for r in conn.execute("SELECT DISTINCT category FROM posting_categories").fetchall()
    ]
    labels = tuple(sorted(names))
    # a mild, well-conditioned tagger: 90% right, the rest spread evenly
    k = len(labels)
    counts = np.full((k, k), 10) + np.eye(k, dtype=int) * (900 - 10 * k)
    save_confusion(conn, StoredConfusion(labels, counts.tolist(), "bench", "test"), now)
    analyze_warehouse(conn, as_of=as_of, now=now, full=True)
    rows = conn.execute(
        "SELECT s.subject, s.estimate_pct, a.estimate_pct, a.ci_low_pct, a.ci_high_pct"
        " FROM event_deltas s JOIN event_deltas a USING (event_date, as_of, kind, subject)"
        " WHERE s.method = 'share' AND a.method = 'share_adjusted' AND a.meaningful"
    ).fetchall()
    assert len(rows) == k
    note = conn.execute(
        "SELECT any_value(note) FROM event_deltas WHERE method = 'share_adjusted' AND meaningful"
    ).fetchone()
    assert note is not None and "STALE: the tags are bench" not in note[0]  # same version
    # no category moved: every adjusted interval is finite and most cover zero
    assert sum(lo <= 0 <= hi for *_, lo, hi in rows) >= k - 2
    ma = conn.execute(
        "SELECT count(*), count(ma_share_adjusted), sum(ma_share_adjusted)"
        " FROM moving_averages_adjusted WHERE date = ?",
        [as_of - timedelta(days=1)],
    ).fetchone()
    assert ma is not None and ma[0] == k and ma[1] == k
    assert ma[2] == pytest.approx(1.0, abs=1e-6)
    skill = conn.execute(
        "SELECT bool_or(meaningful), any_value(note) FROM event_deltas"
        " WHERE method = 'share_adjusted' AND kind = 'ai_skill'"
    ).fetchone()
    assert skill == (False, "share_adjusted corrects categories only")
