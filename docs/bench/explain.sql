-- The signing path's statements with the ids of a seeded project (issue 24, BENCHMARKS.md):
--   psql -h /tmp/pgload -d scale -v pid=1000 -f docs/bench/explain.sql
-- Inserts run in a transaction that is rolled back.
\set QUIET on
\pset pager off
SELECT b.id AS bid FROM ballots b WHERE b.project_id = :pid ORDER BY id DESC LIMIT 1 \gset
SELECT h.id AS hid FROM households h WHERE h.project_id = :pid ORDER BY id LIMIT 1 \gset
SELECT token_hash AS th FROM signing_links WHERE project_id = :pid AND ballot_id = :bid AND household_id = :hid AND revoked_at IS NULL \gset
SELECT code AS dcode FROM decisions WHERE project_id = :pid ORDER BY id LIMIT 1 \gset
SELECT public_slug AS slug FROM projects WHERE id = :pid \gset
\echo '### 1. signing link by token (the request''s entry): the token carries the project'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT id, project_id, ballot_id, household_id, token_hash, expires_at, revoked_at, created_at, issued_seq FROM signing_links WHERE project_id = :pid AND token_hash = :'th';
\echo '### 1a. a token of before: its project from entry_routes, then 1'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT project_id FROM entry_routes WHERE kind = 'link' AND key = :'th';
\echo '### 1b. /verify: a decision by its code, keyed by the project the code carries'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT id, ballot_id, household_id, vote FROM decisions WHERE project_id = :pid AND code = :'dcode';
\echo '### 1c. the public page: the project by id and slug'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT id FROM projects WHERE id = :pid AND public_slug = :'slug';
BEGIN;
\echo '### 2. chain head lock (upsert, row lock till commit)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) INSERT INTO audit_heads (project_id, seq, hash) VALUES (:pid, 0, 'x') ON CONFLICT (project_id) DO UPDATE SET seq = audit_heads.seq RETURNING seq, hash, cp_at, key_id, signature;
\echo '### 3. the link''s events today (daily quota)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) WITH a (actor) AS (VALUES ('household:' || :hid)) SELECT a.actor, (SELECT COUNT(*) FROM audit_events e WHERE e.project_id = :pid AND e.actor = a.actor AND e.at >= now() - interval '1 day') AS n FROM a;
\echo '### 4. decision insert'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) INSERT INTO decisions (project_id, ballot_id, household_id, scenario_sha256, vote, signer_name, signature_png, method, witness, paper_photo, paper_photo_type, recorded_by, ip, user_agent, idempotency_key, code, created_at, reason)
  VALUES (:pid, :bid, :hid, 'sha', 'agree', '住户', '\x89504e47', 'online', '', NULL, '', NULL, '127.0.0.1', 'explain', 'explain-key-1', 'EXPLAIN-CODE-1', now(), '') ON CONFLICT (project_id, ballot_id, idempotency_key) DO NOTHING RETURNING id, ballot_id, idempotency_key;
\echo '### 5. its event'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) INSERT INTO audit_events (project_id, seq, kind, actor, data, at, prev_hash, hash) VALUES (:pid, 1000000, 'decision_recorded', 'household:' || :hid, '{}', now(), 'p', 'h');
\echo '### 6. head moved and checkpoint (one statement)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) WITH moved AS (UPDATE audit_heads SET seq = 1000000, hash = 'h', cp_at = now(), key_id = 'k', signature = 's' WHERE project_id = :pid)
  INSERT INTO checkpoints (project_id, seq, head, at, key_id, signature) VALUES (:pid, 1000000, 'h', now(), 'k', 's');
ROLLBACK;
\echo '### 7. tally read: each household''s latest decision'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT id, household_id, vote FROM decisions d WHERE project_id = :pid AND ballot_id = :bid AND id = (SELECT MAX(id) FROM decisions d2 WHERE d2.project_id = d.project_id AND d2.ballot_id = d.ballot_id AND d2.household_id = d.household_id) ORDER BY household_id;
\echo '### 8. the sign page: one household''s latest decision'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT id, vote FROM decisions WHERE project_id = :pid AND ballot_id = :bid AND household_id = :hid ORDER BY id DESC LIMIT 1;
\echo '### 9. audit / projections: a project''s decisions'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT id, vote FROM decisions WHERE project_id = :pid ORDER BY id;
\echo '### 10. projections: a project''s signing links (revoked too)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT id FROM signing_links WHERE project_id = :pid ORDER BY id;
