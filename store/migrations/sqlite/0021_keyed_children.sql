-- Issue 24 point 4: every statement on project data is keyed by project_id,
-- so each table can be distributed by project (Citus). Six child tables
-- were reached only through their parent's id; each gets the project of
-- its parent. SQLite cannot add a NOT NULL column without a default (nor a
-- non-NULL default beside REFERENCES while foreign keys are on), and a
-- table rebuild would drop the rows' references, so the column is
-- nullable and a trigger refuses a row whose project is not its parent's.
-- The append-only triggers are dropped only around the backfill and come
-- back as they were.

ALTER TABLE signing_links ADD COLUMN project_id INTEGER REFERENCES projects (id);
UPDATE signing_links SET project_id = (SELECT b.project_id FROM ballots b WHERE b.id = signing_links.ballot_id);
DROP INDEX signing_links_ballot;
CREATE INDEX signing_links_project ON signing_links (project_id, ballot_id);
CREATE TRIGGER signing_links_project_insert BEFORE INSERT ON signing_links
WHEN NEW.project_id IS NOT (SELECT project_id FROM ballots WHERE id = NEW.ballot_id)
BEGIN
    SELECT RAISE(ABORT, 'renovote: 签署链接的项目与表决的项目不一致');
END;
CREATE TRIGGER signing_links_project_update BEFORE UPDATE OF project_id, ballot_id ON signing_links
BEGIN
    SELECT RAISE(ABORT, 'renovote: 签署链接的项目和表决不能修改');
END;

DROP TRIGGER ballot_closures_frozen_update;
ALTER TABLE ballot_closures ADD COLUMN project_id INTEGER REFERENCES projects (id);
UPDATE ballot_closures SET project_id = (SELECT b.project_id FROM ballots b WHERE b.id = ballot_closures.ballot_id);
CREATE TRIGGER ballot_closures_frozen_update BEFORE UPDATE ON ballot_closures
BEGIN
    SELECT RAISE(ABORT, 'renovote: 表决的结束记录不能修改或删除');
END;
CREATE INDEX ballot_closures_project ON ballot_closures (project_id, ballot_id);
CREATE TRIGGER ballot_closures_project_insert BEFORE INSERT ON ballot_closures
WHEN NEW.project_id IS NOT (SELECT project_id FROM ballots WHERE id = NEW.ballot_id)
BEGIN
    SELECT RAISE(ABORT, 'renovote: 表决结束记录的项目与表决的项目不一致');
END;

-- The upsert of a view counts on (project_id, link_id, day); the primary
-- key (link_id, day) stays (SQLite cannot change a primary key in place).
ALTER TABLE page_views ADD COLUMN project_id INTEGER REFERENCES projects (id);
UPDATE page_views SET project_id = (SELECT l.project_id FROM signing_links l WHERE l.id = page_views.link_id);
CREATE UNIQUE INDEX page_views_project ON page_views (project_id, link_id, day);
CREATE TRIGGER page_views_project_insert BEFORE INSERT ON page_views
WHEN NEW.project_id IS NOT (SELECT project_id FROM signing_links WHERE id = NEW.link_id)
BEGIN
    SELECT RAISE(ABORT, 'renovote: 浏览记录的项目与签署链接的项目不一致');
END;
CREATE TRIGGER page_views_project_update BEFORE UPDATE OF project_id, link_id ON page_views
BEGIN
    SELECT RAISE(ABORT, 'renovote: 浏览记录的项目和链接不能修改');
END;

ALTER TABLE inspection_photos ADD COLUMN project_id INTEGER REFERENCES projects (id);
UPDATE inspection_photos SET project_id = (SELECT i.project_id FROM inspections i WHERE i.id = inspection_photos.inspection_id);
DROP INDEX inspection_photos_inspection;
CREATE INDEX inspection_photos_project ON inspection_photos (project_id, inspection_id, id);
CREATE TRIGGER inspection_photos_project_insert BEFORE INSERT ON inspection_photos
WHEN NEW.project_id IS NOT (SELECT project_id FROM inspections WHERE id = NEW.inspection_id)
BEGIN
    SELECT RAISE(ABORT, 'renovote: 巡查照片的项目与巡查记录的项目不一致');
END;
CREATE TRIGGER inspection_photos_project_update BEFORE UPDATE OF project_id, inspection_id ON inspection_photos
BEGIN
    SELECT RAISE(ABORT, 'renovote: 巡查照片的项目和巡查记录不能修改');
END;

ALTER TABLE survey_links ADD COLUMN project_id INTEGER REFERENCES projects (id);
UPDATE survey_links SET project_id = (SELECT q.project_id FROM questionnaires q WHERE q.id = survey_links.questionnaire_id);
CREATE INDEX survey_links_project ON survey_links (project_id, questionnaire_id, household_id);
CREATE TRIGGER survey_links_project_insert BEFORE INSERT ON survey_links
WHEN NEW.project_id IS NOT (SELECT project_id FROM questionnaires WHERE id = NEW.questionnaire_id)
BEGIN
    SELECT RAISE(ABORT, 'renovote: 问卷链接的项目与问卷的项目不一致');
END;
CREATE TRIGGER survey_links_project_update BEFORE UPDATE OF project_id, questionnaire_id ON survey_links
BEGIN
    SELECT RAISE(ABORT, 'renovote: 问卷链接的项目和问卷不能修改');
END;

DROP TRIGGER survey_responses_append_only_update;
ALTER TABLE survey_responses ADD COLUMN project_id INTEGER REFERENCES projects (id);
UPDATE survey_responses SET project_id = (SELECT q.project_id FROM questionnaires q WHERE q.id = survey_responses.questionnaire_id);
CREATE TRIGGER survey_responses_append_only_update BEFORE UPDATE ON survey_responses
BEGIN
    SELECT RAISE(ABORT, 'renovote: 问卷答复只能追加，不能修改或删除');
END;
DROP INDEX survey_responses_household;
CREATE INDEX survey_responses_household ON survey_responses (project_id, questionnaire_id, household_id, id);
CREATE TRIGGER survey_responses_project_insert BEFORE INSERT ON survey_responses
WHEN NEW.project_id IS NOT (SELECT project_id FROM questionnaires WHERE id = NEW.questionnaire_id)
BEGIN
    SELECT RAISE(ABORT, 'renovote: 问卷答复的项目与问卷的项目不一致');
END;
