-- Issue 25 (DESIGN §18): the funding rule in force for a project (a city
-- preset or its own rule, the completion date) and each household's 公积金
-- accounts and 维修资金 figures (canonical JSON; the chain carries its
-- SHA-256, never the balances).

CREATE TABLE funding_rules (
    project_id INTEGER PRIMARY KEY REFERENCES projects (id),
    preset     TEXT NOT NULL DEFAULT '',
    rule       TEXT NOT NULL,
    completed  TEXT NOT NULL DEFAULT '',
    set_by     TEXT NOT NULL,
    set_at     TIMESTAMP NOT NULL
);

CREATE TABLE household_funding (
    household_id INTEGER PRIMARY KEY,
    project_id   INTEGER NOT NULL REFERENCES projects (id),
    figures      TEXT NOT NULL,
    entered_by   TEXT NOT NULL,
    consent      INTEGER NOT NULL DEFAULT 0 CHECK (consent IN (0, 1)),
    entered_at   TIMESTAMP NOT NULL
);
CREATE INDEX household_funding_project ON household_funding (project_id);

-- Each 加装电梯费用分摊证明 issued: its verification code and the SHA-256 of
-- what it attests; a reprint of the same figures reuses it.
CREATE TABLE share_certificates (
    id           INTEGER PRIMARY KEY,
    project_id   INTEGER NOT NULL REFERENCES projects (id),
    household_id INTEGER NOT NULL,
    code         TEXT NOT NULL UNIQUE,
    digest       TEXT NOT NULL,
    due          INTEGER NOT NULL,
    gjj          INTEGER NOT NULL,
    maintenance  INTEGER NOT NULL,
    cash         INTEGER NOT NULL,
    issued_by    TEXT NOT NULL,
    issued_at    TIMESTAMP NOT NULL
);
CREATE INDEX share_certificates_household ON share_certificates (project_id, household_id);
