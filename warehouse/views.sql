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
-- The date is taken from the instant's UTC microseconds (make_timestamp gives a zone-free
-- UTC wall clock): the same day as CAST(timezone('UTC', ts) AS DATE) in any session time
-- zone, without the time-zone library, which was half of the 5M-posting aggregation's CPU.
CREATE VIEW postings_dated AS
SELECT p.*,
       CAST(make_timestamp(epoch_us(coalesce(p.posted_at, p.first_seen))) AS DATE) AS posted_date
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

-- ## Counts you can trust (issue 13)

-- moving_averages_adjusted: the category moving averages beside their adjusted values:
-- ma_share_adjusted / ma_n_adjusted are corrected with the tagger's confusion matrix (adjusted
-- classify-and-count, analytics/trends/adjusted.py); NULL where the 84-day window holds fewer
-- than 5,000 postings the rules or title model tagged, or the matrix cannot correct that
-- category. event_deltas carries the matching method 'share_adjusted' beside 'share'.
CREATE VIEW moving_averages_adjusted AS
SELECT date, kind, subject, window_days, ma_n, ma_share, ma_n_adjusted, ma_share_adjusted,
       seasonally_adjusted
FROM a_moving_averages WHERE kind = 'category';

-- tagger_confusion_rates: the stored confusion matrix as rates, P(tagged predicted | truly
-- truth), with the labelled postings behind each row (support).
CREATE VIEW tagger_confusion_rates AS
SELECT tagger_version, truth, predicted, n,
       sum(n) OVER (PARTITION BY truth) AS support,
       n / nullif(sum(n) OVER (PARTITION BY truth), 0) AS rate, source, saved_at
FROM tagger_confusion;

-- ## Collector: run counters (issue 15)

-- run_counts: one row per collection run, its counters derived from what it stored: feeds by
-- outcome and entries seen from its fetch_log rows, postings_new = postings it stored first,
-- rejects = its rejects rows. A run that logs no fetch (import, simulate) keeps the
-- entries_seen it recorded. The collector copies these into collection_runs when a run closes.
CREATE VIEW run_counts AS
SELECT r.run_id, r.kind, r.status,
       coalesce(f.feeds_ok, 0) AS feeds_ok,
       coalesce(f.feeds_not_modified, 0) AS feeds_not_modified,
       coalesce(f.feeds_failed, 0) AS feeds_failed,
       coalesce(f.feeds_gone, 0) AS feeds_gone,
       coalesce(f.entries_seen, r.entries_seen) AS entries_seen,
       coalesce(p.postings_new, 0) AS postings_new,
       coalesce(j.rejects, 0) AS rejects
FROM collection_runs r
LEFT JOIN (
    SELECT run_id,
           count(*) FILTER (WHERE outcome = 'ok') AS feeds_ok,
           count(*) FILTER (WHERE outcome = 'not_modified') AS feeds_not_modified,
           count(*) FILTER (WHERE outcome IN ('retry', 'failed')) AS feeds_failed,
           count(*) FILTER (WHERE outcome = 'gone') AS feeds_gone,
           sum(entries_seen) AS entries_seen
    FROM fetch_log GROUP BY run_id
) f USING (run_id)
LEFT JOIN (
    SELECT first_run_id AS run_id, count(*) AS postings_new FROM postings GROUP BY first_run_id
) p USING (run_id)
LEFT JOIN (SELECT run_id, count(*) AS rejects FROM rejects GROUP BY run_id) j USING (run_id);

-- ## Documentation in the database (issue 14)
-- Every view and every column carries a COMMENT, so `duckdb_views()` / `duckdb_columns()`
-- (and DESCRIBE in any client) say what they hold. A view added above needs its comments here;
-- tests/test_views_documented.py fails until it has them.

