"""The engines a lake job runs on: DuckDB (in process) and Apache Spark (local[N] here, a
cluster URL in production). Both take the same SQL, written in DuckDB's dialect; Spark's is
made from it by sqlglot, a maintained transpiler, not by string edits.

An engine registers Parquet files as named tables, fetches a query's rows, and writes a
query's result as Parquet files into a folder (or into hive partition folders under it,
`<column>=<value>/`, the partition column itself left out of the files).
"""

from __future__ import annotations

import shutil
import sys
import warnings
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from warehouse.lake_store import LakeStore

ENGINES = ("duckdb", "spark")
# A function from a query's rows to other rows, Arrow batch by batch (Spark's mapInArrow)
BatchMap = Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]
MAP_BATCH_ROWS = 10_000  # rows per batch a BatchMap gets on DuckDB (Spark's Arrow batch size)
SPARK_MASTER = "local[2]"  # this machine's two cores; a cluster is "spark://host:7077"


class EngineError(RuntimeError):
    """An engine that cannot start (no pyspark, no Java) or a query it refused."""


class Engine(Protocol):
    name: str

    def mount(self, store: LakeStore) -> None: ...
    def register(self, table: str, files: Sequence[str]) -> None: ...
    def fetch(self, sql: str) -> pd.DataFrame: ...
    def write(self, sql: str, folder: Path, partition_by: str | None = None) -> None: ...
    def write_mapped(self, sql: str, fn: BatchMap, schema: pa.Schema, folder: Path) -> None: ...
    def close(self) -> None: ...


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _is_utc_timezone_call(node: Any) -> bool:
    import sqlglot.expressions as exp

    if isinstance(node, exp.Anonymous) and str(node.this).lower() == "timezone":
        zone = node.expressions[0] if node.expressions else None
        return isinstance(zone, exp.Literal) and zone.this.upper() == "UTC"
    if isinstance(node, exp.ConvertTimezone | exp.AtTimeZone):
        zone = node.args.get("target_tz") or node.args.get("zone")
        return isinstance(zone, exp.Literal) and zone.this.upper() == "UTC"
    return False


def _is_array(node: Any) -> bool:
    import sqlglot.expressions as exp

    return isinstance(node, exp.Array) or (
        isinstance(node, exp.Cast) and node.to.is_type(exp.DataType.Type.ARRAY)
    )


def render_spark_sql(sql: str) -> str:
    """`sql` (DuckDB dialect) in Spark SQL's. Two fixes on sqlglot's tree: DuckDB's
    `timezone('UTC', ts)` (a UTC wall clock) is `ts` itself on a Spark session whose time
    zone is UTC, as ours is; `len(list)` is `size(list)`."""
    import sqlglot
    import sqlglot.expressions as exp

    def adapt(node: exp.Expression) -> exp.Expression:
        if _is_utc_timezone_call(node):
            args = node.expressions if isinstance(node, exp.Anonymous) else [node.this]
            return args[-1].copy()
        # DuckDB's len() of a list (`len(?::VARCHAR[])`) is Spark's size(), not length()
        if isinstance(node, exp.Length) and _is_array(node.this):
            return exp.ArraySize(this=node.this.copy())
        return node

    tree = sqlglot.parse_one(sql, read="duckdb").transform(adapt)
    return tree.sql(dialect="spark")


class DuckDBEngine:
    """DuckDB in this process (an in-memory database unless a connection is given)."""

    name = "duckdb"

    def __init__(self, conn: duckdb.DuckDBPyConnection | None = None, threads: int | None = None):
        self.conn = conn or duckdb.connect()
        if threads:
            self.conn.execute(f"SET threads = {int(threads)}")
        self.conn.execute("SET TimeZone = 'UTC'")

    def mount(self, store: LakeStore) -> None:
        """Read the store's s3:// URLs through its fsspec filesystem (DuckDB's httpfs
        extension is a download at first use, which this needs not)."""
        if not store.local and not self.conn.filesystem_is_registered(store.fs.protocol[0]):
            self.conn.register_filesystem(store.fs)

    def register(self, table: str, files: Sequence[str]) -> None:
        relation = self.conn.read_parquet(list(files), union_by_name=True, hive_partitioning=False)
        self.conn.register(table, relation)

    def fetch(self, sql: str) -> pd.DataFrame:
        return self.conn.execute(sql).df()

    def write(self, sql: str, folder: Path, partition_by: str | None = None) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        # `sql` is one of our constants, the target a quoted path, the column one of ours
        if partition_by:
            target = _sql_string(str(folder))
            options = f"FORMAT parquet, COMPRESSION zstd, PARTITION_BY ({partition_by})"
        else:
            target = _sql_string(str(folder / "part-0.parquet"))
            options = "FORMAT parquet, COMPRESSION zstd"
        self.conn.execute(f"COPY ({sql}) TO {target} ({options})")

    def write_mapped(self, sql: str, fn: BatchMap, schema: pa.Schema, folder: Path) -> None:
        """`fn` over the query's rows, MAP_BATCH_ROWS at a time in this process, into one
        Parquet file of `schema` in `folder`."""
        folder.mkdir(parents=True, exist_ok=True)
        reader = self.conn.sql(sql).to_arrow_reader(MAP_BATCH_ROWS)
        with pq.ParquetWriter(folder / "part-0.parquet", schema, compression="zstd") as out:
            for batch in fn(iter(reader)):
                out.write_batch(batch)

    def close(self) -> None:
        self.conn.close()


