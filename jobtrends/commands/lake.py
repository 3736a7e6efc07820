"""`jobtrends lake merge` and lake mode for `collect --once` / `serve` (--lake DIR --shard k/K):
K shard processes append raw runs to a Parquet lake (a folder, or s3://bucket/prefix); a
scheduled merge on DuckDB or Spark publishes deduplicated postings (warehouse/lake.py,
warehouse/lake_merge.py)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from jobtrends.app import AppContext
from jobtrends.commands.tables import echo_table, table_format_options


def _lake_url(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A lake folder or s3://bucket/prefix (s3a:// too); another scheme is a usage error."""
    from warehouse.lake_store import LakeStoreError, parse_lake_url

    if value is None:
        return None
    try:
        parse_lake_url(value)
    except LakeStoreError as exc:
        raise click.BadParameter(str(exc)) from exc
    return value


LAKE_HELP = "a folder, or an object store as s3://bucket/prefix"
LAKE_OPTION = click.option(
    "--lake",
    default=None,
    callback=_lake_url,
    metavar="DIR|URL",
    help=f"Lake mode: append raw runs to this lake ({LAKE_HELP}) instead of the warehouse.",
)
STATE_DIR_OPTION = click.option(
    "--state-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="With --lake: the local folder of the shard's feed-state file [default: DIR/state; "
    "needed for an s3:// lake, and rebuilt there from the lake's run markers if empty].",
)
SHARD_OPTION = click.option(
    "--shard",
    default=None,
    metavar="k/K",
    help="With --lake: be worker k of K (rendezvous hashing on the feed name).",
)


def _shard_feeds(specs: Sequence[Any], shard: str | None) -> tuple[int, int, list[Any]]:
    from collector.shards import ShardError, parse_shard, select_shard_feeds

    try:
        k, count = parse_shard(shard or "1/1")
    except ShardError as exc:
        raise click.UsageError(str(exc)) from exc
    return k, count, select_shard_feeds(specs, k, count)


SDK_LOGGERS = ("aiobotocore", "botocore", "s3fs")  # say at INFO where they found credentials


def _quiet_sdk_logs() -> None:
    """The AWS SDK's INFO lines (which credentials, which endpoint) on every command are
    noise in a shard's output; its warnings and errors still show."""
    import logging

    for name in SDK_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


def _open_lake(lake: str, state_dir: Path | None) -> tuple[Any, Path]:
    """The lake's store and the shard's local state folder (one clear line if neither
    works: an object store without --state-dir, s3fs missing)."""
    from warehouse.lake import STATE_DIR
    from warehouse.lake_store import LakeStoreError, open_lake

    _quiet_sdk_logs()
    try:
        store = open_lake(lake)
    except LakeStoreError as exc:
        raise click.UsageError(str(exc)) from exc
    if state_dir is None and not store.local:
        raise click.UsageError(
            f"--lake {lake}: an object-store lake needs --state-dir DIR, a local folder for "
            "the shard's feed-state file"
        )
    return store, state_dir or store.local_path(STATE_DIR)


def run_lake_collect(
    lake: str, shard: str | None, specs: Sequence[Any], state_dir: Path | None = None
) -> None:
    """`collect --once --lake DIR|URL --shard k/K`: one lake cycle of this shard's feeds."""
    from collector.lake_writer import run_lake_cycle

    k, count, mine = _shard_feeds(specs, shard)
    store, state = _open_lake(lake, state_dir)
    summary = run_lake_cycle(store, mine, k, count, datetime.now(UTC), state_dir=state)
    click.echo(f"{lake}: {summary.render()}")


