-- Monthly event-study coefficients of the DiD (issue 5): pre-event months show pre-trends.

CREATE TABLE a_event_study (
    event_date    DATE NOT NULL,
    as_of         DATE NOT NULL,
    kind          VARCHAR NOT NULL,   -- 'category' | 'ai_skill'
    subject       VARCHAR NOT NULL,
    month         INTEGER NOT NULL,   -- 30-day bin from the event; -1 is the reference (0)
    estimate_pct  DOUBLE,             -- subject vs controls, relative to month -1
    ci_low_pct    DOUBLE,
    ci_high_pct   DOUBLE,
    days          INTEGER NOT NULL,   -- days in the bin
    controls      VARCHAR NOT NULL,   -- comma-separated control categories
    computed_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (event_date, as_of, kind, subject, month)
);