COMMENT ON VIEW feed_health IS 'One row per configured feed: its health and how many postings it has brought.';
COMMENT ON COLUMN feed_health.name IS 'Stable short name of the feed (feeds.toml).';
COMMENT ON COLUMN feed_health.source IS 'The site the feed belongs to, e.g. weworkremotely.';
COMMENT ON COLUMN feed_health.url IS 'The feed URL that is polled.';
COMMENT ON COLUMN feed_health.kind IS 'Feed format: rss | atom | upwork-rss (footer-bearing).';
COMMENT ON COLUMN feed_health.enabled IS 'False when the feed is switched off in the feed list.';
COMMENT ON COLUMN feed_health.health IS 'new | ok | failing | gone | disabled.';
COMMENT ON COLUMN feed_health.consecutive_failures IS 'Failed polls in a row since the last success.';
COMMENT ON COLUMN feed_health.last_success_at IS 'Last successful poll (UTC).';
COMMENT ON COLUMN feed_health.last_error_at IS 'Last failed poll (UTC).';
COMMENT ON COLUMN feed_health.last_error IS 'The last error, e.g. ConnectError or HTTP 503 (feed text: treat as untrusted).';
COMMENT ON COLUMN feed_health.next_poll_at IS 'Earliest time the feed is polled again (UTC), from its rate limit and backoff.';
COMMENT ON COLUMN feed_health.postings_so_far IS 'Deduplicated postings this feed has contributed (a posting in two feeds counts for both).';

COMMENT ON VIEW postings_dated IS 'Every deduplicated posting with the UTC date analytics count it on; no category (see postings_enriched).';
COMMENT ON COLUMN postings_dated.posting_id IS 'Stable posting id (the key of every tag table).';
COMMENT ON COLUMN postings_dated.dedupe_key IS 'What makes two entries one posting: url:<canonical url> or guid:<source>:<guid>.';
COMMENT ON COLUMN postings_dated.source IS 'The site the posting came from, e.g. upwork; simulated postings say so here too.';
COMMENT ON COLUMN postings_dated.canonical_url IS 'The posting URL with tracking parameters removed.';
COMMENT ON COLUMN postings_dated.title IS 'Posting title as the feed gave it (untrusted text).';
COMMENT ON COLUMN postings_dated.description IS 'Plain-text description, footer lines kept (untrusted text).';
COMMENT ON COLUMN postings_dated.platform_category IS 'The platform''s own category label (Upwork footer Category), when given.';
COMMENT ON COLUMN postings_dated.posted_at IS 'The posting''s own date when the feed gave one (UTC).';
COMMENT ON COLUMN postings_dated.first_seen IS 'When a poll or import first stored the posting (UTC).';
COMMENT ON COLUMN postings_dated.last_seen IS 'When a poll last saw the posting (UTC).';
COMMENT ON COLUMN postings_dated.times_seen IS 'How many polls saw the posting (re-polls are counted, not stored again).';
COMMENT ON COLUMN postings_dated.feeds IS 'Names of the feeds the posting appeared in.';
COMMENT ON COLUMN postings_dated.content_hash IS 'Hash of the latest stored version of the entry.';
COMMENT ON COLUMN postings_dated.first_run_id IS 'collection_runs.run_id that first stored the posting.';
COMMENT ON COLUMN postings_dated.last_run_id IS 'collection_runs.run_id that last saw the posting.';
COMMENT ON COLUMN postings_dated.is_simulated IS 'True for synthetic postings written by jobtrends simulate: filter them out of real analysis.';
COMMENT ON COLUMN postings_dated.posted_date IS 'UTC calendar date the posting is counted on: posted_at, else first_seen.';

