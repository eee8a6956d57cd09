-- Issue 24 point 4 (see the PostgreSQL migration of the same number):
-- entries from outside carry their project from now on; those issued
-- before are routed by entry_routes, written once here.

CREATE TABLE entry_routes (
    kind       TEXT NOT NULL,
    key        TEXT NOT NULL,
    project_id INTEGER NOT NULL,
    PRIMARY KEY (kind, key)
) WITHOUT ROWID;
INSERT INTO entry_routes (kind, key, project_id)
    SELECT 'link', token_hash, project_id FROM signing_links
    UNION ALL SELECT 'survey', token_hash, project_id FROM survey_links
    UNION ALL SELECT 'decision', code, project_id FROM decisions
    UNION ALL SELECT 'payment', code, project_id FROM payments
    UNION ALL SELECT 'certificate', code, project_id FROM share_certificates
    UNION ALL SELECT 'slug', public_slug, id FROM projects WHERE public_slug IS NOT NULL;
CREATE TRIGGER entry_routes_frozen_insert BEFORE INSERT ON entry_routes
BEGIN
    SELECT RAISE(ABORT, 'renovote: 旧入口的项目登记只在升级时写一次，不能增改删');
END;
CREATE TRIGGER entry_routes_frozen_update BEFORE UPDATE ON entry_routes
BEGIN
    SELECT RAISE(ABORT, 'renovote: 旧入口的项目登记只在升级时写一次，不能增改删');
END;
CREATE TRIGGER entry_routes_frozen_delete BEFORE DELETE ON entry_routes
BEGIN
    SELECT RAISE(ABORT, 'renovote: 旧入口的项目登记只在升级时写一次，不能增改删');
END;

-- The keys the statements name (ON CONFLICT targets), led by the project
-- as on PostgreSQL. SQLite cannot drop a table's UNIQUE constraints
-- without rebuilding it; those of before stay beside these and mean the
-- same, a ballot or household being of one project.
DROP INDEX signing_links_live;
CREATE UNIQUE INDEX signing_links_live ON signing_links (project_id, ballot_id, household_id) WHERE revoked_at IS NULL;
CREATE UNIQUE INDEX signing_links_token ON signing_links (project_id, token_hash);
CREATE UNIQUE INDEX survey_links_token ON survey_links (project_id, token_hash);
CREATE UNIQUE INDEX decisions_code ON decisions (project_id, code);
CREATE UNIQUE INDEX decisions_idempotency_key ON decisions (project_id, ballot_id, idempotency_key);
CREATE UNIQUE INDEX payments_code ON payments (project_id, code);
DROP INDEX payments_reversed_once;
CREATE UNIQUE INDEX payments_reversed_once ON payments (project_id, reverses) WHERE reverses IS NOT NULL;
DROP INDEX funds_reversed_once;
CREATE UNIQUE INDEX funds_reversed_once ON funds (project_id, reverses) WHERE reverses IS NOT NULL;
CREATE UNIQUE INDEX share_certificates_code ON share_certificates (project_id, code);
DROP INDEX projects_public_slug;
