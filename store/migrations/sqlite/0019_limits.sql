-- Issue 24 point 3: the shared limits live in PostgreSQL (several servers
-- on one database). A SQLite database has one server, whose limits stay
-- in its process: this step only keeps both dialects at one version.
SELECT 1;
