-- Issue 24 point 4: every statement on project data is keyed by project_id,
-- so each table can be distributed by project (Citus, co-located). Six
-- child tables were reached only through their parent's id; each gets the
-- project of its parent, NOT NULL once filled. The append-only triggers
-- are disabled only around the backfill, in this transaction.

ALTER TABLE signing_links ADD COLUMN project_id BIGINT REFERENCES projects (id);
UPDATE signing_links l SET project_id = b.project_id FROM ballots b WHERE b.id = l.ballot_id;
ALTER TABLE signing_links ALTER COLUMN project_id SET NOT NULL;
DROP INDEX signing_links_ballot;
CREATE INDEX signing_links_project ON signing_links (project_id, ballot_id);

ALTER TABLE ballot_closures ADD COLUMN project_id BIGINT REFERENCES projects (id);
ALTER TABLE ballot_closures DISABLE TRIGGER ballot_closures_frozen;
UPDATE ballot_closures c SET project_id = b.project_id FROM ballots b WHERE b.id = c.ballot_id;
ALTER TABLE ballot_closures ENABLE TRIGGER ballot_closures_frozen;
ALTER TABLE ballot_closures ALTER COLUMN project_id SET NOT NULL;
CREATE INDEX ballot_closures_project ON ballot_closures (project_id, ballot_id);

-- The primary key leads with the project, as a distributed table's must;
-- the upsert of a view counts on it.
ALTER TABLE page_views ADD COLUMN project_id BIGINT REFERENCES projects (id);
UPDATE page_views v SET project_id = l.project_id FROM signing_links l WHERE l.id = v.link_id;
ALTER TABLE page_views ALTER COLUMN project_id SET NOT NULL;
ALTER TABLE page_views DROP CONSTRAINT page_views_pkey;
ALTER TABLE page_views ADD PRIMARY KEY (project_id, link_id, day);

ALTER TABLE inspection_photos ADD COLUMN project_id BIGINT REFERENCES projects (id);
UPDATE inspection_photos p SET project_id = i.project_id FROM inspections i WHERE i.id = p.inspection_id;
ALTER TABLE inspection_photos ALTER COLUMN project_id SET NOT NULL;
DROP INDEX inspection_photos_inspection;
CREATE INDEX inspection_photos_project ON inspection_photos (project_id, inspection_id, id);

ALTER TABLE survey_links ADD COLUMN project_id BIGINT REFERENCES projects (id);
UPDATE survey_links l SET project_id = q.project_id FROM questionnaires q WHERE q.id = l.questionnaire_id;
ALTER TABLE survey_links ALTER COLUMN project_id SET NOT NULL;
CREATE INDEX survey_links_project ON survey_links (project_id, questionnaire_id, household_id);

ALTER TABLE survey_responses ADD COLUMN project_id BIGINT REFERENCES projects (id);
ALTER TABLE survey_responses DISABLE TRIGGER survey_responses_append_only;
UPDATE survey_responses r SET project_id = q.project_id FROM questionnaires q WHERE q.id = r.questionnaire_id;
ALTER TABLE survey_responses ENABLE TRIGGER survey_responses_append_only;
ALTER TABLE survey_responses ALTER COLUMN project_id SET NOT NULL;
DROP INDEX survey_responses_household;
CREATE INDEX survey_responses_household ON survey_responses (project_id, questionnaire_id, household_id, id);
