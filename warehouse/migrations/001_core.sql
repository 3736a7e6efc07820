-- The spine: feeds and their health, collection runs, the fetch log, append-only raw entries,
-- deduplicated postings with their sightings, and rejects. All timestamps are UTC (TIMESTAMPTZ).

CREATE TABLE feeds (
    name                 VARCHAR PRIMARY KEY,   -- stable short name from feeds.toml
    url                  VARCHAR NOT NULL,
    kind                 VARCHAR NOT NULL,      -- 'rss' | 'atom' | 'upwork-rss' (footer-bearing)
    source               VARCHAR NOT NULL,      -- the site, e.g. 'weworkremotely'
    enabled              BOOLEAN NOT NULL DEFAULT TRUE,
    min_interval_s       INTEGER NOT NULL,      -- the site's documented polling limit
    etag                 VARCHAR,
    last_modified        VARCHAR,
    health               VARCHAR NOT NULL DEFAULT 'new',  -- new | ok | failing | gone | disabled
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    last_attempt_at      TIMESTAMPTZ,
    last_success_at      TIMESTAMPTZ,
    last_error_at        TIMESTAMPTZ,
    last_error           VARCHAR,
    next_poll_at         TIMESTAMPTZ,
    updated_at           TIMESTAMPTZ
);

CREATE SEQUENCE run_id_seq START 1;

CREATE TABLE collection_runs (
    run_id             BIGINT PRIMARY KEY DEFAULT nextval('run_id_seq'),
    kind               VARCHAR NOT NULL,     -- 'poll' | 'file' | 'import' | 'simulate'
    started_at         TIMESTAMPTZ NOT NULL,
    finished_at        TIMESTAMPTZ,
    status             VARCHAR NOT NULL,     -- running | ok | partial | failed
    feeds_ok           INTEGER NOT NULL DEFAULT 0,
    feeds_not_modified INTEGER NOT NULL DEFAULT 0,
    feeds_failed       INTEGER NOT NULL DEFAULT 0,
    feeds_gone         INTEGER NOT NULL DEFAULT 0,
    entries_seen       BIGINT NOT NULL DEFAULT 0,
    postings_new       BIGINT NOT NULL DEFAULT 0,
    rejects            BIGINT NOT NULL DEFAULT 0,
    note               VARCHAR
);

CREATE TABLE fetch_log (
    run_id        BIGINT NOT NULL,
    feed_name     VARCHAR NOT NULL,
    fetched_at    TIMESTAMPTZ NOT NULL,
    url           VARCHAR,
    http_status   INTEGER,              -- NULL when no response arrived (timeout, refused)
    bytes         BIGINT,
    duration_ms   DOUBLE,
    entries_seen  INTEGER NOT NULL DEFAULT 0,
    entries_new   INTEGER NOT NULL DEFAULT 0,
    outcome       VARCHAR NOT NULL,     -- ok | not_modified | retry | failed | gone | skipped
    error_class   VARCHAR,              -- e.g. 'Timeout', 'HTTP 503', 'Malformed XML'
    error_message VARCHAR,
    PRIMARY KEY (run_id, feed_name)
);

-- Append-only: one row per new version of an entry (a posting whose content hash changed is
-- stored again; an identical re-poll is counted in postings.times_seen, not stored again).
CREATE TABLE raw_entries (
    run_id        BIGINT NOT NULL,
    feed_name     VARCHAR NOT NULL,
    source        VARCHAR NOT NULL,
    posting_id    BIGINT NOT NULL,
    guid          VARCHAR,
    link          VARCHAR,
    title         VARCHAR,
    summary_html  VARCHAR,              -- verbatim, including an Upwork footer
    content_html  VARCHAR,
    published_at  TIMESTAMPTZ,
    updated_at    TIMESTAMPTZ,
    tags          VARCHAR[],
    content_hash  VARCHAR NOT NULL,
    fetched_at    TIMESTAMPTZ NOT NULL
);

-- One row per real posting. posting_id is a stable 63-bit hash of dedupe_key.
CREATE TABLE postings (
    posting_id        BIGINT PRIMARY KEY,
    dedupe_key        VARCHAR NOT NULL,    -- 'url:<canonical url>' or 'guid:<source>:<guid>'
    source            VARCHAR NOT NULL,
    canonical_url     VARCHAR,
    title             VARCHAR,
    description       VARCHAR,             -- plain text, footer lines kept ("Hourly Range: ...")
    platform_category VARCHAR,             -- the platform's own label (Upwork footer Category)
    posted_at         TIMESTAMPTZ,         -- the posting's own date; falls back to first_seen
    first_seen        TIMESTAMPTZ NOT NULL,
    last_seen         TIMESTAMPTZ NOT NULL,
    times_seen        INTEGER NOT NULL,
    feeds             VARCHAR[] NOT NULL,
    content_hash      VARCHAR NOT NULL,    -- hash of the latest stored version
    first_run_id      BIGINT NOT NULL,
    last_run_id       BIGINT NOT NULL,
    is_simulated      BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE SEQUENCE reject_id_seq START 1;

CREATE TABLE rejects (
    reject_id   BIGINT PRIMARY KEY DEFAULT nextval('reject_id_seq'),
    run_id      BIGINT,
    rejected_at TIMESTAMPTZ NOT NULL,
    stage       VARCHAR NOT NULL,   -- fetch | parse | entry | import | enrich
    origin      VARCHAR NOT NULL,   -- feed name or file path
    location    VARCHAR,            -- entry guid/link, or 'line 42'
    reason      VARCHAR NOT NULL,
    payload     VARCHAR             -- the offending input, truncated to 2 KB
);
