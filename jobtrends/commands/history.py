"""History commands: import archive files, import external series, simulate postings."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from jobtrends.app import AppContext, db_option

FORMAT_CHOICE = click.Choice(
    ["rss", "json", "jsonl", "csv", "parquet", "upwork-labeled-csv"], case_sensitive=False
)


@click.command("import")
@click.argument(
    "paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--format",
    "fmt",
    type=FORMAT_CHOICE,
    default=None,
    help="File format [default: sniffed from content].",
)
@click.option(
    "--map",
    "mapping",
    multiple=True,
    help="CSV/Parquet column FIELD=COLUMN; FIELD in guid, link, title, description, "
    "published_at, platform_category.",
)
@click.option("--source", default="upwork", show_default=True, help="Site the postings come from.")
@click.option(
    "--encoding",
    default=None,
    help="Text encoding of CSV/JSONL files [default: UTF-8; a byte that is not is refused, "
    "never replaced].",
)
@db_option
@click.pass_obj
def import_(
    app: AppContext,
    paths: tuple[Path, ...],
    fmt: str | None,
    mapping: tuple[str, ...],
    source: str,
    encoding: str | None,
) -> None:
    """Import archive files of postings (RSS/Atom, JSON/JSONL feed items, CSV, Parquet; gzip ok).

    Idempotent: a posting already in the warehouse is counted as a duplicate, not stored twice.
    Bad rows go to the rejects table with file and line. Exits 1 when a file could not be read
    to its end (damaged, not UTF-8 without --encoding, a --map column it lacks; the rows before
    the damage are kept) or nothing was usable.
    """
    from collector.import_formats import ImportFormatError
    from collector.import_tables import parse_mapping
    from collector.importer import import_file
    from warehouse.db import open_warehouse
    from warehouse.runs import recorded_run

    try:
        columns = parse_mapping(mapping)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    from jobtrends.commands.progress import progress_bar

    usable = rejected = stored = rows = 0
    failed_files = 0
    now = datetime.now(UTC)
    with (
        open_warehouse(app.core.db) as conn,
        recorded_run(conn, "import", now, clock=lambda: datetime.now(UTC)) as run,
    ):
        for path in paths:
            try:
                with progress_bar(path.name, path.stat().st_size, "B", unit_scale=True) as bar:

                    def progress(n: int, done: int, bar: Any = bar) -> None:
                        bar.set_postfix_str(f"{n:,} rows", refresh=False)
                        bar.update(max(0, done - bar.n))

                    s = import_file(
                        conn,
                        run.run_id,
                        path,
                        fmt.lower() if fmt else None,
                        now=now,
                        source=source,
                        mapping=columns,
                        on_progress=progress,
                        encoding=encoding,
                    )
            except ImportFormatError as exc:
                click.echo(f"error: {exc}", err=True)
                failed_files += 1
                if exc.partial is None:
                    continue
                s = exc.partial
                click.echo(f"{path}: kept the {s.rows_read:,} rows read before that", err=True)
            reasons = "; ".join(f"{v} x {k}" for k, v in sorted(s.reject_reasons.items()))
            click.echo(
                f"{path} [{s.format}]: rows read {s.rows_read:,}, stored {s.stored:,}, "
                f"duplicates {s.duplicates:,}, rejected {s.rejected:,}"
                + (f" ({reasons})" if reasons else "")
            )
            usable += s.usable
            rejected += s.rejected
            stored += s.stored
            rows += s.rows_read
        run.status = "ok" if not (failed_files or rejected) else ("partial" if usable else "failed")
        run.counts = {"entries_seen": rows, "postings_new": stored, "rejects": rejected}
    if len(paths) > 1:
        click.echo(
            f"total: rows read {rows:,}, stored {stored:,}, usable {usable:,}, "
            f"rejected {rejected:,}"
        )
    if usable == 0 or failed_files:
        sys.exit(1)


@click.command("import-series")
@click.argument(
    "paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@db_option
@click.pass_obj
def import_series(app: AppContext, paths: tuple[Path, ...]) -> None:
    """Import daily index series per sector (Indeed Hiring Lab job-postings index, CC BY 4.0;
    cite "Indeed Hiring Lab") into external_series. Idempotent (re-import replaces values)."""
    from collector.import_formats import ImportFormatError
    from collector.series import INDEED_LICENCE, INDEED_SOURCE, parse_indeed_series, save_series
    from warehouse.db import open_warehouse, transaction

    with open_warehouse(app.core.db) as conn:
        for path in paths:
            try:
                rows = parse_indeed_series(path)
            except ImportFormatError as exc:
                raise click.ClickException(str(exc)) from None
            with transaction(conn):
                n = save_series(
                    conn,
                    rows,
                    source=INDEED_SOURCE,
                    licence=INDEED_LICENCE,
                    imported_at=datetime.now(UTC),
                )
            sectors = len(set(rows["sector"].to_pylist()))
            click.echo(
                f"{path}: {n:,} daily values, {sectors} sector(s) "
                f"[{INDEED_LICENCE}, {INDEED_SOURCE}]"
            )


@click.command("simulate")
@click.option(
    "--postings",
    type=int,
    default=None,
    help="Postings to generate [default: effects file, 5,000,000].",
)
@click.option(
    "--start",
    type=click.DateTime(["%Y-%m-%d"]),
    default="2022-11-01",
    show_default=True,
    help="First posting date.",
)
@click.option(
    "--end",
    type=click.DateTime(["%Y-%m-%d"]),
    default="2024-02-14",
    show_default=True,
    help="Last posting date.",
)
@click.option(
    "--effects",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Planted effects TOML [default: analytics/simulation/effects.toml].",
)
@click.option("--seed", type=int, default=1, show_default=True, help="Random seed.")
@click.option(
    "--pretag/--no-pretag",
    default=True,
    show_default=True,
    help="Also write category, AI-skill and pay tags (rules_version 'simulated').",
)
@db_option
@click.pass_obj
def simulate(
    app: AppContext,
    postings: int | None,
    start: datetime,
    end: datetime,
    effects: Path | None,
    seed: int,
    pretag: bool,
) -> None:
    """Write realistic simulated postings (is_simulated, source 'simulated') with planted
    effects, and the planted ground truth into simulation_effects. Reproducible by --seed."""
    from analytics.simulation.plan import read_plan
    from analytics.simulation.postings import read_seed_run, save_simulation
    from jobtrends.commands.progress import make_count_callback, progress_bar
    from warehouse.db import open_warehouse
    from warehouse.runs import recorded_run

    plan = read_plan(effects)
    target = postings if postings is not None else plan.postings
    with open_warehouse(app.core.db) as conn, progress_bar("simulate", target, "postings") as bar:
        earlier = read_seed_run(conn, seed)
        if earlier is not None:
            # same seed, same posting ids: they would collide with the stored ones
            raise click.ClickException(
                f"seed {seed} is already in {app.core.db} (simulation run {earlier}): "
                "use another --seed, or a fresh --db"
            )
        now = datetime.now(UTC)
        with recorded_run(conn, "simulate", now, clock=lambda: datetime.now(UTC)) as run:
            result = save_simulation(
                conn,
                run.run_id,
                plan,
                start=start.date(),
                end=end.date(),
                postings=target,
                seed=seed,
                now=now,
                pretag=pretag,
                on_progress=make_count_callback(bar),
            )
            run.counts = {"entries_seen": result.postings, "postings_new": result.postings}
            run.note = f"seed {seed}"
        run_id = run.run_id
    click.echo(
        f"simulated {result.postings:,} postings {start.date()}..{end.date()} "
        f"(seed {seed}, run {run_id}) in {result.seconds:.1f} s: "
        f"{result.rows_per_second:,.0f} rows/s; {len(plan.effects)} planted effects"
    )