HADOOP_AWS_JAR = "hadoop-aws-*.jar"  # Spark's s3a:// file system, from Maven with the AWS SDK


def check_spark_object_store(url: str) -> None:
    """Refuse an object-store lake on Spark unless pyspark has the hadoop-aws jar (it is
    not in the PyPI wheel; `spark.jars.packages` fetches it from Maven Central)."""
    try:
        import pyspark
    except ImportError as exc:
        raise EngineError("the Spark engine needs pyspark: pip install -e '.[spark]'") from exc
    jars = Path(pyspark.__file__).parent / "jars"
    if not any(jars.glob(HADOOP_AWS_JAR)):
        raise EngineError(
            f"--lake {url}: Spark reads object stores through s3a://, which needs the "
            f"hadoop-aws and AWS SDK jars in {jars} (from Maven, not PyPI); "
            "use --engine duckdb, or a lake folder every executor mounts"
        )


def start_spark(master: str = SPARK_MASTER, memory: str = "2g") -> Any:
    """A SparkSession on `master` with UTC time, micro-second Parquet timestamps (what
    DuckDB and pyarrow read as TIMESTAMPTZ) and few shuffle partitions (small merges)."""
    if shutil.which("java") is None:
        raise EngineError("the Spark engine needs Java 17+ on PATH (`java -version`)")
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise EngineError("the Spark engine needs pyspark: pip install -e '.[spark]'") from exc
    session = (
        SparkSession.builder.master(master)
        .appName("jobtrends-lake")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.driver.memory", memory)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.sources.partitionColumnTypeInference.enabled", "false")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    # Python workers (mapInArrow) run this interpreter, with this environment's packages;
    # pyspark would take `python3` from PATH (its PYSPARK_PYTHON default)
    session.sparkContext.pythonExec = sys.executable
    return session


class SparkEngine:
    """Spark SQL over the same Parquet files (a session from start_spark, or given)."""

    name = "spark"

    def __init__(self, session: Any | None = None, master: str = SPARK_MASTER):
        self.session = session or start_spark(master)
        self._own = session is None

    def mount(self, store: LakeStore) -> None:
        """A lake in a folder (local, or one every executor mounts); an object store only
        with the hadoop-aws jars (check_spark_object_store)."""
        if not store.local:
            check_spark_object_store(store.url)

    def register(self, table: str, files: Sequence[str]) -> None:
        files = [f"s3a://{f[len('s3://') :]}" if f.startswith("s3://") else f for f in files]
        self.session.read.parquet(*files).createOrReplaceTempView(table)

    def fetch(self, sql: str) -> pd.DataFrame:
        # through Arrow: pyspark's own toPandas warns about the pandas it finds
        table = self.session.sql(render_spark_sql(sql)).toArrow()
        return table.to_pandas()

    def write(self, sql: str, folder: Path, partition_by: str | None = None) -> None:
        writer = self.session.sql(render_spark_sql(sql)).write.mode("errorifexists")
        if partition_by:
            writer = writer.partitionBy(partition_by)
        writer.option("compression", "zstd").parquet(str(folder))

    def write_mapped(self, sql: str, fn: BatchMap, schema: pa.Schema, folder: Path) -> None:
        """`fn` over the query's rows on the executors (mapInArrow: each task's rows in
        Arrow batches, to the same Python function), into Parquet files in `folder`."""
        from pyspark.sql.pandas.types import from_arrow_schema

        frame = self.session.sql(render_spark_sql(sql))
        with warnings.catch_warnings():
            # mapInArrow is built on pandas_udf, which warns of pandas >= 3; no pandas frame
            # is made on this path (Arrow batches in, Arrow batches out)
            warnings.filterwarnings("ignore", "PySpark does not yet fully support pandas")
            mapped = frame.mapInArrow(fn, schema=from_arrow_schema(schema))
        mapped.write.mode("errorifexists").option("compression", "zstd").parquet(str(folder))

    def close(self) -> None:
        if self._own:
            self.session.stop()


def open_engine(
    name: str, *, spark_session: Any | None = None, spark_master: str = SPARK_MASTER
) -> Engine:
    """The engine called `name` ('duckdb' | 'spark')."""
    if name == "duckdb":
        return DuckDBEngine()
    if name == "spark":
        return SparkEngine(spark_session, spark_master)
    raise EngineError(f"unknown engine {name!r}; expected one of {ENGINES}")
