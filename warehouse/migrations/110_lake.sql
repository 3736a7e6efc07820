-- Lake mode (issue 16). A shard's own small state file (DIR/state/shard-k-of-K.duckdb) holds
-- feeds/feed_state/fetch_log as usual plus lake_runs: the runs whose feed outcomes it has
-- applied, so a run committed to the lake just before a crash is applied at the next start
-- instead of being fetched (and counted) again.
CREATE TABLE lake_runs (
    writer      VARCHAR NOT NULL,       -- 'shard-2-of-3'
    run         VARCHAR NOT NULL,       -- '20261201T174500123456Z-a1b2c3' (sorts by start)
    run_id      BIGINT NOT NULL,        -- start in us * 1000 + shard (warehouse/lake.py)
    seen_at     TIMESTAMPTZ NOT NULL,
    rows        BIGINT NOT NULL,        -- raw entries the run appended to the lake
    applied_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (writer, run)
);

-- A warehouse that `jobtrends lake merge --db` keeps as a copy of the lake's postings:
-- which lake version it holds (a merge upserts only the changed postings when the warehouse
-- holds the version before; otherwise it reloads them all).
CREATE TABLE lake_merges (
    version     INTEGER NOT NULL,
    lake        VARCHAR NOT NULL,
    merged_at   TIMESTAMPTZ NOT NULL,
    postings    BIGINT NOT NULL,
    changed     BIGINT NOT NULL
);