COMMENT ON VIEW postings_enriched IS 'One row per posting with its category, pay and AI skills (the enrich step''s tags).';
COMMENT ON COLUMN postings_enriched.posting_id IS 'Stable posting id.';
COMMENT ON COLUMN postings_enriched.source IS 'The site the posting came from.';
COMMENT ON COLUMN postings_enriched.title IS 'Posting title (untrusted text).';
COMMENT ON COLUMN postings_enriched.posted_at IS 'The posting''s own date when given (UTC).';
COMMENT ON COLUMN postings_enriched.first_seen IS 'When the posting was first stored (UTC).';
COMMENT ON COLUMN postings_enriched.is_simulated IS 'True for synthetic postings (jobtrends simulate).';
COMMENT ON COLUMN postings_enriched.category IS 'One of the taxonomy''s categories or Other; NULL until enrich has run.';
COMMENT ON COLUMN postings_enriched.subcategory IS 'The platform''s sub-category when known.';
COMMENT ON COLUMN postings_enriched.category_method IS 'How the category was found: platform (the platform''s label) | site (the site''s own label, via its crosswalk) | rules | model.';
COMMENT ON COLUMN postings_enriched.pay_kind IS 'hourly | budget | salary | none.';
COMMENT ON COLUMN postings_enriched.currency IS 'ISO 4217 currency of the original pay text.';
COMMENT ON COLUMN postings_enriched.amount_low IS 'Lower pay amount in the original currency.';
COMMENT ON COLUMN postings_enriched.amount_high IS 'Upper pay amount in the original currency.';
COMMENT ON COLUMN postings_enriched.period IS 'hour | year | month | week | day | fixed.';
COMMENT ON COLUMN postings_enriched.usd_hourly_mid IS 'Midpoint hourly pay in USD, only for hourly (or period-convertible) pay; never from a fixed budget.';
COMMENT ON COLUMN postings_enriched.usd_budget IS 'Fixed budget in USD; never turned into an hourly rate.';
COMMENT ON COLUMN postings_enriched.pay_flag IS 'NULL when the pay is plausible; else why not, e.g. zero, negative, implausible_high.';
COMMENT ON COLUMN postings_enriched.pay_rule IS 'Which extraction rule produced the pay, e.g. upwork_footer_hourly_range.';
COMMENT ON COLUMN postings_enriched.ai_skills IS 'AI-skill slugs found in the posting (empty list when none).';
COMMENT ON COLUMN postings_enriched.rules_version IS 'Version of the tagging rules that wrote the category.';

COMMENT ON VIEW simulation_truth IS 'What each jobtrends simulate run planted: the answers analytics must recover.';
COMMENT ON COLUMN simulation_truth.sim_run_id IS 'collection_runs.run_id of the simulate run.';
COMMENT ON COLUMN simulation_truth.seed IS 'Random seed of the run (the same seed writes the same postings).';
COMMENT ON COLUMN simulation_truth.kind IS 'category | ai_skill.';
COMMENT ON COLUMN simulation_truth.subject IS 'Category name or AI-skill slug the effect was planted on.';
COMMENT ON COLUMN simulation_truth.volume_pct IS 'Planted change in daily posting volume, percent.';
COMMENT ON COLUMN simulation_truth.pay_pct IS 'Planted change in hourly pay, percent (NULL: none).';
COMMENT ON COLUMN simulation_truth.start_date IS 'Date the effect starts ramping in.';
COMMENT ON COLUMN simulation_truth.ramp_days IS 'Days over which the effect ramps in linearly to its full size.';
COMMENT ON COLUMN simulation_truth.started_at IS 'When the simulate run started (UTC).';
COMMENT ON COLUMN simulation_truth.postings IS 'Postings the run wrote.';

COMMENT ON VIEW daily_counts IS 'Deduplicated real postings per UTC posting date and subject; the as-of day may still be collecting.';
COMMENT ON COLUMN daily_counts.date IS 'UTC posting date.';
COMMENT ON COLUMN daily_counts.kind IS 'all | category | ai_skill.';
COMMENT ON COLUMN daily_counts.subject IS 'Category name, AI-skill slug, or all.';
COMMENT ON COLUMN daily_counts.n IS 'Postings that day (a posting with two AI skills counts once for each).';
COMMENT ON COLUMN daily_counts.share IS 'n / all postings that day (a fraction, 0..1).';

