"""`jobtrends collect` and `jobtrends feeds`: poll feeds once, store recorded files, show health."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from jobtrends.app import AppContext, db_option
from jobtrends.commands.lake import LAKE_OPTION, SHARD_OPTION, run_lake_collect
from jobtrends.commands.tables import echo_table, table_format_options


def feed_specs(app: AppContext, feeds: Path | None) -> list:
    """The feed list: --feeds, else JOBTRENDS_FEEDS / config, else the bundled one."""
    from collector.feeds import FeedListError, read_feed_list

    try:
        return read_feed_list(feeds or app.core.feeds)
    except FeedListError as exc:
        raise click.UsageError(str(exc)) from exc


@click.command()
@click.option("--once", is_flag=True, help="Poll every due feed once, store, and exit.")
@click.option(
    "--feeds",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="feeds.toml to use [env JOBTRENDS_FEEDS; default: the bundled list].",
)
@click.option(
    "--from-file",
    "from_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Store a recorded RSS/Atom file exactly as if fetched (repeatable).",
)
@click.option("--source", default=None, help="Site name for --from-file (default: from links).")
@db_option
@LAKE_OPTION
@SHARD_OPTION
@click.argument("paths", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_obj
def collect(
    app: AppContext,
    once: bool,
    feeds: Path | None,
    from_files: tuple[Path, ...],
    source: str | None,
    lake: Path | None,
    shard: str | None,
    paths: tuple[Path, ...],
) -> None:
    """Poll every due feed once (--once), or store recorded feed files (--from-file PATH...).

    Prints the summary: feeds ok / not modified / failed / gone (and why), entries seen, new
    postings. Exits 1 when feeds were due and every one failed.
    """
    from collector.cycle import CycleOptions, collect_files
    from jobtrends.service import utc_now
    from jobtrends.wiring import close_cycle, collect_once

    if lake is not None or shard is not None:
        if lake is None or not once:
            raise click.UsageError("--lake DIR [--shard k/K] goes with --once (one lake cycle)")
        return run_lake_collect(lake, shard, feed_specs(app, feeds))
    db_path = app.core.db
    now = datetime.now(UTC)
    files = list(from_files) + list(paths)
    if files:
        options = CycleOptions(
            memory_limit=app.core.collect_memory_limit, retry_memory_limit=app.core.memory_limit
        )
        summary = collect_files(db_path, files, now, source, options)
        result = close_cycle(app.core, summary, utc_now)
    elif once:
        result = collect_once(app.core, feed_specs(app, feeds), now, utc_now)
    else:
        raise click.UsageError("say --once (poll once) or --from-file PATH; `serve` runs forever")
    click.echo(f"{db_path}: runs {result.summary.runs} {result.render()}")
    if once and not files and not result.summary.runs:
        click.echo(
            "no feed was due: each waits its own interval and failing ones back off "
            "(`jobtrends feeds` shows next_poll)",
            err=True,
        )
    if result.all_failed:
        raise click.ClickException(f"every due feed failed: {result.render().split(' entries')[0]}")


FEEDS_LOCK_WAIT_SECONDS = 5.0  # then the (older) snapshot: a status command should not hang


@click.command(name="feeds")
@db_option
@table_format_options
@click.pass_obj
def feeds_command(app: AppContext, fmt: str) -> None:
    """Feed health: state, failures, last success, last error, next poll, postings so far,
    their engagement mix, the share categorised by the site's own label (site_labelled) and
    the latest parse warning (parsed, nothing lost).

    Reads the snapshot when it is as new as the live file (never waits for the collector),
    else the live file read-only; never creates or migrates a warehouse."""
    from warehouse.db import WarehouseLocked, check_exists, connect
    from warehouse.feed_sources import (
        read_feed_sources,
        render_engagement_mix,
        render_site_share,
    )
    from warehouse.feed_state import read_feed_health
    from warehouse.snapshot import freshest_readable, snapshot_path_for

    def short(value: object) -> str:
        if isinstance(value, datetime):
            return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M")
        return "-" if value is None else str(value)

    path = check_exists(freshest_readable(app.core.db))
    snapshot = snapshot_path_for(app.core.db)
    try:
        conn = connect(path, read_only=True, wait_seconds=FEEDS_LOCK_WAIT_SECONDS)
    except WarehouseLocked:
        if path == snapshot or not snapshot.exists():
            raise
        click.echo(
            f"{path} is locked by another process: showing the snapshot {snapshot}", err=True
        )
        conn = connect(snapshot, read_only=True)
    try:
        rows = read_feed_health(conn)
        sources = read_feed_sources(conn)
    finally:
        conn.close()
    if fmt != "table":
        import pandas as pd

        frame = pd.DataFrame(rows)
        for column, render in (
            ("engagement", render_engagement_mix),
            ("site_labelled", render_site_share),
        ):
            frame[column] = [render(sources.get(str(n), {})) for n in frame.get("name", [])]
        frame["warning"] = [
            sources.get(str(n), {}).get("last_warning") for n in frame.get("name", [])
        ]
        echo_table(frame, fmt)
        return
    header = ("feed", "health", "fails", "last_success", "next_poll", "postings", "engagement",
              "site_labelled", "last_error", "warning")  # fmt: skip
    table = [header] + [
        (
            short(r["name"]),
            short(r["health"]),
            short(r["failures"]),
            short(r["last_success_at"]),
            short(r["next_poll_at"]),
            short(r["postings"]),
            render_engagement_mix(sources.get(str(r["name"]), {})),
            render_site_share(sources.get(str(r["name"]), {})),
            short(r["last_error"])[:60],
            short(sources.get(str(r["name"]), {}).get("last_warning"))[:40],
        )
        for r in rows
    ]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for row in table:
        click.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
