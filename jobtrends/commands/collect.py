"""`jobtrends collect` and `jobtrends feeds`: poll feeds once, store recorded files, show health."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from jobtrends.cli import AppContext
from jobtrends.commands.lake import LAKE_OPTION, SHARD_OPTION, run_lake_collect


def feed_specs(app: AppContext, feeds: Path | None) -> list:
    """The feed list: --feeds, else JOBTRENDS_FEEDS / config, else the bundled one."""
    from collector.feeds import FeedListError, read_feed_list

    try:
        return read_feed_list(feeds or app.core.feeds)
    except FeedListError as exc:
        raise click.UsageError(str(exc)) from exc


DB_OPTION = click.option(
    "--db",
    "db",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Warehouse file (overrides the global --db).",
)


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
@DB_OPTION
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
    db: Path | None,
    lake: Path | None,
    shard: str | None,
    paths: tuple[Path, ...],
) -> None:
    """Poll every due feed once (--once), or store recorded feed files (--from-file PATH...).

    Prints the summary: feeds ok / not modified / failed / gone, entries seen, new postings.
    """
    from collector.cycle import run_cycle, store_spool, write_file_spool

    if lake is not None or shard is not None:
        if lake is None or not once:
            raise click.UsageError("--lake DIR [--shard k/K] goes with --once (one lake cycle)")
        return run_lake_collect(lake, shard, feed_specs(app, feeds))
    db_path = db or app.core.db
    spool = db_path.parent / "spool"
    now = datetime.now(UTC)
    files = list(from_files) + list(paths)
    if files:
        write_file_spool(spool, files, now, source)
        summary = store_spool(
            db_path,
            spool,
            now,
            memory_limit=app.core.collect_memory_limit,
            retry_memory_limit=app.core.memory_limit,
        )
    elif once:
        summary = run_cycle(
            db_path,
            spool,
            feed_specs(app, feeds),
            now,
            memory_limit=app.core.collect_memory_limit,
            retry_memory_limit=app.core.memory_limit,
            contact=app.core.contact,
        )
    else:
        raise click.UsageError("say --once (poll once) or --from-file PATH; `serve` runs forever")
    click.echo(f"{db_path}: runs {summary.runs} {summary.render()}")


@click.command(name="feeds")
@DB_OPTION
@click.pass_obj
def feeds_command(app: AppContext, db: Path | None) -> None:
    """Feed health: state, failures, last success, last error, next poll, postings so far,
    their engagement mix, the share categorised by the site's own label (site_labelled) and
    the latest parse warning (parsed, nothing lost)."""
    from warehouse.db import open_warehouse
    from warehouse.feed_sources import (
        read_feed_sources,
        render_engagement_mix,
        render_site_share,
    )
    from warehouse.feed_state import read_feed_health

    def short(value: object) -> str:
        if isinstance(value, datetime):
            return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M")
        return "-" if value is None else str(value)

    with open_warehouse(db or app.core.db) as conn:
        rows = read_feed_health(conn)
        sources = read_feed_sources(conn)
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


COMMANDS = [collect, feeds_command]
