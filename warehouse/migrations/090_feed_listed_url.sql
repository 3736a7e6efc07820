-- A feed that answers with a permanent redirect (301/308) is polled at its new URL from then
-- on: `url` is where the collector polls, `listed_url` the URL as feeds.toml lists it, so the
-- list's next sync keeps the move (and a changed list URL still starts the feed afresh).
ALTER TABLE feeds ADD COLUMN listed_url VARCHAR;
UPDATE feeds SET listed_url = url;
