-- Participatory questionnaires: priorities before a plan, satisfaction after.

CREATE TABLE questionnaires (
    id         INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects (id),
    title      TEXT NOT NULL,
    questions  TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    deadline   TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL,
    closed_at  TIMESTAMP
);
CREATE INDEX questionnaires_project ON questionnaires (project_id, id);

CREATE TRIGGER questionnaires_questions_frozen BEFORE UPDATE OF questions, project_id ON questionnaires
BEGIN
    SELECT RAISE(ABORT, 'renovote: 问卷发出后题目不能修改；请新建问卷');
END;

CREATE TABLE survey_links (
    id               INTEGER PRIMARY KEY,
    questionnaire_id INTEGER NOT NULL REFERENCES questionnaires (id),
    household_id     INTEGER NOT NULL REFERENCES households (id),
    token_hash       TEXT NOT NULL UNIQUE,
    expires_at       TIMESTAMP NOT NULL,
    created_at       TIMESTAMP NOT NULL,
    UNIQUE (questionnaire_id, household_id)
);

CREATE TABLE survey_responses (
    id               INTEGER PRIMARY KEY,
    questionnaire_id INTEGER NOT NULL REFERENCES questionnaires (id),
    household_id     INTEGER NOT NULL REFERENCES households (id),
    answers          TEXT NOT NULL,
    idempotency_key  TEXT NOT NULL,
    ip               TEXT NOT NULL DEFAULT '',
    user_agent       TEXT NOT NULL DEFAULT '',
    created_at       TIMESTAMP NOT NULL,
    UNIQUE (questionnaire_id, idempotency_key)
);
CREATE INDEX survey_responses_household ON survey_responses (questionnaire_id, household_id, id);

CREATE TRIGGER survey_responses_append_only_update BEFORE UPDATE ON survey_responses
BEGIN
    SELECT RAISE(ABORT, 'renovote: 问卷答复只能追加，不能修改或删除');
END;
CREATE TRIGGER survey_responses_append_only_delete BEFORE DELETE ON survey_responses
BEGIN
    SELECT RAISE(ABORT, 'renovote: 问卷答复只能追加，不能修改或删除');
END;
