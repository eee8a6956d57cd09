-- Integrity of the vote (docs/lifecycle.md): a ballot never changes once
-- published; closing one (or a newer plan superseding it) is a row of its
-- own; signed checkpoints of each chain; page views kept outside the chain.

CREATE TABLE ballot_closures (
    ballot_id     BIGINT PRIMARY KEY REFERENCES ballots (id),
    closed_at     TIMESTAMPTZ NOT NULL,
    reason        TEXT NOT NULL CHECK (reason IN ('closed', 'superseded')),
    superseded_by BIGINT REFERENCES ballots (id)
);
INSERT INTO ballot_closures (ballot_id, closed_at, reason)
    SELECT id, closed_at, 'closed' FROM ballots WHERE closed_at IS NOT NULL;

CREATE TRIGGER ballots_frozen BEFORE UPDATE OR DELETE ON ballots
FOR EACH ROW EXECUTE FUNCTION renovote_refuse('表决一经发布，规则、截止时间和方案都不能修改或删除');
CREATE TRIGGER ballot_closures_frozen BEFORE UPDATE OR DELETE ON ballot_closures
FOR EACH ROW EXECUTE FUNCTION renovote_refuse('表决的结束记录不能修改或删除');

-- A checkpoint signs a chain's head with a key that is never in the
-- database: {project, seq, head, at, signature}.
CREATE TABLE checkpoints (
    project_id BIGINT NOT NULL,
    seq        BIGINT NOT NULL,
    head       TEXT NOT NULL,
    at         TIMESTAMPTZ NOT NULL,
    key_id     TEXT NOT NULL,
    signature  TEXT NOT NULL,
    PRIMARY KEY (project_id, seq)
);
CREATE TRIGGER checkpoints_append_only BEFORE UPDATE OR DELETE ON checkpoints
FOR EACH ROW EXECUTE FUNCTION renovote_refuse('签名存证只能追加，不能修改或删除');

-- Opening a link is counted here, once per link and day, not in the chain.
CREATE TABLE page_views (
    link_id    BIGINT NOT NULL REFERENCES signing_links (id),
    day        TEXT NOT NULL,
    views      BIGINT NOT NULL,
    first_at   TIMESTAMPTZ NOT NULL,
    last_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (link_id, day)
);
