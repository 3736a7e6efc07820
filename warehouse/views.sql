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

-- postings_enriched: one row per posting with its category, pay (USD hourly only when plausible
-- and meaningful; budgets stay budgets) and its AI skills as a list (empty when none).
CREATE VIEW postings_enriched AS
SELECT p.posting_id, p.source, p.title, p.posted_at, p.first_seen, p.is_simulated,
       c.category, c.subcategory, c.method AS category_method,
       y.pay_kind, y.currency, y.amount_low, y.amount_high, y.period,
       y.usd_hourly_mid, y.usd_budget, y.flag AS pay_flag, y.rule AS pay_rule,
       coalesce((SELECT list(s.skill ORDER BY s.skill) FROM posting_ai_skills s
                 WHERE s.posting_id = p.posting_id), []) AS ai_skills,
       c.rules_version
FROM postings p
LEFT JOIN posting_categories c USING (posting_id)
LEFT JOIN posting_pay y USING (posting_id);

-- ## History and simulation (issue 4)

-- ## Analytics (issue 5): daily_counts, moving_averages, event_deltas, pay_deltas, ai_skill_trends

-- ## Reports (issue 6)

-- ## Operations (issue 7)
