"""`jobtrends lake merge` and lake mode for `collect --once` / `serve` (--lake DIR --shard k/K):
K shard processes append raw runs to a Parquet lake; a scheduled merge on DuckDB or Spark
publishes deduplicated postings (warehouse/lake.py, warehouse/lake_merge.py)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from jobtrends.app import AppContext
from jobtrends.commands.tables import echo_table, table_format_options

LAKE_OPTION = click.option(
    "--lake",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Lake mode: append raw runs to this lake folder instead of the warehouse.",
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


def run_lake_collect(lake: Path, shard: str | None, specs: Sequence[Any]) -> None:
    """`collect --once --lake DIR --shard k/K`: one lake cycle of this shard's feeds."""
    from collector.lake_writer import run_lake_cycle

    k, count, mine = _shard_feeds(specs, shard)
    summary = run_lake_cycle(lake, mine, k, count, datetime.now(UTC))
    click.echo(f"{lake}: {summary.render()}")


def run_lake_serve(
    app: AppContext, config: Any, lake: Path, shard: str | None, specs: Sequence[Any]
) -> None:
    """`serve --lake DIR --shard k/K`: a lake cycle every interval until SIGTERM/SIGINT
    (no enrich/analyze/report here: those follow the merge)."""
    from collector.lake_writer import run_lake_cycle
    from jobtrends.service import Service, run_forever

    k, count, mine = _shard_feeds(specs, shard)

    def collect(now: datetime) -> str:
        return run_lake_cycle(lake, mine, k, count, now).render()

    sys.exit(run_forever(Service(app.core, config, collect=collect)))


TAG_TABLES = ("posting_categories", "posting_ai_skills", "posting_pay", "posting_engagement")


def _tag_step(db: Path | None) -> Any:
    """The step after a merge: the versioned enrich (analytics/tagging) re-tags the postings
    the merge changed, and the version gets its tag tables. With --db the warehouse copy is
    brought to the version and enriched there (its tags are exported whole); without, the
    changed postings are tagged in a scratch warehouse and their tags replace theirs in the
    previous version's."""
    import tempfile

    from warehouse.db import open_warehouse
    from warehouse.lake_merge import save_lake_changed_postings, save_lake_postings

    def step(lake: Path, out: Path, manifest: dict[str, Any]) -> dict[str, list[str]]:
        from analytics.tagging.enrich import enrich_postings

        now = datetime.now(UTC)
        tables: dict[str, list[str]] = {}
        with tempfile.TemporaryDirectory(prefix="jobtrends-tags-") as scratch:
            whole = db is not None
            with open_warehouse(db or Path(scratch) / "tags.duckdb") as conn:
                if whole:
                    save_lake_postings(conn, lake, manifest, now)
                else:
                    save_lake_changed_postings(conn, lake, manifest)
                enrich_postings(conn, now=now)
                for table in TAG_TABLES:
                    target = out / table / "part-0.parquet"
                    target.parent.mkdir(parents=True, exist_ok=True)
                    previous = [] if whole else manifest["tables"].get(table, [])
                    write_version_tags(conn, table, target, [str(lake / f) for f in previous])
                    tables[table] = [str(target.relative_to(lake))]
        return tables

    return step


def write_version_tags(conn: Any, table: str, target: Path, previous: list[str]) -> None:
    """`table` of `conn` into `target`, plus the rows of `previous` (the last version's
    files) for the postings `conn` did not re-tag."""
    assert table in TAG_TABLES
    quoted = str(target).replace("'", "''")
    if previous:
        conn.register("_previous_tags", conn.read_parquet(previous))
        sql = (
            f"SELECT * FROM {table} UNION ALL BY NAME SELECT * FROM _previous_tags "  # noqa: S608
            f"WHERE posting_id NOT IN (SELECT posting_id FROM postings)"
        )
    else:
        sql = f"SELECT * FROM {table}"  # noqa: S608
    conn.execute(f"COPY ({sql}) TO '{quoted}' (FORMAT parquet)")
    if previous:
        conn.unregister("_previous_tags")


@click.group()
def lake() -> None:
    """The Parquet lake of lake mode: merge the shards' raw runs into published postings."""


@lake.command("merge")
@click.option(
    "--lake",
    "lake_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The lake folder.",
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
def lake_merge(lake_dir: Path, engine: str, spark_master: str, db: Path | None, fmt: str) -> None:
    """Merge the raw runs committed since the watermark into a new version of postings,
    with save_batch's dedupe (same ids, times_seen, first_seen, feeds), and publish it
    atomically (_current.json). Prints the version, runs, rows and seconds (--csv/--json:
    one row with lake, version, engine, runs, raw_rows, postings, seconds)."""
    from warehouse.lake import LakeError
    from warehouse.lake_engine import EngineError, open_engine
    from warehouse.lake_merge import merge_lake

    if not (lake_dir / "_runs").is_dir() and not (lake_dir / "_current.json").exists():
        raise click.UsageError(f"--lake {lake_dir}: no lake there (no _runs/ or _current.json)")
    try:
        runner = open_engine(engine, spark_master=spark_master)
    except EngineError as exc:
        raise click.UsageError(str(exc)) from exc
    try:
        summary = merge_lake(lake_dir, runner, datetime.now(UTC), after_merge=_tag_step(db))
    except LakeError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        runner.close()
    if fmt != "table":
        import dataclasses

        import pandas as pd

        echo_table(pd.DataFrame([{"lake": str(lake_dir), **dataclasses.asdict(summary)}]), fmt)
        return
    click.echo(f"{lake_dir}: {summary.render()}")
