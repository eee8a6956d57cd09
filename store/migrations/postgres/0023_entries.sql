-- Issue 24 point 4: entries from outside — signing and questionnaire
-- tokens, verification codes, the public slug — carry their project from
-- now on (engine/entry.go), so each lookup is keyed by project_id. Those
-- issued before are on paper and phones: entry_routes records each one's
-- project, once, here; nothing writes to it afterwards.

CREATE TABLE entry_routes (
    kind       TEXT NOT NULL,
    key        TEXT NOT NULL,
    project_id BIGINT NOT NULL,
    PRIMARY KEY (kind, key)
);
INSERT INTO entry_routes (kind, key, project_id)
    SELECT 'link', token_hash, project_id FROM signing_links
    UNION ALL SELECT 'survey', token_hash, project_id FROM survey_links
    UNION ALL SELECT 'decision', code, project_id FROM decisions
    UNION ALL SELECT 'payment', code, project_id FROM payments
    UNION ALL SELECT 'certificate', code, project_id FROM share_certificates
    UNION ALL SELECT 'slug', public_slug, id FROM projects WHERE public_slug IS NOT NULL;
CREATE TRIGGER entry_routes_frozen BEFORE INSERT OR UPDATE OR DELETE ON entry_routes
FOR EACH ROW EXECUTE FUNCTION renovote_refuse('旧入口的项目登记只在升级时写一次，不能增改删');

-- A distributed table's unique keys must include its distribution column:
-- each key below leads with the project. Secrets and codes are unique per
-- project (random, and new ones contain the project's id); what one row per
-- household or per submission means is unchanged, a ballot, questionnaire
-- or household being of one project.
ALTER TABLE signing_links DROP CONSTRAINT signing_links_token_hash_key;
CREATE UNIQUE INDEX signing_links_token ON signing_links (project_id, token_hash);
DROP INDEX signing_links_live;
CREATE UNIQUE INDEX signing_links_live ON signing_links (project_id, ballot_id, household_id) WHERE revoked_at IS NULL;

ALTER TABLE survey_links DROP CONSTRAINT survey_links_token_hash_key;
CREATE UNIQUE INDEX survey_links_token ON survey_links (project_id, token_hash);
ALTER TABLE survey_links DROP CONSTRAINT survey_links_questionnaire_id_household_id_key;
DROP INDEX survey_links_project;
CREATE UNIQUE INDEX survey_links_project ON survey_links (project_id, questionnaire_id, household_id);

ALTER TABLE survey_responses DROP CONSTRAINT survey_responses_questionnaire_id_idempotency_key_key;
CREATE UNIQUE INDEX survey_responses_idempotency_key ON survey_responses (project_id, questionnaire_id, idempotency_key);

ALTER TABLE decisions DROP CONSTRAINT decisions_code_key;
CREATE UNIQUE INDEX decisions_code ON decisions (project_id, code);
ALTER TABLE decisions DROP CONSTRAINT decisions_ballot_id_idempotency_key_key;
CREATE UNIQUE INDEX decisions_idempotency_key ON decisions (project_id, ballot_id, idempotency_key);

ALTER TABLE payments DROP CONSTRAINT payments_code_key;
CREATE UNIQUE INDEX payments_code ON payments (project_id, code);
DROP INDEX payments_reversed_once;
CREATE UNIQUE INDEX payments_reversed_once ON payments (project_id, reverses) WHERE reverses IS NOT NULL;
DROP INDEX funds_reversed_once;
CREATE UNIQUE INDEX funds_reversed_once ON funds (project_id, reverses) WHERE reverses IS NOT NULL;

ALTER TABLE share_certificates DROP CONSTRAINT share_certificates_code_key;
CREATE UNIQUE INDEX share_certificates_code ON share_certificates (project_id, code);

-- The public page is found by the project's id and its slug.
DROP INDEX projects_public_slug;

ALTER TABLE ballot_closures DROP CONSTRAINT ballot_closures_pkey;
ALTER TABLE ballot_closures ADD PRIMARY KEY (project_id, ballot_id);
DROP INDEX ballot_closures_project;
ALTER TABLE ballot_results DROP CONSTRAINT ballot_results_pkey;
ALTER TABLE ballot_results ADD PRIMARY KEY (project_id, ballot_id);
DROP INDEX ballot_results_project;
ALTER TABLE household_funding DROP CONSTRAINT household_funding_pkey;
ALTER TABLE household_funding ADD PRIMARY KEY (project_id, household_id);
DROP INDEX household_funding_project;
