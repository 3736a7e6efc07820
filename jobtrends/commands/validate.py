"""`jobtrends validate`: planted effects, the null mode under persistent noise, and placebo
dates on an imported real series. Each mode prints its numbers (--csv/--json: its tables
stacked, tables.echo_tables) and exits non-zero when a target is missed."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

import click

from jobtrends.app import AppContext, db_option
from jobtrends.commands.tables import echo_tables, table_format_options


@click.command()
@click.option("--seeds", default=20, show_default=True, help="How many generated worlds.")
@click.option(
    "--null",
    "null_mode",
    is_flag=True,
    help="No effect anywhere, AR(1) log-demand noise (sd 5%) at persistence 0, 0.9, 0.97, "
    "0.99: false positives, then coverage of planted effects and the power at each.",
)
@click.option(
    "--placebo-series",
    "placebo_series",
    default=None,
    help="Placebo dates before 2022-06 over every sector of this imported external series "
    "(e.g. indeed_postings_index, from `jobtrends import-series`) in --db.",
)
@click.option(
    "--simulator",
    is_flag=True,
    help="End to end: the real simulator writes a warehouse per seed, `analyze` measures it "
    "with the default controls (slow: about 2.5 min a seed at the default size).",
)
@click.option(
    "--draws",
    is_flag=True,
    help="With --simulator: no warehouse; each seed's daily counts are the simulator's own "
    "Poisson draws of its expected volumes (what the warehouse's counts are), analysed by "
    "the same methods: under a second a seed, for many seeds.",
)
@click.option(
    "--postings",
    default=2_000_000,
    show_default=True,
    help="With --simulator: postings per simulated warehouse (2021-11-01..2024-03-31).",
)
@table_format_options
@db_option
@click.pass_obj
def validate(
    app: AppContext,
    seeds: int,
    null_mode: bool,
    placebo_series: str | None,
    simulator: bool,
    draws: bool,
    postings: int,
    fmt: str,
) -> None:
    """Plant effects and show how well did/its recover them (and that share/did remove
    platform growth where window shows it). Exits non-zero when did/its miss the bar."""
    from analytics.simulation.validate_counts import (
        REQUIRED_COVERAGE,
        compute_coverage_table,
        compute_growth_check,
        compute_validation,
    )

    if draws and not simulator:
        raise click.UsageError("--draws goes with --simulator")
    if null_mode:
        _validate_null(seeds, fmt)
        return
    if placebo_series:
        _validate_placebo_series(app, placebo_series, fmt)
        return
    extra: dict[str, Any] = {}  # --json/--csv: tables beyond coverage and growth
    if simulator:
        from analytics.simulation.validate_warehouse import (
            compute_did_cases,
            compute_drawn_validation,
            compute_simulated_validation,
            compute_untouched_summary,
            render_default_control_check,
            render_untouched_summary,
        )

        if draws:
            results = compute_drawn_validation(range(1, seeds + 1), postings=postings)
        else:
            results = compute_simulated_validation(
                range(1, seeds + 1),
                postings=postings,
                now=datetime.now(UTC),
                on_seed=lambda seed, sec: click.echo(
                    f"seed {seed}: simulated in {sec:.0f} s", err=True
                ),
            )
        if fmt == "table":
            source = "drawn counts of" if draws else "simulated warehouses of"
            click.echo(f"{seeds} {source} {postings:,} postings (real simulator)")
            for line in render_default_control_check(results):
                click.echo(line)
            for line in render_untouched_summary(compute_did_cases(results)):
                click.echo(line)
        else:
            cases = compute_did_cases(results)
            extra = {"did_cases": cases, "untouched": compute_untouched_summary(cases)}
    else:
        results = compute_validation(range(seeds))  # its own untouched controls
        if fmt == "table":
            click.echo(f"{seeds} seeds of generated daily counts")
    table = compute_coverage_table(results)
    needed = table.set_index("method").loc[["did", "its"], "passes"]
    if fmt != "table":
        growth = compute_growth_check(results).rename(
            columns={"mean": "mean_pct", "min": "min_pct", "max": "max_pct", "size": "cases"}
        )
        echo_tables({"coverage": table, "growth": growth, **extra}, fmt)
        if not needed.all():
            raise click.ClickException(f"did/its below {REQUIRED_COVERAGE:.0%} coverage")
        return
    click.echo("(category, seed) cases with >= 50 postings/day")
    _echo_coverage(table)
    click.echo("no planted effect, platform growth (mean estimate %):")
    for r in compute_growth_check(results).itertuples():
        click.echo(
            f"  {r.method:8} {r.mean:+7.1f}  (min {r.min:+.1f}, max {r.max:+.1f}, n={r.size})"
        )
    if not needed.all():
        raise click.ClickException(f"did/its below {REQUIRED_COVERAGE:.0%} coverage")


def _echo_coverage(table: Any) -> None:
    click.echo(
        f"{'phi':>5} {'method':12} {'cases':>6} {'bias pp':>8} {'mean|err| pp':>13} "
        f"{'within 3pp':>11} {'95% cover':>10} {'excl. 0':>8} {'half-width pp':>14}"
    )
    for r in table.itertuples():
        phi = getattr(r, "phi", 0.0)
        click.echo(
            f"{phi:5.2f} {r.method:12} {r.cases:6d} {r.mean_error_pp:+8.2f} "
            f"{r.mean_abs_error_pp:13.2f} {r.within_3pp:11.1%} {r.coverage_95:10.1%} "
            f"{r.excludes_zero:8.1%} {r.half_width_pp:14.1f}"
        )


def _validate_null(seeds: int, fmt: str) -> None:
    from analytics.simulation.validate_counts import (
        MAX_FALSE_POSITIVE,
        NOISE_SD,
        POWER_DETECTED,
        REQUIRED_COVERAGE,
        compute_null_table,
        compute_planted_table,
        compute_power_table,
    )

    null = compute_null_table(range(seeds))
    planted = compute_planted_table(range(seeds))
    planted = planted[planted["method"].isin(["did", "its"])]
    power = compute_power_table(range(seeds))
    bad_null = null[null["method"].isin(["did", "its"])]["excludes_zero"] > MAX_FALSE_POSITIVE
    bad_cover = planted["coverage_95"] < REQUIRED_COVERAGE
    failed = "false positives above 7% or coverage below 90% somewhere"
    if fmt != "table":
        sized = {c: f"power_{c:g}pct" for c in power.columns if isinstance(c, float)}
        echo_tables({"null": null, "planted": planted, "power": power.rename(columns=sized)}, fmt)
        if bad_null.any() or bad_cover.any():
            raise click.ClickException(failed)
        return
    click.echo(f"{seeds} seeds x persistence 0, 0.9, 0.97, 0.99 (AR(1) log-demand, sd {NOISE_SD})")
    click.echo("no effect anywhere: share of 95% intervals excluding zero (target <= 7%)")
    _echo_coverage(null)
    click.echo("planted effects -35..+35%: coverage of the planted value (target >= 90%)")
    _echo_coverage(planted)
    click.echo("power: share of planted effects detected (interval excludes 0), by size")
    sizes = [c for c in power.columns if isinstance(c, float)]
    click.echo(
        f"{'phi':>5} {'method':8} "
        + " ".join(f"{s:>6.0f}%" for s in sizes)
        + f"  smallest detected {POWER_DETECTED:.0%}"
    )
    for r in power.to_dict("records"):
        smallest = r["power80_effect_pct"]
        click.echo(
            f"{r['phi']:5.2f} {r['method']:8} "
            + " ".join(f"{r[s]:7.0%}" for s in sizes)
            + f"  {'> 30' if math.isnan(smallest) else f'{smallest:.0f}'}%"
        )
    if bad_null.any() or bad_cover.any():
        raise click.ClickException(failed)


def _validate_placebo_series(app: AppContext, series: str, fmt: str) -> None:
    from analytics.simulation.validate_counts import MAX_FALSE_POSITIVE
    from analytics.simulation.validate_series import (
        PLACEBO_LAST,
        PLACEBO_WINDOW_DAYS,
        compute_calibrated,
        compute_series_placebos,
        read_series_frame,
    )
    from warehouse.db import open_warehouse

    with open_warehouse(app.core.db, read_only=True) as conn:
        wide = read_series_frame(conn, series)
    if wide.shape[1] < 2:
        raise click.ClickException(f"external series {series!r} has no sectors in {app.core.db}")
    result = compute_calibrated(compute_series_placebos(wide))
    table = result.groupby("method").agg(
        cases=("excludes_zero", "size"),
        excludes_zero=("excludes_zero", "mean"),
        calibrated_cases=("calibrated_excludes_zero", "count"),
        calibrated=("calibrated_excludes_zero", "mean"),
    )
    if fmt != "table":
        echo_tables({"placebo": table.reset_index()}, fmt)
        if (table["excludes_zero"] > MAX_FALSE_POSITIVE).any():
            raise click.ClickException("placebo false positives above 7%")
        return
    click.echo(
        f"{series}: {wide.shape[1] - 1} sectors, {result['placebo'].nunique()} placebo dates "
        f"before {PLACEBO_LAST}, windows {PLACEBO_WINDOW_DAYS} days a side"
    )
    for method, r in table.iterrows():
        click.echo(
            f"  {method:4} placebo-calibrated (leave-one-out, {int(r.calibrated_cases)} "
            f"placebos with >= 5 disjoint others): {float(r.calibrated):6.1%} exclude zero"
        )
    for method, r in table.iterrows():
        click.echo(
            f"  {method:4} {int(r.cases):5d} placebos, {r.excludes_zero:6.1%} of 95% "
            "intervals exclude zero (target <= 7%)"
        )
    if (table["excludes_zero"] > MAX_FALSE_POSITIVE).any():
        raise click.ClickException("placebo false positives above 7%")
