"""The shipped title model: it loads without ../shared, classifies clear titles, rebuilds
byte-identically, and the rules+model combination holds its floor on held-out titles."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from analytics.evaluation.categories import evaluate_categories
from analytics.evaluation.train_title_model import compute_title_model, main, read_training_titles
from analytics.tagging.categories import OTHER, read_taxonomy
from analytics.tagging.enrich import compute_chunk
from analytics.tagging.title_model import (
    CHAR_BLOCK_WEIGHT,
    MODEL_FILE,
    classify_titles,
    compute_feature_rows,
    compute_feature_values,
    compute_row_sums,
    compute_title_probabilities,
    compute_title_scores,
    parse_title_features,
    read_title_model,
    write_title_model,
)
from tests.conftest import LABELLED_HANDWRITTEN, LABELLED_REAL, write_real_labelled_sample

SAMPLE = LABELLED_HANDWRITTEN


def test_shipped_model_is_small_and_has_our_labels() -> None:
    model = read_title_model()
    assert model.labels == read_taxonomy().categories + (OTHER,)
    assert MODEL_FILE.stat().st_size < 2 * 1024 * 1024
    assert model.weights.shape == (len(model.vocabulary), len(model.labels))
    assert 0.0 < model.threshold < 1.0


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Logo for my bakery", "Graphic Design"),
        ("YouTube video editor", "Video Editing & Production"),
        ("Bookkeeper for QuickBooks Online", "Accounting & Bookkeeping"),
        ("Blog posts about travel", "Writing"),
        ("Cold calling appointment setter", "Sales & Business Development"),
        ("Customer support agent for email and chat", "Customer Service"),
        ("React developer", "Front-End Development"),
        ("Wix website redesign", "Web Design"),
    ],
)
def test_shipped_model_classifies_clear_titles(title: str, expected: str) -> None:
    (hit,) = classify_titles(read_title_model(), [title])
    assert hit is not None and hit[0] == expected


def test_model_abstains_on_a_title_with_no_known_word() -> None:
    (hit,) = classify_titles(read_title_model(), ["Zxqv plorb"])
    assert hit is None or hit[0] == OTHER


def test_enrichment_uses_the_model_only_where_no_rule_matches() -> None:
    rows = [
        (1, "Spanish to English", "", None, 2023),  # no rule word: the model decides
        (2, "Logo for my bakery", "", None, 2023),  # a rule match: rules decide
        (3, "Anything", "", "Video Editing", 2023),  # a platform label: the table decides
    ]
    by_id = {row[0]: row for row in compute_chunk(rows).categories}
    assert by_id[1][1:4] == ("Translation", None, "model")
    assert by_id[2][1] == "Graphic Design" and by_id[2][3] == "rules"
    assert by_id[3][1] == "Video Editing & Production" and by_id[3][3] == "platform"


def test_rebuild_is_deterministic(tmp_path: Path) -> None:
    first, second = tmp_path / "a.npz", tmp_path / "b.npz"
    main([str(SAMPLE), "--out", str(first)])
    main([str(SAMPLE), "--out", str(second)])
    assert first.read_bytes() == second.read_bytes()
    titles, truths = read_training_titles([SAMPLE])
    model = compute_title_model(titles, truths, read_taxonomy().categories + (OTHER,))
    write_title_model(model, second)
    assert first.read_bytes() == second.read_bytes()
    reread = read_title_model(first)
    assert classify_titles(reread, titles[:20]) == classify_titles(model, titles[:20])


@pytest.mark.slow
@pytest.mark.skipif(not LABELLED_REAL.exists(), reason=f"real data not present: {LABELLED_REAL}")
def test_held_out_floor_on_a_real_sample(tmp_path: Path) -> None:
    # The sample is drawn from 1_3_2023_general, which the shipped model now trains on (with
    # 1_1, issue 13): fit on 1_1 alone here so the sample stays held out. Measured 0.613 with
    # the model of 1_1 before the retrain (rules alone 0.605): a floor.
    titles, truths = read_training_titles([LABELLED_REAL.with_name("1_1_2023_general.csv.gz")])
    model = compute_title_model(titles, truths, read_taxonomy().categories + (OTHER,))
    report, frame = evaluate_categories([write_real_labelled_sample(tmp_path)], model=model)
    assert report.macro_f1 >= 0.60
    assert (frame["method"] == "model").sum() > 0


def test_batch_probabilities_equal_one_title_at_a_time() -> None:
    # the batch sums each title's weight rows as a segment; titles with no known feature
    # (empty, unknown words) sit between others and must not borrow a neighbour's rows
    model = read_title_model()
    titles = ["Logo for my bakery", "", "Zxqv plorb", "React developer", "!!!", "Blog posts"]
    batch = compute_title_probabilities(model, titles)
    for row, title in enumerate(titles):
        names = [f for f in parse_title_features(title) if f in model.vocabulary]
        scores = model.bias.astype(np.float64)
        # each block (words and pairs; character n-grams) has unit L2 norm on its own
        for block, scale in ((False, 1.0), (True, CHAR_BLOCK_WEIGHT)):
            ids = [model.vocabulary[f] for f in names if f.startswith("c:") == block]
            total = model.weights[ids].astype(np.float64).sum(axis=0)
            scores = scores + scale * total / np.sqrt(max(len(ids), 1))
        expected = np.exp(scores - scores.max())
        np.testing.assert_allclose(batch[row], expected / expected.sum(), rtol=1e-12)


def _reference_scores(values: np.ndarray, rows: np.ndarray, size: int) -> np.ndarray:
    """The sums as they were computed before compute_row_sums: np.add.at into float64."""
    scores = np.zeros((size, values.shape[1]), dtype=np.float64)
    np.add.at(scores, rows, values)
    return scores


def test_feature_rows_are_each_titles_distinct_features() -> None:
    # the per-token cache must give the set parse_title_features defines, title by title
    titles = ["Logo for my logo", "", "WordPress word press", "C++ dev, Node.js", "logo"]
    names = sorted({f for t in titles for f in parse_title_features(t)} | {"w:unseen"})
    vocabulary = {f: i for i, f in enumerate(names)}
    ids, offsets = compute_feature_rows(titles, vocabulary)
    for row, title in enumerate(titles):
        got = sorted(ids[offsets[row] : offsets[row + 1]].tolist())
        assert got == sorted(vocabulary[f] for f in parse_title_features(title))
    assert "c: wo" in parse_title_features("WordPress") and "c:me " in parse_title_features("me")


def test_row_sums_equal_add_at_to_the_last_bit() -> None:
    """bincount replaced np.add.at: same float64 sums, bit for bit (a rounding change could
    move a probability across the threshold), including empty rows at either end."""
    rng = np.random.default_rng(3)
    values = rng.normal(size=(500, 13)).astype(np.float32) * 1e3
    rows = np.sort(rng.integers(1, 90, size=500))
    assert np.array_equal(compute_row_sums(values, rows, 100), _reference_scores(values, rows, 100))
    empty = np.zeros((0, 13), dtype=np.float32)
    assert compute_row_sums(empty, np.zeros(0, dtype=np.int64), 4).shape == (4, 13)


def test_probabilities_on_labelled_titles_are_unchanged_by_row_sums() -> None:
    model = read_title_model()
    titles, _ = read_training_titles([SAMPLE])
    ids, offsets = compute_feature_rows(titles, model.vocabulary)
    rows = np.repeat(np.arange(len(titles)), np.diff(offsets))
    want = _reference_scores(model.weights[ids], rows, len(titles))
    assert np.array_equal(compute_row_sums(model.weights[ids], rows, len(titles)), want)
    assert compute_title_probabilities(model, titles).shape == (len(titles), len(model.labels))


def test_sparse_scores_equal_row_sums_to_the_last_bit() -> None:
    """The sparse product replaced gathering weight rows and bincount: same float64 sums, bit
    for bit, so no probability moves across the threshold and the tags stay identical."""
    model = read_title_model()
    titles, _ = read_training_titles([SAMPLE])
    titles += ["", "logo logo for my logo", "!!!", "Zxqv plorb"]
    ids, offsets = compute_feature_rows(titles, model.vocabulary)
    rows = np.repeat(np.arange(len(titles)), np.diff(offsets))
    values = compute_feature_values(ids, offsets, model.char_features)
    want = compute_row_sums(model.weights[ids] * values[:, None], rows, len(titles))
    assert np.array_equal(compute_title_scores(model, titles), want)
    assert compute_title_scores(model, []).shape == (0, len(model.labels))