def run_lake_serve(
    app: AppContext,
    config: Any,
    lake: str,
    shard: str | None,
    specs: Sequence[Any],
    state_dir: Path | None = None,
) -> None:
    """`serve --lake DIR|URL --shard k/K`: a lake cycle every interval until SIGTERM/SIGINT
    (no enrich/analyze/report here: those follow the merge)."""
    from collector.lake_writer import run_lake_cycle
    from jobtrends.service import Service, run_forever

    k, count, mine = _shard_feeds(specs, shard)
    store, state = _open_lake(lake, state_dir)

    def collect(now: datetime) -> str:
        return run_lake_cycle(store, mine, k, count, now, state_dir=state).render()

    sys.exit(run_forever(Service(app.core, config, collect=collect)))


def _tag_step(db: Path | None) -> Any:
    """The step after a merge: the postings the merge changed are tagged on the merge's
    engine by the project's tagger (analytics/tagging/lake_tags.py) into the version's tag
    tables. With --db the warehouse copy is also brought to the version and enriched there,
    as `enrich` does."""
    from warehouse.db import open_warehouse
    from warehouse.lake_merge import save_lake_postings

    def step(store: Any, manifest: dict[str, Any], engine: Any) -> None:
        from analytics.tagging.enrich import enrich_postings
        from analytics.tagging.lake_tags import write_lake_tags

        now = datetime.now(UTC)
        write_lake_tags(engine, store, manifest, now)
        if db is not None:
            with open_warehouse(db) as conn:
                save_lake_postings(conn, store, manifest, now)
                enrich_postings(conn, now=now)

    return step


@click.group()
def lake() -> None:
    """The Parquet lake of lake mode: merge the shards' raw runs into published postings."""


@lake.command("merge")
@click.option(
    "--lake",
    "lake_dir",
    required=True,
    callback=_lake_url,
    metavar="DIR|URL",
    help=f"The lake ({LAKE_HELP}).",
)
@click.option(
    "--engine",
    type=click.Choice(["duckdb", "spark"]),
    default="duckdb",
    show_default=True,
    help="Where the merge SQL runs.",
)
@click.option(
    "--spark-master",
    default="local[2]",
    show_default=True,
    help="Spark master URL (spark://host:7077 for a cluster).",
)
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also bring this warehouse's postings (and tags) to the merged version.",
)
@table_format_options
def lake_merge(lake_dir: str, engine: str, spark_master: str, db: Path | None, fmt: str) -> None:
    """Merge the raw runs committed since the watermark into a new version of postings,
    with save_batch's dedupe (same ids, times_seen, first_seen, feeds), rewriting only the
    months they touch, tag the changed postings on the same engine, and publish it
    atomically (_current.json). Prints the version, runs, rows, partitions and seconds
    (--csv/--json: one row with lake, version, engine, runs, raw_rows, postings, seconds,
    rewritten, partitions)."""
    from warehouse.lake import CURRENT_FILE, RUNS_DIR, LakeError
    from warehouse.lake_engine import EngineError, check_spark_object_store, open_engine
    from warehouse.lake_merge import merge_lake
    from warehouse.lake_store import LakeStoreError, open_lake

    _quiet_sdk_logs()
    try:
        store = open_lake(lake_dir)
        if not store.list_folders(RUNS_DIR) and not store.exists(CURRENT_FILE):
            raise click.UsageError(f"--lake {lake_dir}: no lake there (no _runs/ or _current.json)")
        if engine == "spark" and not store.local:
            check_spark_object_store(lake_dir)
        runner = open_engine(engine, spark_master=spark_master)
    except EngineError as exc:  # no Java, no pyspark, no s3a jars: one line, exit 1
        raise click.ClickException(str(exc)) from exc
    except (LakeStoreError, OSError) as exc:
        raise click.UsageError(str(exc)) from exc
    try:
        summary = merge_lake(store, runner, datetime.now(UTC), after_merge=_tag_step(db))
    except (LakeError, EngineError) as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        runner.close()
    if fmt != "table":
        import dataclasses

        import pandas as pd

        echo_table(pd.DataFrame([{"lake": str(lake_dir), **dataclasses.asdict(summary)}]), fmt)
        return
    click.echo(f"{lake_dir}: {summary.render()}")
