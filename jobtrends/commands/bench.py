"""`jobtrends bench ...`: benchmarks that print numbers. The code of each lives with its stage
(collector/benchmark.py, warehouse/benchmark.py, analytics/evaluation/bench_*.py); these
commands parse the options and print what it returns."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from jobtrends.app import AppContext
from jobtrends.commands.tables import echo_table, table_format_options


@click.group()
def bench() -> None:
    """Benchmarks that print numbers (rates, seconds, peak memory) on this machine."""


@bench.command(name="collect")
@click.option("--items", "n_items", type=int, default=10_000, show_default=True,
              help="Generated items, served in pages of 1,000.")  # fmt: skip
@click.option("--repeat", type=click.IntRange(min=1), default=1, show_default=True,
              help="Time feedparser and a cycle this many times in turn; print the "
                   "median run.")  # fmt: skip
@click.option("--stages", is_flag=True,
              help="Also replay the cycle's stages one at a time and print each one's CPU "
                   "seconds (fetch, feedparser, mapping, HTML-to-text, dedupe keys, Arrow "
                   "batch, DuckDB save, checkpoint).")  # fmt: skip
@click.pass_obj
def bench_collect(app: AppContext, n_items: int, repeat: int, stages: bool) -> None:
    """Serve N generated items from a local server and time one collection cycle against
    feedparser alone on the same bytes: the cycle's CPU seconds over feedparser's (the goal,
    at most 1.5x), wall seconds, peak RSS."""
    from collector.benchmark import run_collect_bench

    click.echo(
        run_collect_bench(
            n_items,
            memory_limit=app.core.collect_memory_limit,
            retry_memory_limit=app.core.memory_limit,
            repeat=repeat,
            stages=stages,
        )
    )


@bench.command(name="enrich")
@click.option("--postings", "n", default=100_000, show_default=True, help="Postings to tag.")
@click.option("--workers", default=2, show_default=True, help="Tagging processes.")
@click.option(
    "--duckdb-memory",
    default="256MB",
    show_default=True,
    help="DuckDB memory_limit: caps the cache of the generated table, so peak RSS shows "
    "what enrichment itself holds.",
)
@click.option(
    "--stages", is_flag=True,
    help="Also print the CPU microseconds per posting of each tagging stage (one process, "
    "best of 3 passes over one 10,000-posting chunk).",
)  # fmt: skip
def bench_enrich(n: int, workers: int, duckdb_memory: str, stages: bool) -> None:
    """Tag N synthetic copies of real postings (title + description) and print postings/s."""
    from analytics.evaluation.bench_enrich import (
        compute_stage_times,
        render_stage_times,
        run_enrich_bench,
    )

    if stages:
        click.echo(render_stage_times(compute_stage_times()))

    try:
        line = run_enrich_bench(n, workers, duckdb_memory, now=datetime.now(UTC))
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--duckdb-memory") from None
    click.echo(line)


@bench.command("ingest")
@click.option("--rows", type=click.IntRange(min=1000), default=200_000, show_default=True,
              help="Generated entries saved in bulk.")  # fmt: skip
@click.option("--chunk", type=click.IntRange(min=100), default=50_000, show_default=True,
              help="Entries per bulk transaction.")  # fmt: skip
@click.option("--entries-rows", type=click.IntRange(min=100), default=20_000, show_default=True,
              help="Entries saved 50 per call, as feed polls are.")  # fmt: skip
@click.option("--keep", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Keep the bench warehouse in this folder.")  # fmt: skip
def bench_ingest(rows: int, chunk: int, entries_rows: int, keep: Path | None) -> None:
    """Ingest rates: save_batch bulk (an import, `--chunk` rows per transaction), save_entries
    as the collector calls it (one 50-entry feed poll per call), a re-poll of known entries,
    and the warehouse file size per million postings.
    """
    from warehouse.benchmark import run_ingest_bench

    for line in run_ingest_bench(rows, chunk, entries_rows, keep, now=datetime.now(UTC)):
        click.echo(line)


@bench.command("aggregate")
@click.option("--rows", "sizes", type=click.IntRange(min=1000), multiple=True,
              default=(1_000_000, 5_000_000), show_default=True,
              help="Generated postings (repeatable).")  # fmt: skip
@click.option("--repeat", type=click.IntRange(min=1), default=3, show_default=True,
              help="Runs of each query; the best is printed.")  # fmt: skip
def bench_aggregate(sizes: tuple[int, ...], repeat: int) -> None:
    """Analyze rates: daily counts per category and their 84-day moving average over N
    generated postings, on the warehouse file and on its Parquet export (best of --repeat).
    """
    from warehouse.benchmark import run_aggregate_bench

    for line in run_aggregate_bench(sizes, repeat):
        click.echo(line)


@bench.command("analyze")
@click.option("--postings", default=5_000_000, show_default=True, help="Generated postings.")
@click.option(
    "--db",
    "path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Where to build the bench warehouse (default a temp file).",
)
def bench_analyze(postings: int, path: str | None) -> None:
    """Build an N-posting warehouse in bulk and time full and incremental `analyze`."""
    from analytics.evaluation.bench_analyze import run_bench

    for line in run_bench(postings, path, now=datetime.now(UTC)):
        click.echo(line)


@bench.command("faults")
@click.option("--only", default=None, help="Only the probes whose file name contains this.")
@table_format_options
def bench_faults(only: str | None, fmt: str) -> None:
    """Replay the issue-17 fault table (jobtrends/faults/cases/, one probe a file) against a
    local server, real files and real `jobtrends` processes: one line per probe with what was
    expected, what happened, PASS/FAIL, the process's peak RSS and seconds. Exit 1 on a FAIL.
    --csv/--json: one row per probe (probe, passed, what, expected, observed, rss_mb,
    seconds), printed when every probe has run."""
    from jobtrends.faults.replay import replay_all

    failed = 0
    rows = []
    for outcome in replay_all(only=only):
        if fmt == "table":
            click.echo(outcome.render())
        rows.append(
            {
                "probe": outcome.probe.name,
                "passed": outcome.passed,
                "what": outcome.probe.probe,
                "expected": outcome.probe.expected,
                "observed": outcome.observed,
                "rss_mb": round(outcome.rss_mb, 1),
                "seconds": round(outcome.seconds, 2),
            }
        )
        failed += not outcome.passed
    if fmt != "table":
        import pandas as pd

        echo_table(pd.DataFrame(rows, columns=["probe", "passed", "what", "expected", "observed",
                                               "rss_mb", "seconds"]), fmt)  # fmt: skip
    if failed:
        raise click.ClickException(f"{failed} probe(s) failed")
