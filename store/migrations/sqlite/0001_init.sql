-- renovote schema, SQLite dialect. Money and areas are integers (fen,
-- hundredths of m²); documents are TEXT; times are UTC TIMESTAMP text.
-- The rules the service relies on are enforced here, not in Go.

CREATE TABLE workers (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL,
    admin         INTEGER NOT NULL DEFAULT 0 CHECK (admin IN (0, 1)),
    created_at    TIMESTAMP NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    worker_id  INTEGER NOT NULL REFERENCES workers (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX sessions_worker ON sessions (worker_id);

CREATE TABLE projects (
    id         INTEGER PRIMARY KEY,
    owner_id   INTEGER NOT NULL REFERENCES workers (id),
    name       TEXT NOT NULL,
    address    TEXT NOT NULL DEFAULT '',
    floors     INTEGER NOT NULL CHECK (floors >= 1),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX projects_owner ON projects (owner_id);

CREATE TABLE households (
    id           INTEGER PRIMARY KEY,
    project_id   INTEGER NOT NULL REFERENCES projects (id),
    room         TEXT NOT NULL,
    floor        INTEGER NOT NULL CHECK (floor >= 1),
    area         INTEGER NOT NULL CHECK (area > 0), -- hundredths of m²
    owner_name   TEXT NOT NULL DEFAULT '',
    owner_id     TEXT NOT NULL DEFAULT '',
    phone        TEXT NOT NULL DEFAULT '',
    hardship     INTEGER NOT NULL DEFAULT 0 CHECK (hardship IN (0, 1)),
    exempt       INTEGER NOT NULL DEFAULT 0 CHECK (exempt IN (0, 1)),
    must_consent INTEGER NOT NULL DEFAULT 0 CHECK (must_consent IN (0, 1)),
    UNIQUE (project_id, room)
);

CREATE TABLE scenarios (
    id           INTEGER PRIMARY KEY,
    project_id   INTEGER NOT NULL REFERENCES projects (id),
    name         TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('draft', 'published')),
    input        TEXT NOT NULL,
    result       TEXT NOT NULL,
    canonical    BLOB,
    sha256       TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    published_at TIMESTAMP,
    CHECK (status = 'draft' OR (canonical IS NOT NULL AND length(sha256) = 64 AND published_at IS NOT NULL))
);
CREATE INDEX scenarios_project ON scenarios (project_id);

-- A published scenario is what residents sign: it never changes.
CREATE TRIGGER scenarios_frozen_update BEFORE UPDATE ON scenarios WHEN OLD.status = 'published'
BEGIN
    SELECT RAISE(ABORT, 'renovote: 已发布的方案不能修改或删除；请另建新方案并重新发布');
END;
CREATE TRIGGER scenarios_frozen_delete BEFORE DELETE ON scenarios WHEN OLD.status = 'published'
BEGIN
    SELECT RAISE(ABORT, 'renovote: 已发布的方案不能修改或删除；请另建新方案并重新发布');
END;

-- Households are fixed once a scenario of the project is published.
CREATE TRIGGER households_frozen_insert BEFORE INSERT ON households
WHEN EXISTS (SELECT 1 FROM scenarios WHERE project_id = NEW.project_id AND status = 'published')
BEGIN
    SELECT RAISE(ABORT, 'renovote: 方案已发布，住户不能再修改；如需修改，请新建项目或方案后重新发布');
END;
CREATE TRIGGER households_frozen_update BEFORE UPDATE ON households
WHEN EXISTS (SELECT 1 FROM scenarios WHERE project_id = OLD.project_id AND status = 'published')
BEGIN
    SELECT RAISE(ABORT, 'renovote: 方案已发布，住户不能再修改；如需修改，请新建项目或方案后重新发布');
END;
CREATE TRIGGER households_frozen_delete BEFORE DELETE ON households
WHEN EXISTS (SELECT 1 FROM scenarios WHERE project_id = OLD.project_id AND status = 'published')
BEGIN
    SELECT RAISE(ABORT, 'renovote: 方案已发布，住户不能再修改；如需修改，请新建项目或方案后重新发布');
END;

CREATE TABLE ballots (
    id          INTEGER PRIMARY KEY,
    project_id  INTEGER NOT NULL REFERENCES projects (id),
    scenario_id INTEGER NOT NULL REFERENCES scenarios (id),
    sha256      TEXT NOT NULL,
    rule        TEXT NOT NULL,
    deadline    TIMESTAMP NOT NULL,
    opened_at   TIMESTAMP NOT NULL,
    closed_at   TIMESTAMP
);
CREATE INDEX ballots_project ON ballots (project_id, id);

CREATE TABLE signing_links (
    id           INTEGER PRIMARY KEY,
    ballot_id    INTEGER NOT NULL REFERENCES ballots (id),
    household_id INTEGER NOT NULL REFERENCES households (id),
    token_hash   TEXT NOT NULL UNIQUE,
    expires_at   TIMESTAMP NOT NULL,
    revoked_at   TIMESTAMP,
    created_at   TIMESTAMP NOT NULL
);
-- One live link per household per ballot.
CREATE UNIQUE INDEX signing_links_live ON signing_links (ballot_id, household_id) WHERE revoked_at IS NULL;

CREATE TABLE decisions (
    id               INTEGER PRIMARY KEY,
    project_id       INTEGER NOT NULL REFERENCES projects (id),
    ballot_id        INTEGER NOT NULL REFERENCES ballots (id),
    household_id     INTEGER NOT NULL REFERENCES households (id),
    scenario_sha256  TEXT NOT NULL,
    vote             TEXT NOT NULL CHECK (vote IN ('agree', 'disagree', 'abstain')),
    signer_name      TEXT NOT NULL,
    signature_png    BLOB,
    method           TEXT NOT NULL CHECK (method IN ('online', 'paper')),
    witness          TEXT NOT NULL DEFAULT '',
    paper_photo      BLOB,
    paper_photo_type TEXT NOT NULL DEFAULT '',
    recorded_by      INTEGER REFERENCES workers (id),
    ip               TEXT NOT NULL DEFAULT '',
    user_agent       TEXT NOT NULL DEFAULT '',
    idempotency_key  TEXT NOT NULL,
    code             TEXT NOT NULL UNIQUE,
    created_at       TIMESTAMP NOT NULL,
    UNIQUE (ballot_id, idempotency_key)
);
CREATE INDEX decisions_household ON decisions (ballot_id, household_id, id);

-- Decisions are append-only: a change of mind is a new decision.
CREATE TRIGGER decisions_append_only_update BEFORE UPDATE ON decisions
BEGIN
    SELECT RAISE(ABORT, 'renovote: 表决记录只能追加，不能修改或删除');
END;
CREATE TRIGGER decisions_append_only_delete BEFORE DELETE ON decisions
BEGIN
    SELECT RAISE(ABORT, 'renovote: 表决记录只能追加，不能修改或删除');
END;

-- The head of each project's audit chain; appends lock it (SQLite: the
-- immediate write lock) so concurrent appends never fork the chain.
CREATE TABLE audit_heads (
    project_id INTEGER PRIMARY KEY,
    seq        INTEGER NOT NULL,
    hash       TEXT NOT NULL
);

CREATE TABLE audit_events (
    id         INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL,
    seq        INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    actor      TEXT NOT NULL,
    data       TEXT NOT NULL,
    at         TIMESTAMP NOT NULL,
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL,
    UNIQUE (project_id, seq)
);

CREATE TRIGGER audit_events_append_only_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'renovote: 审计日志只能追加，不能修改或删除');
END;
CREATE TRIGGER audit_events_append_only_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'renovote: 审计日志只能追加，不能修改或删除');
END;
