"""`jobtrends bench lake --postings N`: the lake merge and the plain-SQL analytics on DuckDB
and on Spark local[2] side by side, beside DuckDB over the single warehouse file. The bench
itself is analytics/evaluation/bench_lake.py; this command parses the options."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click


@click.command("lake")
@click.option(
    "--postings",
    type=click.IntRange(min=1000),
    multiple=True,
    default=[5_000_000],
    show_default=True,
    help="Postings to generate (each seen 1.5 times on average by 3 writers); repeat it "
    "for several sizes side by side in one run (--postings 5000000 --postings 20000000).",
)
@click.option("--spark/--no-spark", default=True, show_default=True, help="Also on Spark local[2].")
@click.option(
    "--keep",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Build the lake here and keep it (default: a temp folder, removed).",
)
def bench_lake(postings: tuple[int, ...], spark: bool, keep: Path | None) -> None:
    """Merge (from nothing, then one more run) and daily counts + 84-day MAs over N postings:
    DuckDB and Spark local[2] over the lake, and DuckDB over the single warehouse file."""
    from analytics.evaluation.bench_lake import run_lake_bench

    run_lake_bench(postings, spark, keep, datetime.now(UTC), click.echo)
