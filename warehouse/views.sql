-- Views for analysts: stable names, documented columns. Re-created after every migrate.
-- Each stage appends its own section; keep names stable, they are contracts.

-- ## Collection (issue 2)

-- feed_health: one row per feed. health is new | ok | failing | gone | disabled.
CREATE VIEW feed_health AS
SELECT f.name, f.source, f.url, f.kind, f.enabled, f.health, f.consecutive_failures,
       f.last_success_at, f.last_error_at, f.last_error, f.next_poll_at,
       (SELECT count(*) FROM postings p WHERE list_contains(p.feeds, f.name)) AS postings_so_far
FROM feeds f;

-- postings_dated: every posting with the UTC calendar date analytics bucket it by
-- (posted_at where the feed gave one, else first_seen). Filter is_simulated as needed.
CREATE VIEW postings_dated AS
SELECT p.*, CAST(timezone('UTC', coalesce(p.posted_at, p.first_seen)) AS DATE) AS posted_date
FROM postings p;

-- ## Enrichment (issue 3)

-- ## History and simulation (issue 4)

-- simulation_truth: what each `jobtrends simulate` run planted (analytics must recover it),
-- with the run's start time and how many postings it wrote.
CREATE VIEW simulation_truth AS
SELECT e.sim_run_id, e.seed, e.kind, e.subject, e.volume_pct, e.pay_pct, e.start_date,
       e.ramp_days, r.started_at, r.postings_new AS postings
FROM simulation_effects e JOIN collection_runs r ON r.run_id = e.sim_run_id;

-- ## Analytics (issue 5): daily_counts, moving_averages, event_deltas, pay_deltas, ai_skill_trends

-- ## Reports (issue 6)

-- ## Operations (issue 7)