COMMENT ON VIEW moving_averages IS 'Trailing means over window_days complete days (84 by default), only where the whole window exists.';
COMMENT ON COLUMN moving_averages.date IS 'Last day of the trailing window (UTC).';
COMMENT ON COLUMN moving_averages.kind IS 'all | category | ai_skill.';
COMMENT ON COLUMN moving_averages.subject IS 'Category name, AI-skill slug, or all.';
COMMENT ON COLUMN moving_averages.window_days IS 'Window length in days (84 = 12 weeks, the study''s).';
COMMENT ON COLUMN moving_averages.ma_n IS 'Mean postings per day over the window.';
COMMENT ON COLUMN moving_averages.ma_share IS 'Mean share of all postings over the window (a fraction).';
COMMENT ON COLUMN moving_averages.seasonally_adjusted IS 'True when a weekly STL seasonal component was removed first (analyze --seasonal).';

COMMENT ON VIEW event_deltas IS 'Before/after change per event, analysis date, subject and method, with 95% intervals and counts.';
COMMENT ON COLUMN event_deltas.event_date IS 'The event, e.g. 2022-11-30 (ChatGPT release).';
COMMENT ON COLUMN event_deltas.as_of IS 'Analysis date: days before it are complete.';
COMMENT ON COLUMN event_deltas.kind IS 'category | ai_skill.';
COMMENT ON COLUMN event_deltas.subject IS 'Category name or AI-skill slug.';
COMMENT ON COLUMN event_deltas.method IS 'ma_endpoints (the study''s, no interval) | window | share | did | did_external | its | its_placebo.';
COMMENT ON COLUMN event_deltas.estimate_pct IS 'Change in percent; NULL when not meaningful (see note).';
COMMENT ON COLUMN event_deltas.ci_low_pct IS 'Lower end of the 95% interval, percent (NULL for ma_endpoints).';
COMMENT ON COLUMN event_deltas.ci_high_pct IS 'Upper end of the 95% interval, percent.';
COMMENT ON COLUMN event_deltas.n_before IS 'Postings in the before window.';
COMMENT ON COLUMN event_deltas.n_after IS 'Postings in the after window.';
COMMENT ON COLUMN event_deltas.before_start IS 'First day of the before window.';
COMMENT ON COLUMN event_deltas.before_end IS 'Last day of the before window.';
COMMENT ON COLUMN event_deltas.after_start IS 'First day of the after window.';
COMMENT ON COLUMN event_deltas.after_end IS 'Last day of the after window.';
COMMENT ON COLUMN event_deltas.meaningful IS 'False when the before-window base is under the floor ([analytics] base_floor): no percentage.';
COMMENT ON COLUMN event_deltas.descriptive IS 'True for a statistic that describes, with no interval and no controls (ma_endpoints).';
COMMENT ON COLUMN event_deltas.note IS 'Controls used (did), why not meaningful, or other caveats.';
COMMENT ON COLUMN event_deltas.computed_at IS 'When analyze wrote the row (UTC).';
COMMENT ON COLUMN event_deltas.p_value IS 'Two-sided p-value of the estimate (NULL where there is no interval).';
COMMENT ON COLUMN event_deltas.q_value IS 'Benjamini-Hochberg q-value across the subjects of one (event_date, as_of, method); significant means q_value < 0.05.';

COMMENT ON VIEW event_study IS 'Monthly (30-day) DiD coefficients relative to the month before the event: flat pre-event months mean parallel pre-trends.';
COMMENT ON COLUMN event_study.event_date IS 'The event.';
COMMENT ON COLUMN event_study.as_of IS 'Analysis date.';
COMMENT ON COLUMN event_study.kind IS 'category | ai_skill.';
COMMENT ON COLUMN event_study.subject IS 'Category name or AI-skill slug.';
COMMENT ON COLUMN event_study.month IS '30-day period relative to the event; -1 is the reference (0 by construction).';
COMMENT ON COLUMN event_study.estimate_pct IS 'Coefficient in percent against the controls.';
COMMENT ON COLUMN event_study.ci_low_pct IS 'Lower end of the 95% Newey-West interval, percent.';
COMMENT ON COLUMN event_study.ci_high_pct IS 'Upper end of the 95% Newey-West interval, percent.';
COMMENT ON COLUMN event_study.days IS 'Days with data in the period.';
COMMENT ON COLUMN event_study.controls IS 'The control categories the coefficients are relative to.';

