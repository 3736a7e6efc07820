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

-- simulation_truth: what each `jobtrends simulate` run planted (analytics must recover it),
-- with the run's start time and how many postings it wrote.
CREATE VIEW simulation_truth AS
SELECT e.sim_run_id, e.seed, e.kind, e.subject, e.volume_pct, e.pay_pct, e.start_date,
       e.ramp_days, r.started_at, r.postings_new AS postings
FROM simulation_effects e JOIN collection_runs r ON r.run_id = e.sim_run_id;

-- ## Analytics (issue 5): daily_counts, moving_averages, event_deltas, pay_deltas, ai_skill_trends

-- daily_counts: deduplicated real postings per posting date (UTC). kind is 'all' | 'category' |
-- 'ai_skill'; subject is the category name, the AI-skill slug or 'all'; n is postings that day
-- (a posting with two AI skills counts once for each); share = n / all postings that day.
-- The as-of day itself may still be collecting.
CREATE VIEW daily_counts AS
SELECT date, kind, subject, n, share FROM a_daily_counts;

-- moving_averages: trailing means over window_days complete days (84 by default), given only
-- where the whole window exists; ma_n in postings/day, ma_share a fraction of all postings.
-- seasonally_adjusted says whether a weekly STL seasonal component was removed first.
CREATE VIEW moving_averages AS
SELECT date, kind, subject, window_days, ma_n, ma_share, seasonally_adjusted
FROM a_moving_averages;

-- event_deltas: one row per (event, as_of, subject, method). method is 'ma_endpoints' (the
-- original study's statistic, descriptive, no interval), 'window' (mean daily n after vs
-- before, block-bootstrap 95% interval), 'share' (the same on the share of all postings),
-- 'did' (vs control categories named in note, Newey-West interval), 'did_external' (vs an
-- imported external index), 'its' (interrupted time series level change) and 'its_placebo'
-- (the same at fake earlier dates; windows show them). estimate_pct and ci_*_pct are percent;
-- NULL with meaningful = false when the before-window base is under the floor (see note);
-- n_before/n_after are postings in the windows [before_start, before_end], [after_start,
-- after_end].
CREATE VIEW event_deltas AS
SELECT event_date, as_of, kind, subject, method, estimate_pct, ci_low_pct, ci_high_pct,
       n_before, n_after, before_start, before_end, after_start, after_end, meaningful,
       descriptive, note, computed_at,
       -- issue 12: p-value and Benjamini-Hochberg q-value (per event, as_of and method)
       p_value, q_value
FROM a_event_deltas;

-- event_study: monthly (30-day) DiD coefficients relative to the month before the event, in
-- percent with 95% Newey-West intervals; flat pre-event months mean parallel pre-trends.
CREATE VIEW event_study AS
SELECT event_date, as_of, kind, subject, month, estimate_pct, ci_low_pct, ci_high_pct, days,
       controls
FROM a_event_study;

-- pay_deltas: median USD/hour per category before and after an event. method 'median' is the
-- plain median with a bootstrap 95% interval of its percent change; 'median_mix_fixed' holds
-- the before-window mix of sub-categories fixed (a falling median can be a changing mix).
CREATE VIEW pay_deltas AS
SELECT event_date, as_of, category, method, median_before, median_after, change_pct,
       ci_low_pct, ci_high_pct, n_before, n_after, note, computed_at
FROM a_pay_deltas;

-- ai_skill_trends: per AI skill and day, postings n, share of all postings, and the 84-day
-- trailing moving averages of both (NULL until 84 complete days exist).
CREATE VIEW ai_skill_trends AS
SELECT c.date, c.subject AS skill, c.n, c.share, m.ma_n, m.ma_share
FROM a_daily_counts c
LEFT JOIN a_moving_averages m
  ON m.date = c.date AND m.kind = c.kind AND m.subject = c.subject
 AND m.window_days = 84 AND NOT m.seasonally_adjusted
WHERE c.kind = 'ai_skill';

-- ## Reports (issue 6)

-- ## Operations (issue 7)

-- ## Today's sources (issue 11): engagement, seekers, site labels

-- postings_engagement: one row per posting with how it engages its worker (freelance |
-- contract | part_time | full_time | internship | unknown, NULL until enriched), the rule
-- that said so ('source' = the site's job-type field, 'platform', 'text', 'none'), whether it
-- is a seeker (a person offering work, not a job), and how its category was decided
-- (category_method 'platform' | 'site' | 'rules' | 'model'). title and description are plain
-- text (tags stripped, entities decoded: safe to show as text, never HTML); the verbatim HTML
-- is in raw_entries.summary_html / content_html.
CREATE VIEW postings_engagement AS
SELECT p.posting_id, p.source, p.title, p.description, p.platform_category AS site_labels,
       p.posted_at, p.is_simulated, e.engagement, e.rule AS engagement_rule,
       coalesce(e.is_seeker, FALSE) AS is_seeker, c.category, c.method AS category_method
FROM postings p
LEFT JOIN posting_engagement e USING (posting_id)
LEFT JOIN posting_categories c USING (posting_id);

-- postings_demand: postings_dated without seekers, with the engagement (NULL until enriched):
-- what every demand count (daily_counts and what is built on it) is computed from.
CREATE VIEW postings_demand AS
SELECT d.*, e.engagement
FROM postings_dated d
LEFT JOIN posting_engagement e USING (posting_id)
WHERE NOT coalesce(e.is_seeker, FALSE);

-- feed_sources: per feed, its postings, their engagement mix (one count per engagement;
-- untagged = not enriched yet), the share whose category came from the site's own label
-- (category_method 'site' or 'platform'), seekers, and the latest parse warning (a body that
-- parsed with a complaint but lost nothing: not a reject).
CREATE VIEW feed_sources AS
WITH fp AS (
    SELECT f.name, p.posting_id FROM feeds f JOIN postings p ON list_contains(p.feeds, f.name)
)
SELECT f.name, f.source, f.kind,
       count(fp.posting_id) AS postings,
       count(fp.posting_id) FILTER (WHERE e.engagement = 'freelance') AS freelance,
       count(fp.posting_id) FILTER (WHERE e.engagement = 'contract') AS contract,
       count(fp.posting_id) FILTER (WHERE e.engagement = 'part_time') AS part_time,
       count(fp.posting_id) FILTER (WHERE e.engagement = 'full_time') AS full_time,
       count(fp.posting_id) FILTER (WHERE e.engagement = 'internship') AS internship,
       count(fp.posting_id) FILTER (WHERE e.engagement = 'unknown') AS unknown,
       count(fp.posting_id) FILTER (WHERE e.engagement IS NULL) AS untagged,
       count(fp.posting_id) FILTER (WHERE c.method IN ('site', 'platform'))
           / nullif(count(fp.posting_id), 0) AS site_label_share,
       count(fp.posting_id) FILTER (WHERE e.is_seeker) AS seekers,
       (SELECT l.error_message FROM fetch_log l
        WHERE l.feed_name = f.name AND l.error_class = 'ParsedWithWarning'
        ORDER BY l.fetched_at DESC LIMIT 1) AS last_warning
FROM feeds f
LEFT JOIN fp ON fp.name = f.name
LEFT JOIN posting_engagement e ON e.posting_id = fp.posting_id
LEFT JOIN posting_categories c ON c.posting_id = fp.posting_id
GROUP BY f.name, f.source, f.kind;
