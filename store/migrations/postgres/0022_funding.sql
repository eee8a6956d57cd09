-- Issue 25 (DESIGN §18): the funding rule in force for a project (a city
-- preset or its own rule, the completion date) and each household's 公积金
-- accounts and 维修资金 figures (canonical JSON; the chain carries its
-- SHA-256, never the balances).

CREATE TABLE funding_rules (
    project_id BIGINT PRIMARY KEY REFERENCES projects (id),
    preset     TEXT NOT NULL DEFAULT '',
    rule       TEXT NOT NULL,
    completed  TEXT NOT NULL DEFAULT '',
    set_by     TEXT NOT NULL,
    set_at     TIMESTAMPTZ NOT NULL
);

CREATE TABLE household_funding (
    household_id BIGINT PRIMARY KEY,
    project_id   BIGINT NOT NULL REFERENCES projects (id),
    figures      TEXT NOT NULL,
    entered_by   TEXT NOT NULL,
    consent      BOOLEAN NOT NULL DEFAULT FALSE,
    entered_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX household_funding_project ON household_funding (project_id);
