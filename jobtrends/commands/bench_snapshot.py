"""`jobtrends bench snapshot`: how long publishing the analysts' snapshot takes on a warehouse.

The snapshot is written in an older storage version (COPY FROM DATABASE into an attach with
STORAGE_VERSION) so 1.x clients open it; that rewrites every table, where the former plain
file copy did not. This prints both, on a scratch copy of the warehouse (the original is only
read).
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

import click

from jobtrends.commands.bench import bench


@bench.command("snapshot")
@click.argument("warehouse", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--repeat", default=3, show_default=True, help="Publishes to time (best is shown).")
def bench_snapshot(warehouse: Path, repeat: int) -> None:
    """Time publish_snapshot (storage v1.0.0 copy) against a plain file copy of WAREHOUSE."""
    from warehouse.db import connect
    from warehouse.snapshot import SNAPSHOT_STORAGE_VERSION, publish_snapshot

    with tempfile.TemporaryDirectory(dir=warehouse.parent) as scratch:
        live = Path(scratch) / "bench.duckdb"
        shutil.copyfile(warehouse, live)
        copies = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            shutil.copyfile(live, Path(scratch) / "plain.duckdb")
            copies.append(time.perf_counter() - t0)
        conn = connect(live)
        try:
            rows = conn.execute("SELECT count(*) FROM postings").fetchone()
            publishes = []
            for _ in range(repeat):
                t0 = time.perf_counter()
                snap = publish_snapshot(conn, live)
                publishes.append(time.perf_counter() - t0)
        finally:
            conn.close()
        size = live.stat().st_size / 1e6
        snap_size = snap.stat().st_size / 1e6
        click.echo(
            f"warehouse {warehouse.name}: {rows[0] if rows else 0:,} postings, {size:,.0f} MB"
        )
        click.echo(f"plain file copy:            best {min(copies):.2f} s of {repeat}")
        click.echo(
            f"publish_snapshot ({SNAPSHOT_STORAGE_VERSION}): best {min(publishes):.2f} s of "
            f"{repeat}, snapshot {snap_size:,.0f} MB"
        )


COMMANDS: list[click.Command] = []  # the subcommand hangs off `bench`
