-- Issue 24 point 3: the shared limits live in PostgreSQL (several servers
-- on one database). A SQLite database has one server, whose limits stay
-- in its process.

-- Issue 24 point 4: every read of project data is keyed by project_id.
-- A project's decisions were read (audit, projections) by project_id with
-- no index on it: a scan of every project's decisions. Photos of an
-- inspection and every link of a ballot (revoked ones too) likewise.
CREATE INDEX decisions_project ON decisions (project_id, id);
CREATE INDEX inspection_photos_inspection ON inspection_photos (inspection_id);
CREATE INDEX signing_links_ballot ON signing_links (ballot_id);
