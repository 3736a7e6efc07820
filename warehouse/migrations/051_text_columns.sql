-- Which text columns are plain text and which are the source's verbatim HTML (issue 17's
-- last row, issue 11): plain-text columns are safe to show as text anywhere; the HTML ones
-- must never be rendered as HTML.
COMMENT ON COLUMN postings.title IS 'plain text: tags stripped, entities decoded, one line';
COMMENT ON COLUMN postings.description IS 'plain text of the body (tags stripped, entities decoded, boilerplate lines dropped), then the site''s own fields as "Label: value" lines (Job Type, Salary, Budget, Location)';
COMMENT ON COLUMN postings.platform_category IS 'the site''s own labels: Upwork "Top / Sub", other sites'' labels joined by " | "; plain text';
COMMENT ON COLUMN raw_entries.title IS 'plain text (as postings.title)';
COMMENT ON COLUMN raw_entries.summary_html IS 'verbatim HTML of the item''s summary/description as the source sent it: never render as HTML';
COMMENT ON COLUMN raw_entries.content_html IS 'verbatim HTML of the item''s full content (content:encoded) as the source sent it: never render as HTML';
