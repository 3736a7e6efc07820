-- The collector saves each feed's page in one transaction as it arrives, with no spool in
-- between (issue 15), so nothing records stored spool parts any more.
DROP TABLE spool_parts;