COMMENT ON VIEW pay_deltas IS 'Median USD/hour per category before and after an event, with a 95% bootstrap interval of the change.';
COMMENT ON COLUMN pay_deltas.event_date IS 'The event.';
COMMENT ON COLUMN pay_deltas.as_of IS 'Analysis date.';
COMMENT ON COLUMN pay_deltas.category IS 'Category name.';
COMMENT ON COLUMN pay_deltas.method IS 'median (plain) | median_mix_fixed (before-window mix of sub-categories held fixed).';
COMMENT ON COLUMN pay_deltas.median_before IS 'Median hourly pay before the event, USD.';
COMMENT ON COLUMN pay_deltas.median_after IS 'Median hourly pay after the event, USD.';
COMMENT ON COLUMN pay_deltas.change_pct IS 'Change of the median, percent.';
COMMENT ON COLUMN pay_deltas.ci_low_pct IS 'Lower end of the 95% bootstrap interval, percent.';
COMMENT ON COLUMN pay_deltas.ci_high_pct IS 'Upper end of the 95% bootstrap interval, percent.';
COMMENT ON COLUMN pay_deltas.n_before IS 'Postings with an hourly rate in the before window.';
COMMENT ON COLUMN pay_deltas.n_after IS 'Postings with an hourly rate in the after window.';
COMMENT ON COLUMN pay_deltas.note IS 'Caveats, e.g. why not meaningful.';
COMMENT ON COLUMN pay_deltas.computed_at IS 'When analyze wrote the row (UTC).';

COMMENT ON VIEW ai_skill_trends IS 'Per AI skill and day: postings, share, and their 84-day trailing moving averages.';
COMMENT ON COLUMN ai_skill_trends.date IS 'UTC posting date.';
COMMENT ON COLUMN ai_skill_trends.skill IS 'AI-skill slug, e.g. chatbot_development.';
COMMENT ON COLUMN ai_skill_trends.n IS 'Postings that day with the skill.';
COMMENT ON COLUMN ai_skill_trends.share IS 'n / all postings that day (a fraction).';
COMMENT ON COLUMN ai_skill_trends.ma_n IS '84-day trailing mean of n (NULL until 84 complete days exist).';
COMMENT ON COLUMN ai_skill_trends.ma_share IS '84-day trailing mean of share.';

COMMENT ON VIEW postings_engagement IS 'One row per posting: how it engages its worker, whether it is a seeker, and how its category was decided.';
COMMENT ON COLUMN postings_engagement.posting_id IS 'Stable posting id.';
COMMENT ON COLUMN postings_engagement.source IS 'The site the posting came from.';
COMMENT ON COLUMN postings_engagement.title IS 'Plain-text title (tags stripped; show as text, never HTML).';
COMMENT ON COLUMN postings_engagement.description IS 'Plain-text description (tags stripped; the verbatim HTML is in raw_entries).';
COMMENT ON COLUMN postings_engagement.site_labels IS 'The site''s own category label(s) (postings.platform_category).';
COMMENT ON COLUMN postings_engagement.posted_at IS 'The posting''s own date when given (UTC).';
COMMENT ON COLUMN postings_engagement.is_simulated IS 'True for synthetic postings (jobtrends simulate).';
COMMENT ON COLUMN postings_engagement.engagement IS 'freelance | contract | part_time | full_time | internship | unknown; NULL until enriched.';
COMMENT ON COLUMN postings_engagement.engagement_rule IS 'What decided the engagement: source (the site''s job-type field) | platform | text | none.';
COMMENT ON COLUMN postings_engagement.is_seeker IS 'True for a person offering work (not a job); such postings are left out of demand counts.';
COMMENT ON COLUMN postings_engagement.category IS 'One of the taxonomy''s categories or Other; NULL until enriched.';
COMMENT ON COLUMN postings_engagement.category_method IS 'How the category was decided: platform | site | rules | model.';

