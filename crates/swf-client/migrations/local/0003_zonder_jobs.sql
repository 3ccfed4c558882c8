-- The `jobs` table (0001) was kept for queued uploads and archive exports. Decision D23 rules
-- out queuing writes: a write made offline fails and changes nothing. No build ever read or
-- wrote the table, so it goes; an older build that opens this file does not miss it.
DROP INDEX IF EXISTS jobs_wachtend;
DROP TABLE IF EXISTS jobs;
