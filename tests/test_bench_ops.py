"""The ops benchmarks still run (tiny sizes); their numbers are recorded in docs/scaling.md."""

from __future__ import annotations

from click.testing import CliRunner

from collector.bench_stages import STAGES
from jobtrends.cli import cli
from warehouse.benchmark import generate_entries


def test_generated_entries_are_distinct_and_realistic_in_size() -> None:
    entries = generate_entries(200, seed=1)
    assert len({e.link for e in entries}) == 200
    sizes = sorted(len(e.description or "") for e in entries)
    assert 600 < sizes[100] < 2500  # bytes of plain text, like an Upwork RSS entry
    assert all("Hourly Range: $" in (e.description or "") for e in entries)


def test_bench_commands_print_rates() -> None:
    runner = CliRunner()
    ingest = runner.invoke(
        cli, ["bench", "ingest", "--rows", "1000", "--chunk", "500", "--entries-rows", "100"]
    )
    assert ingest.exit_code == 0, ingest.output
    assert "save_batch bulk (new postings):      1,000 rows in" in ingest.output
    assert "GiB per million postings" in ingest.output
    aggregate = runner.invoke(cli, ["bench", "aggregate", "--rows", "1000", "--repeat", "1"])
    assert aggregate.exit_code == 0, aggregate.output
    assert aggregate.output.count("postings/s") == 4


def test_bench_collect_explains_where_the_cycle_cpu_went() -> None:
    # a real local server in a child process, a real warehouse: the stage line names every
    # stage with a number, and the stages add up to about what the cycle itself spent
    result = CliRunner().invoke(cli, ["bench", "collect", "--items", "1500", "--stages"])
    assert result.exit_code == 0, result.output
    summary, stages = result.output.strip().splitlines()
    assert summary.startswith("items=1500 cpu_overhead=")
    assert "cpu_overhead_vs_default=" in summary and "peak_rss=" in summary
    values = dict(part.split("=") for part in stages.removeprefix("stages cpu_s: ").split())
    assert list(values) == [*STAGES, "sum", "cycle"]
    numbers = {name: float(value) for name, value in values.items()}
    # measured directly (the others are differences of two timings, so noise can tip them)
    assert numbers["feedparser"] > 0 and numbers["fetch"] >= 0 and numbers["cycle"] > 0
    # each printed value is rounded to 0.01, so the printed parts and the printed sum can
    # differ by half a cent per stage plus half a cent for the sum (a fresh clone hit 0.02)
    assert abs(sum(numbers[s] for s in STAGES) - numbers["sum"]) <= 0.005 * (len(STAGES) + 1) + 1e-9


def test_stage_times_cover_every_stage_and_the_whole_chunk() -> None:
    from analytics.evaluation.bench_enrich import compute_stage_times, render_stage_times

    times = compute_stage_times(rows=150, repeat=1)
    stages = ("categories", "engagement", "skills", "pay", "title_model")
    assert all(times[s] > 0 for s in stages)
    assert times["sum"] == sum(times[s] for s in stages)
    assert times["compute_chunk"] > 0 and 0 < times["open_title_share"] < 1
    line = render_stage_times(times)
    assert line.startswith("cpu_us_per_posting: categories=") and "title_model=" in line


def test_bench_enrich_prints_stage_times_and_the_rate() -> None:
    result = CliRunner().invoke(cli, ["bench", "enrich", "--postings", "300", "--stages"])
    assert result.exit_code == 0, result.output
    assert "cpu_us_per_posting: " in result.output and "postings=300 " in result.output
