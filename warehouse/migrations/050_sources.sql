-- Today's sources (issue 11): how a posting engages its worker and whether it is a seeker,
-- derived by `jobtrends enrich` like the categories; and the category methods' new names.

CREATE TABLE posting_engagement (
    posting_id    BIGINT PRIMARY KEY,
    engagement    VARCHAR NOT NULL,   -- freelance | contract | part_time | full_time | internship | unknown
    rule          VARCHAR NOT NULL,   -- 'source' (the site's job-type field) | 'platform' | 'text' | 'none'
    is_seeker     BOOLEAN NOT NULL,   -- a person offering work ([For Hire], SEEKING WORK): not demand
    rules_version VARCHAR NOT NULL,
    tagged_at     TIMESTAMPTZ NOT NULL
);

-- posting_categories.method is now 'platform' | 'site' | 'rules' | 'model'
UPDATE posting_categories SET method = 'platform' WHERE method = 'platform_label';
