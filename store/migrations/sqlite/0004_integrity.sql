-- Integrity of the vote (docs/lifecycle.md): a ballot never changes once
-- published; closing one (or a newer plan superseding it) is a row of its
-- own; signed checkpoints of each chain; page views kept outside the chain.

CREATE TABLE ballot_closures (
    ballot_id     INTEGER PRIMARY KEY REFERENCES ballots (id),
    closed_at     TIMESTAMP NOT NULL,
    reason        TEXT NOT NULL CHECK (reason IN ('closed', 'superseded')),
    superseded_by INTEGER REFERENCES ballots (id)
);
INSERT INTO ballot_closures (ballot_id, closed_at, reason)
    SELECT id, closed_at, 'closed' FROM ballots WHERE closed_at IS NOT NULL;

CREATE TRIGGER ballots_frozen_update BEFORE UPDATE ON ballots
BEGIN
    SELECT RAISE(ABORT, 'renovote: 表决一经发布，规则、截止时间和方案都不能修改或删除');
END;
CREATE TRIGGER ballots_frozen_delete BEFORE DELETE ON ballots
BEGIN
    SELECT RAISE(ABORT, 'renovote: 表决一经发布，规则、截止时间和方案都不能修改或删除');
END;
CREATE TRIGGER ballot_closures_frozen_update BEFORE UPDATE ON ballot_closures
BEGIN
    SELECT RAISE(ABORT, 'renovote: 表决的结束记录不能修改或删除');
END;
CREATE TRIGGER ballot_closures_frozen_delete BEFORE DELETE ON ballot_closures
BEGIN
    SELECT RAISE(ABORT, 'renovote: 表决的结束记录不能修改或删除');
END;

-- A checkpoint signs a chain's head with a key that is never in the
-- database: {project, seq, head, at, signature}.
CREATE TABLE checkpoints (
    project_id INTEGER NOT NULL,
    seq        INTEGER NOT NULL,
    head       TEXT NOT NULL,
    at         TIMESTAMP NOT NULL,
    key_id     TEXT NOT NULL,
    signature  TEXT NOT NULL,
    PRIMARY KEY (project_id, seq)
);
CREATE TRIGGER checkpoints_append_only_update BEFORE UPDATE ON checkpoints
BEGIN
    SELECT RAISE(ABORT, 'renovote: 签名存证只能追加，不能修改或删除');
END;
CREATE TRIGGER checkpoints_append_only_delete BEFORE DELETE ON checkpoints
BEGIN
    SELECT RAISE(ABORT, 'renovote: 签名存证只能追加，不能修改或删除');
END;

-- Opening a link is counted here, once per link and day, not in the chain.
CREATE TABLE page_views (
    link_id    INTEGER NOT NULL REFERENCES signing_links (id),
    day        TEXT NOT NULL,
    views      INTEGER NOT NULL,
    first_at   TIMESTAMP NOT NULL,
    last_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (link_id, day)
);