COMMENT ON VIEW postings_demand IS 'postings_dated without seekers, with the engagement: what every demand count is computed from.';
COMMENT ON COLUMN postings_demand.posting_id IS 'Stable posting id.';
COMMENT ON COLUMN postings_demand.dedupe_key IS 'What makes two entries one posting: url:<canonical url> or guid:<source>:<guid>.';
COMMENT ON COLUMN postings_demand.source IS 'The site the posting came from.';
COMMENT ON COLUMN postings_demand.canonical_url IS 'The posting URL with tracking parameters removed.';
COMMENT ON COLUMN postings_demand.title IS 'Posting title (untrusted text).';
COMMENT ON COLUMN postings_demand.description IS 'Plain-text description (untrusted text).';
COMMENT ON COLUMN postings_demand.platform_category IS 'The platform''s own category label, when given.';
COMMENT ON COLUMN postings_demand.posted_at IS 'The posting''s own date when given (UTC).';
COMMENT ON COLUMN postings_demand.first_seen IS 'When the posting was first stored (UTC).';
COMMENT ON COLUMN postings_demand.last_seen IS 'When a poll last saw the posting (UTC).';
COMMENT ON COLUMN postings_demand.times_seen IS 'How many polls saw the posting.';
COMMENT ON COLUMN postings_demand.feeds IS 'Names of the feeds the posting appeared in.';
COMMENT ON COLUMN postings_demand.content_hash IS 'Hash of the latest stored version of the entry.';
COMMENT ON COLUMN postings_demand.first_run_id IS 'collection_runs.run_id that first stored the posting.';
COMMENT ON COLUMN postings_demand.last_run_id IS 'collection_runs.run_id that last saw the posting.';
COMMENT ON COLUMN postings_demand.is_simulated IS 'True for synthetic postings (jobtrends simulate).';
COMMENT ON COLUMN postings_demand.posted_date IS 'UTC calendar date the posting is counted on.';
COMMENT ON COLUMN postings_demand.engagement IS 'freelance | contract | part_time | full_time | internship | unknown; NULL until enriched.';

COMMENT ON VIEW feed_sources IS 'Per feed: its postings, their engagement mix, the share categorised by the site''s own label, seekers and the latest parse warning.';
COMMENT ON COLUMN feed_sources.name IS 'Feed name.';
COMMENT ON COLUMN feed_sources.source IS 'The site the feed belongs to.';
COMMENT ON COLUMN feed_sources.kind IS 'Feed format.';
COMMENT ON COLUMN feed_sources.postings IS 'Postings the feed contributed.';
COMMENT ON COLUMN feed_sources.freelance IS 'Of them, engagement freelance.';
COMMENT ON COLUMN feed_sources.contract IS 'Of them, engagement contract.';
COMMENT ON COLUMN feed_sources.part_time IS 'Of them, engagement part_time.';
COMMENT ON COLUMN feed_sources.full_time IS 'Of them, engagement full_time.';
COMMENT ON COLUMN feed_sources.internship IS 'Of them, engagement internship.';
COMMENT ON COLUMN feed_sources.unknown IS 'Of them, engagement unknown.';
COMMENT ON COLUMN feed_sources.untagged IS 'Of them, not enriched yet.';
COMMENT ON COLUMN feed_sources.site_label_share IS 'Share (0..1) whose category came from the site''s own label.';
COMMENT ON COLUMN feed_sources.seekers IS 'Of them, people offering work rather than jobs.';
COMMENT ON COLUMN feed_sources.last_warning IS 'The latest parse warning (parsed with a complaint, nothing lost).';

