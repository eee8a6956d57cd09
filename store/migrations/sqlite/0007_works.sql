-- After the signatures (docs/lifecycle.md): the works' stages and the
-- supervision group of a project, inspections with the issues they raise
-- and their fixes, and residents' feedback with its answer and rating.

CREATE TABLE works (
    project_id        INTEGER PRIMARY KEY REFERENCES projects (id),
    stages            TEXT NOT NULL,
    supervisors       TEXT NOT NULL,
    satisfaction_goal INTEGER NOT NULL DEFAULT 9000,
    updated_at        TIMESTAMP NOT NULL
);

CREATE TABLE inspections (
    id          INTEGER PRIMARY KEY,
    project_id  INTEGER NOT NULL REFERENCES projects (id),
    day         TEXT NOT NULL,
    inspectors  TEXT NOT NULL,
    findings    TEXT NOT NULL,
    recorded_by INTEGER NOT NULL REFERENCES workers (id),
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX inspections_project ON inspections (project_id, day);

CREATE TABLE inspection_issues (
    id            INTEGER PRIMARY KEY,
    project_id    INTEGER NOT NULL REFERENCES projects (id),
    inspection_id INTEGER NOT NULL REFERENCES inspections (id),
    text          TEXT NOT NULL,
    fixed_day     TEXT,
    fixed_note    TEXT NOT NULL DEFAULT '',
    fixed_photo   BLOB,
    fixed_at      TIMESTAMP
);
CREATE INDEX inspection_issues_project ON inspection_issues (project_id, inspection_id);

CREATE TABLE inspection_photos (
    id            INTEGER PRIMARY KEY,
    inspection_id INTEGER NOT NULL REFERENCES inspections (id),
    data          BLOB NOT NULL,
    type          TEXT NOT NULL
);

CREATE TABLE feedback (
    id           INTEGER PRIMARY KEY,
    project_id   INTEGER NOT NULL REFERENCES projects (id),
    household_id INTEGER REFERENCES households (id),
    category     TEXT NOT NULL,
    text         TEXT NOT NULL,
    photo        BLOB,
    photo_type   TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    answer       TEXT NOT NULL DEFAULT '',
    answered_at  TIMESTAMP,
    answered_by  INTEGER REFERENCES workers (id),
    closed_at    TIMESTAMP,
    rating       TEXT NOT NULL DEFAULT '',
    rated_at     TIMESTAMP
);
CREATE INDEX feedback_project ON feedback (project_id, id);
