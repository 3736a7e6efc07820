"""Build the tagger's confusion matrix out of fold, and refresh it from warehouse postings.

    jobtrends eval confusion PATH...  # rebuild analytics/tagging/data/confusion_matrix.json
    jobtrends eval confusion PATH... --warehouse  # ... plus platform-labelled postings

Out of fold: the labelled titles are split in CONFUSION_FOLDS folds; each fold is tagged by
the rules and a title model trained on the other folds, so no posting is scored by a model
that saw it. That is what the shipped model (trained on all of them) does to postings it has
never seen. A warehouse posting that carries a platform label is scored from its title alone
(the label hidden) and compared with the mapped label: the same pairs, from today's market.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import duckdb
import numpy as np

from analytics.tagging.categories import (
    OTHER,
    apply_title_model,
    classify_text,
    map_platform_label,
    read_taxonomy,
)
from analytics.tagging.title_model import TitleModel
from analytics.trends.adjusted import ConfusionMatrix
from warehouse.confusion import StoredConfusion

CONFUSION_FOLDS = 5  # each fold's model sees 80% of the labelled titles, as the shipped one ~all
CONFUSION_SEED = 13


def compute_title_predictions(titles: Sequence[str], model: TitleModel) -> list[str]:
    """The title-only tagger: a rules match decides, else the model, else Other."""
    taxonomy = read_taxonomy()
    rules = [classify_text(t, None, taxonomy) for t in titles]
    return [tag.category for tag in apply_title_model(rules, list(titles), model)]


def compute_out_of_fold(titles: Sequence[str], truths: Sequence[str]) -> list[str]:
    """Each title's tag from a model trained on the other folds (rules unchanged)."""
    from analytics.evaluation.train_title_model import compute_title_model

    labels = read_taxonomy().categories + (OTHER,)
    fold = np.random.default_rng(CONFUSION_SEED).integers(0, CONFUSION_FOLDS, len(titles))
    predicted = [""] * len(titles)
    for k in range(CONFUSION_FOLDS):
        train = [int(i) for i in np.flatnonzero(fold != k)]
        test = [int(i) for i in np.flatnonzero(fold == k)]
        model = compute_title_model([titles[i] for i in train], [truths[i] for i in train], labels)
        tags = compute_title_predictions([titles[i] for i in test], model)
        for i, p in zip(test, tags, strict=True):
            predicted[i] = p
    return predicted


def compute_confusion(
    truths: Sequence[str], predictions: Sequence[str], tagger_version: str = ""
) -> ConfusionMatrix:
    """Counts per (truth, prediction) over the 12 categories and Other, in taxonomy order."""
    labels = read_taxonomy().categories + (OTHER,)
    index = {label: i for i, label in enumerate(labels)}
    counts = np.zeros((len(labels), len(labels)), dtype=np.int64)
    for (t, p), n in Counter(zip(truths, predictions, strict=True)).items():
        counts[index.get(t, index[OTHER]), index.get(p, index[OTHER])] += n
    return ConfusionMatrix(labels, counts, tagger_version)


def read_warehouse_pairs(conn: duckdb.DuckDBPyConnection) -> tuple[list[str], list[str]]:
    """(titles, mapped platform labels) of real warehouse postings that carry a label."""
    rows = conn.execute(
        "SELECT title, platform_category FROM postings"
        " WHERE NOT is_simulated AND platform_category IS NOT NULL AND title IS NOT NULL"
    ).fetchall()
    titles, truths = [], []
    for title, label in rows:
        mapped = map_platform_label(label)
        if mapped is not None:
            titles.append(str(title))
            truths.append(mapped)
    return titles, truths


def render_stored(matrix: ConfusionMatrix, source: str) -> StoredConfusion:
    """The matrix in its stored (file / table) form."""
    counts = [[int(v) for v in row] for row in matrix.counts]
    return StoredConfusion(matrix.labels, counts, matrix.tagger_version, source)


def render_sources(paths: Sequence[Path], warehouse_pairs: int) -> str:
    """'1_1_2023_general.csv.gz, 1_3_2023_general.csv.gz out of fold; 120 warehouse postings'."""
    text = ", ".join(p.name for p in paths) + f" ({CONFUSION_FOLDS}-fold out of fold)"
    if warehouse_pairs:
        text += f"; {warehouse_pairs} warehouse postings with a platform label"
    return text
