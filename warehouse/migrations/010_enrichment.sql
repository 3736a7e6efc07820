-- Derived tags, rebuilt from postings by a versioned step (`jobtrends enrich [--all]`).
-- Keyed by posting_id; every row says which rules version wrote it.

CREATE TABLE posting_categories (
    posting_id    BIGINT PRIMARY KEY,
    category      VARCHAR NOT NULL,   -- one of the taxonomy's categories, or 'Other'
    subcategory   VARCHAR,            -- the platform's sub-category when known (Upwork oservice)
    method        VARCHAR NOT NULL,   -- 'platform_label' | 'rules' | 'model'
    confidence    DOUBLE,             -- 0..1 where the method gives one
    rules_version VARCHAR NOT NULL,
    tagged_at     TIMESTAMPTZ NOT NULL
);

CREATE TABLE posting_ai_skills (
    posting_id    BIGINT NOT NULL,
    skill         VARCHAR NOT NULL,   -- slug from the AI-skill taxonomy, e.g. 'chatbot_development'
    evidence      VARCHAR,            -- the phrase that matched
    rules_version VARCHAR NOT NULL,
    tagged_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (posting_id, skill)
);

CREATE TABLE posting_pay (
    posting_id      BIGINT PRIMARY KEY,
    pay_kind        VARCHAR NOT NULL,  -- 'hourly' | 'budget' | 'salary' | 'none'
    currency        VARCHAR,           -- ISO 4217 of the original text
    amount_low      DOUBLE,            -- original currency
    amount_high     DOUBLE,
    period          VARCHAR,           -- 'hour' | 'year' | 'month' | 'week' | 'day' | 'fixed'
    usd_hourly_low  DOUBLE,            -- only for hourly (and salary/period-convertible) pay
    usd_hourly_high DOUBLE,
    usd_hourly_mid  DOUBLE,
    usd_budget      DOUBLE,            -- only for fixed budgets; never turned into hourly
    flag            VARCHAR,           -- NULL when plausible; else e.g. 'zero', 'negative', 'implausible_high'
    rule            VARCHAR NOT NULL,  -- which rule produced the value, e.g. 'upwork_footer_hourly_range'
    raw_text        VARCHAR,           -- the matched text
    rules_version   VARCHAR NOT NULL,
    tagged_at       TIMESTAMPTZ NOT NULL
);

CREATE TABLE enrichment_runs (
    rules_version VARCHAR NOT NULL,
    started_at    TIMESTAMPTZ NOT NULL,
    finished_at   TIMESTAMPTZ,
    mode          VARCHAR NOT NULL,   -- 'new' | 'all'
    postings      BIGINT NOT NULL DEFAULT 0
);
