-- A cycle's spool parts are stored one transaction each (one uncommitted transaction for the
-- whole cycle held every page in memory). A row here commits with its part, so a cycle killed
-- between parts resumes its run and never stores a part twice.
CREATE TABLE spool_parts (
    spool_group  VARCHAR NOT NULL,     -- e.g. '20240513T120000000000Z-42-1a2b3c4d-poll'
    part         INTEGER NOT NULL,     -- the part's number within its group (one feed or file)
    run_id       BIGINT NOT NULL,      -- the collection run the part was stored in
    stored_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (spool_group, part)
);
