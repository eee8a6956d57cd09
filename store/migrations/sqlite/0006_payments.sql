-- Money actually collected (docs/payments.md): each household's payments,
-- refunds and the reversals that correct them; the project's other income
-- (subsidies received, donations) and its spending. Records are never
-- edited: a correction is a reversal row pointing at the wrong one.

CREATE TABLE payments (
    id              INTEGER PRIMARY KEY,
    project_id      INTEGER NOT NULL REFERENCES projects (id),
    household_id    INTEGER NOT NULL REFERENCES households (id),
    kind            TEXT NOT NULL CHECK (kind IN ('payment', 'refund', 'reversal')),
    amount          INTEGER NOT NULL CHECK (amount > 0),
    day             TEXT NOT NULL,
    method          TEXT NOT NULL DEFAULT '',
    note            TEXT NOT NULL DEFAULT '',
    photo           BLOB,
    photo_type      TEXT NOT NULL DEFAULT '',
    receipt_no      TEXT NOT NULL,
    code            TEXT NOT NULL UNIQUE,
    reverses        INTEGER REFERENCES payments (id),
    recorded_by     INTEGER NOT NULL REFERENCES workers (id),
    idempotency_key TEXT NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    UNIQUE (project_id, idempotency_key),
    UNIQUE (project_id, receipt_no)
);
CREATE INDEX payments_household ON payments (project_id, household_id, id);
-- a record is reversed at most once
CREATE UNIQUE INDEX payments_reversed_once ON payments (reverses) WHERE reverses IS NOT NULL;

CREATE TABLE funds (
    id              INTEGER PRIMARY KEY,
    project_id      INTEGER NOT NULL REFERENCES projects (id),
    kind            TEXT NOT NULL CHECK (kind IN ('income', 'expense', 'reversal')),
    source          TEXT NOT NULL DEFAULT '',
    payee           TEXT NOT NULL DEFAULT '',
    what            TEXT NOT NULL DEFAULT '',
    amount          INTEGER NOT NULL CHECK (amount > 0),
    day             TEXT NOT NULL,
    photo           BLOB,
    photo_type      TEXT NOT NULL DEFAULT '',
    reverses        INTEGER REFERENCES funds (id),
    recorded_by     INTEGER NOT NULL REFERENCES workers (id),
    idempotency_key TEXT NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    UNIQUE (project_id, idempotency_key)
);
CREATE INDEX funds_project ON funds (project_id, id);
CREATE UNIQUE INDEX funds_reversed_once ON funds (reverses) WHERE reverses IS NOT NULL;

CREATE TRIGGER payments_append_only_update BEFORE UPDATE ON payments
BEGIN
    SELECT RAISE(ABORT, 'renovote: 收款记录只能追加，不能修改或删除；更正请做冲正');
END;
CREATE TRIGGER payments_append_only_delete BEFORE DELETE ON payments
BEGIN
    SELECT RAISE(ABORT, 'renovote: 收款记录只能追加，不能修改或删除；更正请做冲正');
END;
CREATE TRIGGER funds_append_only_update BEFORE UPDATE ON funds
BEGIN
    SELECT RAISE(ABORT, 'renovote: 收支记录只能追加，不能修改或删除；更正请做冲正');
END;
CREATE TRIGGER funds_append_only_delete BEFORE DELETE ON funds
BEGIN
    SELECT RAISE(ABORT, 'renovote: 收支记录只能追加，不能修改或删除；更正请做冲正');
END;