COMMENT ON VIEW run_counts IS 'One row per collection run: its counters derived from what it stored (fetch_log, postings, rejects).';
COMMENT ON COLUMN run_counts.run_id IS 'collection_runs.run_id.';
COMMENT ON COLUMN run_counts.kind IS 'What the run was: poll | file | import | simulate.';
COMMENT ON COLUMN run_counts.status IS 'running | ok | partial | failed.';
COMMENT ON COLUMN run_counts.feeds_ok IS 'Feeds fetched and parsed in this run.';
COMMENT ON COLUMN run_counts.feeds_not_modified IS 'Feeds that answered 304 Not Modified.';
COMMENT ON COLUMN run_counts.feeds_failed IS 'Feeds that failed (retryable or terminal, not gone).';
COMMENT ON COLUMN run_counts.feeds_gone IS 'Feeds that answered 404 or 410: gone, not polled again.';
COMMENT ON COLUMN run_counts.entries_seen IS 'Entries read in this run (fetch_log, else what the run recorded).';
COMMENT ON COLUMN run_counts.postings_new IS 'Postings this run stored first.';
COMMENT ON COLUMN run_counts.rejects IS 'Entries or files this run rejected (see rejects).';

COMMENT ON VIEW moving_averages_adjusted IS 'Category moving averages beside their values corrected with the tagger''s confusion matrix (adjusted classify-and-count).';
COMMENT ON COLUMN moving_averages_adjusted.date IS 'Last day of the trailing window (UTC calendar date).';
COMMENT ON COLUMN moving_averages_adjusted.kind IS 'Always category.';
COMMENT ON COLUMN moving_averages_adjusted.subject IS 'Category name.';
COMMENT ON COLUMN moving_averages_adjusted.window_days IS 'Length of the trailing window in days (84).';
COMMENT ON COLUMN moving_averages_adjusted.ma_n IS 'Mean daily postings tagged with the category over the window (classify-and-count).';
COMMENT ON COLUMN moving_averages_adjusted.ma_share IS 'Mean daily share of postings tagged with the category (0..1).';
COMMENT ON COLUMN moving_averages_adjusted.ma_n_adjusted IS 'ma_n corrected with the confusion matrix; NULL where the window holds under 5,000 rule/model-tagged postings or the matrix cannot correct the category.';
COMMENT ON COLUMN moving_averages_adjusted.ma_share_adjusted IS 'ma_share corrected with the confusion matrix (0..1); NULL as for ma_n_adjusted.';
COMMENT ON COLUMN moving_averages_adjusted.seasonally_adjusted IS 'True for rows computed on the seasonally adjusted series (analyze --seasonal).';

COMMENT ON VIEW tagger_confusion_rates IS 'The stored tagger confusion matrix as rates P(predicted | truth), with the labelled postings behind each row.';
COMMENT ON COLUMN tagger_confusion_rates.tagger_version IS 'Rules and model version the matrix was estimated for; share_adjusted is flagged STALE when tags carry another.';
COMMENT ON COLUMN tagger_confusion_rates.truth IS 'The labelled (platform) category.';
COMMENT ON COLUMN tagger_confusion_rates.predicted IS 'The category the rules or title model gave from the title alone.';
COMMENT ON COLUMN tagger_confusion_rates.n IS 'Labelled postings with this truth and prediction (out of fold).';
COMMENT ON COLUMN tagger_confusion_rates.support IS 'Labelled postings with this truth.';
COMMENT ON COLUMN tagger_confusion_rates.rate IS 'n / support: the share of this truth tagged as predicted.';
COMMENT ON COLUMN tagger_confusion_rates.source IS 'Where the matrix came from: the shipped file or a warehouse refresh.';
COMMENT ON COLUMN tagger_confusion_rates.saved_at IS 'When the matrix was stored (UTC).';
