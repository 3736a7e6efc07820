"""An analyst process: open a DuckDB file read-only, count postings, hold it, count again.

Usage: python tests/analyst_hold.py PATH SECONDS
"""

import sys
import time

import duckdb

conn = duckdb.connect(sys.argv[1], read_only=True)
print(conn.execute("SELECT count(*) FROM postings").fetchone()[0], flush=True)  # type: ignore[index]
time.sleep(float(sys.argv[2]))
print(conn.execute("SELECT count(*) FROM postings").fetchone()[0], flush=True)  # type: ignore[index]
