-- The vote's lifecycle (DESIGN §16): a ballot's result record (the
-- objection window's length, and the final result once announced) and
-- the objections to the posted count with their answers. A correction
-- names the decision it corrects; the count follows it.

CREATE TABLE ballot_results (
    ballot_id      INTEGER PRIMARY KEY REFERENCES ballots (id),
    project_id     INTEGER NOT NULL REFERENCES projects (id),
    objection_days INTEGER NOT NULL CHECK (objection_days BETWEEN 1 AND 30),
    finalized_at   TIMESTAMP,
    finalized_by   INTEGER REFERENCES workers (id),
    passed         INTEGER NOT NULL DEFAULT 0 CHECK (passed IN (0, 1)),
    updated_at     TIMESTAMP NOT NULL
);
CREATE INDEX ballot_results_project ON ballot_results (project_id);

CREATE TABLE objections (
    id                INTEGER PRIMARY KEY,
    project_id        INTEGER NOT NULL REFERENCES projects (id),
    ballot_id         INTEGER NOT NULL REFERENCES ballots (id),
    household_id      INTEGER NOT NULL REFERENCES households (id),
    name              TEXT NOT NULL,
    reason            TEXT NOT NULL,
    channel           TEXT NOT NULL,
    recorded_by       INTEGER REFERENCES workers (id),
    created_at        TIMESTAMP NOT NULL,
    outcome           TEXT NOT NULL DEFAULT '',
    answer            TEXT NOT NULL DEFAULT '',
    answered_at       TIMESTAMP,
    answered_by       INTEGER REFERENCES workers (id),
    corrects_decision INTEGER REFERENCES decisions (id),
    corrected_vote    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX objections_project ON objections (project_id, ballot_id, id);
