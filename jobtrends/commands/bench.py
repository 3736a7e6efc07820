"""`jobtrends bench ...`: benchmarks that print numbers. Each area adds its subcommand to this
one group (bench_enrich.py, bench_ops.py, analytics.py, collect.py)."""

from __future__ import annotations

import click


@click.group()
def bench() -> None:
    """Benchmarks that print numbers (rates, seconds, peak memory) on this machine."""


COMMANDS = [bench]
