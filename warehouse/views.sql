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

-- ## Analytics (issue 5): daily_counts, moving_averages, event_deltas, pay_deltas, ai_skill_trends

-- ## Reports (issue 6)

-- ## Operations (issue 7)
