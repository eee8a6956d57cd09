-- Issue 24 point 4: on PostgreSQL the primary and foreign keys of the
-- project tables lead with the project, as a table distributed by project
-- (Citus) needs. A single SQLite file is never distributed; its keys stay.
SELECT 1;
