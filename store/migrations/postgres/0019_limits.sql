-- Issue 24 point 3: with several servers on one PostgreSQL, the login
-- guard and the per-client request limits are counted here, so that N
-- servers never give N times the attempts. The rows are counters, not
-- records: old ones are deleted now and then (PruneLimits).

-- One row per failed login, per account (the guard's sliding window).
CREATE TABLE login_failures (
	username TEXT NOT NULL,
	at TIMESTAMPTZ NOT NULL
);
CREATE INDEX login_failures_username_at ON login_failures (username, at);
CREATE INDEX login_failures_at ON login_failures (at);

-- One token bucket per limit and client address; each server takes its
-- tokens a few at a time (engine.TokenLease).
CREATE TABLE rate_buckets (
	bucket TEXT NOT NULL,
	client TEXT NOT NULL,
	tokens DOUBLE PRECISION NOT NULL,
	at TIMESTAMPTZ NOT NULL,
	granted INTEGER NOT NULL, -- tokens the last statement took (a server's lease)
	full_at TIMESTAMPTZ NOT NULL, -- when the bucket is full again: the row may go
	PRIMARY KEY (bucket, client)
);
CREATE INDEX rate_buckets_full_at ON rate_buckets (full_at);

-- Issue 24 point 4: every read of project data is keyed by project_id.
-- A project's decisions were read (audit, projections) by project_id with
-- no index on it: a scan of every project's decisions. Photos of an
-- inspection and every link of a ballot (revoked ones too) likewise.
CREATE INDEX decisions_project ON decisions (project_id, id);
CREATE INDEX inspection_photos_inspection ON inspection_photos (inspection_id);
CREATE INDEX signing_links_ballot ON signing_links (ballot_id);
