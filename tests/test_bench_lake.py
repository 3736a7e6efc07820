"""`bench lake` still runs (tiny sizes, DuckDB only) and measures what docs/scaling.md says it
measures: two sizes side by side, a merge from nothing over every month, an incremental
merge that rewrites two partitions, and the checks of what was merged."""

from __future__ import annotations

from click.testing import CliRunner

from analytics.evaluation.bench_lake import RUNS, compute_run_time
from jobtrends.cli import cli


def test_run_times_step_by_month() -> None:
    times = [compute_run_time(r, 0) for r in range(RUNS + 1)]
    assert len({t.strftime("%Y-%m") for t in times}) == RUNS + 1
    assert compute_run_time(13, 2).isoformat() == "2025-02-01T00:00:02+00:00"


def test_bench_lake_prints_both_sizes_side_by_side() -> None:
    out = CliRunner().invoke(
        cli, ["bench", "lake", "--postings", "2400", "--postings", "4800", "--no-spark"]
    )
    assert out.exit_code == 0, out.output
    assert f"24 of {RUNS} partition(s) rewritten" in out.output
    assert "1 new run(s), 24 raw rows -> 2,412 postings, 2 of 25 partition(s)" in out.output
    assert "check: 4,824 postings, times_seen sum 7,248" in out.output  # 1.5 sightings each
    table = out.output[out.output.rindex("postings  step") :].splitlines()
    assert [line.split()[0] for line in table[1:]] == ["2,400"] * 4 + ["4,800"] * 4
