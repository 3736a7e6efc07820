-- Derived analytics tables, refreshed by `jobtrends analyze [--as-of DATE]`.
-- Analysts query them through the views of the same names without the `a_` prefix.

CREATE TABLE a_daily_counts (
    date     DATE NOT NULL,
    kind     VARCHAR NOT NULL,        -- 'all' | 'category' | 'ai_skill'
    subject  VARCHAR NOT NULL,        -- category name, AI-skill slug, or 'all'
    n        BIGINT NOT NULL,         -- deduplicated postings with posted_date = date
    share    DOUBLE,                  -- n / all postings that day (NULL for kind 'all')
    PRIMARY KEY (date, kind, subject)
);

CREATE TABLE a_moving_averages (
    date         DATE NOT NULL,
    kind         VARCHAR NOT NULL,
    subject      VARCHAR NOT NULL,
    window_days  INTEGER NOT NULL,    -- 84 by default
    ma_n         DOUBLE,              -- trailing mean of daily n over window_days complete days
    ma_share     DOUBLE,
    seasonally_adjusted BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (date, kind, subject, window_days, seasonally_adjusted)
);

CREATE TABLE a_event_deltas (
    event_date    DATE NOT NULL,
    as_of         DATE NOT NULL,
    kind          VARCHAR NOT NULL,   -- 'category' | 'ai_skill'
    subject       VARCHAR NOT NULL,
    method        VARCHAR NOT NULL,   -- 'ma_endpoints' | 'window' | 'share' | 'did' | 'its'
    estimate_pct  DOUBLE,             -- NULL when not meaningful (see note)
    ci_low_pct    DOUBLE,
    ci_high_pct   DOUBLE,
    n_before      BIGINT,
    n_after       BIGINT,
    before_start  DATE,
    before_end    DATE,
    after_start   DATE,
    after_end     DATE,
    meaningful    BOOLEAN NOT NULL DEFAULT TRUE,
    descriptive   BOOLEAN NOT NULL DEFAULT FALSE,  -- true for ma_endpoints (no interval)
    note          VARCHAR,
    computed_at   TIMESTAMPTZ NOT NULL
);

CREATE TABLE a_pay_deltas (
    event_date       DATE NOT NULL,
    as_of            DATE NOT NULL,
    category         VARCHAR NOT NULL,
    method           VARCHAR NOT NULL,  -- 'median' | 'median_mix_fixed'
    median_before    DOUBLE,            -- USD per hour
    median_after     DOUBLE,
    change_pct       DOUBLE,
    ci_low_pct       DOUBLE,
    ci_high_pct      DOUBLE,
    n_before         BIGINT,
    n_after          BIGINT,
    note             VARCHAR,
    computed_at      TIMESTAMPTZ NOT NULL
);

CREATE TABLE analysis_runs (
    as_of        DATE NOT NULL,
    started_at   TIMESTAMPTZ NOT NULL,
    finished_at  TIMESTAMPTZ,
    mode         VARCHAR NOT NULL,      -- 'full' | 'incremental'
    seconds      DOUBLE
);
