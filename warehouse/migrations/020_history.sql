-- Imported history and external control series; the simulator's planted ground truth.

CREATE TABLE external_series (
    series      VARCHAR NOT NULL,     -- e.g. 'indeed_postings_index'
    sector      VARCHAR NOT NULL,     -- e.g. 'Software Development', or 'aggregate'
    date        DATE NOT NULL,
    value       DOUBLE NOT NULL,
    source      VARCHAR NOT NULL,     -- who published it
    licence     VARCHAR NOT NULL,     -- e.g. 'CC BY 4.0'
    imported_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (series, sector, date)
);

-- One row per effect the simulator planted: what analytics must recover.
CREATE TABLE simulation_effects (
    sim_run_id     BIGINT NOT NULL,   -- collection_runs.run_id of the simulate run
    seed           BIGINT NOT NULL,
    kind           VARCHAR NOT NULL,  -- 'category' | 'ai_skill'
    subject        VARCHAR NOT NULL,  -- category name or AI-skill slug
    volume_pct     DOUBLE NOT NULL,   -- planted change in daily posting volume, percent
    pay_pct        DOUBLE,            -- planted change in hourly pay, percent
    start_date     DATE NOT NULL,
    ramp_days      INTEGER NOT NULL DEFAULT 0
);
