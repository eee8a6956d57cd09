-- Sessions are events of the system chain (DESIGN §15): each row points to
-- the worker_login event that issued it (issued_seq), has an id for its
-- image in that event, and is ended (ended_at) rather than deleted, so that
-- a session brought back by hand differs from the image that ended it.
-- Sessions opened before this upgrade have no login event carrying their
-- hash: they end here, and workers log in again.
DROP TABLE sessions;
CREATE TABLE sessions (
    id         INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    worker_id  INTEGER NOT NULL REFERENCES workers (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    ended_at   TIMESTAMP,
    issued_seq INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX sessions_worker ON sessions (worker_id);
