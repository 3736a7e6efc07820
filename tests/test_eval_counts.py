"""`jobtrends eval categories` counts section and `jobtrends eval confusion` (issue 13), on a
real DuckDB file and 400 real labelled titles split into a fit half and a score half."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from click.testing import CliRunner

from analytics.evaluation.categories import read_labelled
from analytics.evaluation.train_title_model import read_training_titles
from analytics.trends.adjusted import MAX_CONDITION
from jobtrends.cli import cli
from tests.conftest import LABELLED_HANDWRITTEN, LABELLED_REAL, write_real_labelled_sample
from warehouse.confusion import read_confusion, read_confusion_file
from warehouse.db import connect


@pytest.fixture
def halves(tmp_path: Path) -> tuple[Path, Path]:
    """400 real labelled titles split in two: fit on one half, score the other."""
    if not LABELLED_REAL.exists():
        pytest.skip(f"real data not present: {LABELLED_REAL}")
    sample = write_real_labelled_sample(tmp_path)
    frame = pd.read_csv(sample, dtype=str, keep_default_na=False)
    fit, score = tmp_path / "fit.csv", tmp_path / "score.csv"
    frame.iloc[::2].to_csv(fit, index=False)
    frame.iloc[1::2].to_csv(score, index=False)
    return fit, score


def test_eval_categories_json_keeps_the_contract_and_adds_share_errors(
    halves: tuple[Path, Path],
) -> None:
    fit, score = halves
    out = CliRunner().invoke(cli, ["eval", "categories", str(score), "--fit", str(fit), "--json"])
    assert out.exit_code == 0, out.output
    result = json.loads(out.output)
    assert {"macro_f1", "n", "per_category", "share_mae_pp", "share_mae_pp_adjusted"} <= set(result)
    assert result["n"] == len(read_labelled(score)) and result["in_sample"] == []
    assert 0 < result["share_mae_pp"] < 5 and result["share_mae_pp_adjusted"] >= 0
    # a matrix from 200 titles is too unstable to correct with (share_adjusted would refuse)
    assert result["matrix"]["condition"] > MAX_CONDITION
    assert "fitted here" in result["matrix"]["source"]
    drops = result["planted_drop"]
    assert drops and all(d["true_pct"] < -20 for d in drops.values())
    # a 200-title half gives rows of a few postings: the matrix refuses most categories
    assert result["planted_drop_refused"] >= 1


def test_shipped_matrix_scored_on_its_own_file_is_flagged_in_sample(tmp_path: Path) -> None:
    shipped = read_confusion_file(
        Path(__file__).parents[1] / "analytics" / "tagging" / "data" / "confusion_matrix.json"
    )
    assert "1_3_2023_general.csv.gz" in shipped.source
    copy = tmp_path / "1_3_2023_general.csv.gz"
    pd.read_csv(LABELLED_HANDWRITTEN, dtype=str).to_csv(copy, index=False, compression="gzip")
    out = CliRunner().invoke(cli, ["eval", "categories", str(copy)])
    assert out.exit_code == 0, out.output
    assert "WARNING: scored on 1_3_2023_general.csv.gz" in out.output
    assert "share MAE (pp): classify-and-count" in out.output


def test_eval_confusion_writes_the_file_and_refreshes_from_the_warehouse(
    halves: tuple[Path, Path], db_path: Path
) -> None:
    fit, _ = halves
    conn = connect(db_path)
    now = datetime(2024, 1, 1, tzinfo=UTC)
    rows = [(1, "Translate my book to Spanish", "Translation"), (2, "Logo", "Video Editing")]
    for pid, title, label in rows:
        conn.execute(
            "INSERT INTO postings (posting_id, dedupe_key, source, title, platform_category,"
            " first_seen, last_seen, times_seen, feeds, content_hash, first_run_id,"
            " last_run_id, is_simulated) VALUES (?, ?, 'upwork', ?, ?, ?, ?, 1, ['f'], 'h', 1,"
            " 1, false)",
            [pid, f"k{pid}", title, label, now, now],
        )
    conn.close()
    out_file = db_path.parent / "m.json"
    args = ["--db", str(db_path), "eval", "confusion", str(fit), "--out", str(out_file)]
    result = CliRunner().invoke(cli, [*args, "--warehouse"])
    assert result.exit_code == 0, result.output
    stored = read_confusion_file(out_file)
    total = sum(map(sum, stored.counts))
    assert total == len(read_training_titles([fit])[0]) + 2
    assert "2 warehouse postings" in stored.source
    check = duckdb.connect(str(db_path))
    assert read_confusion(check) == stored
    check.close()
    bad = CliRunner().invoke(cli, ["eval", "confusion", str(out_file), "--out", str(out_file)])
    assert bad.exit_code == 1 and f"{out_file}: not a labelled CSV" in bad.output
