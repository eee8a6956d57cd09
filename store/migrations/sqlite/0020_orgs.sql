-- Issue 24 (DESIGN §17): organisations 区 → 街道 → 社区, a project in one
-- 社区, workers with an organisation and a role, and workers assigned to
-- projects. Rows come from events (org_added on the system chain,
-- project_org_set and project_assigned on a project's chain), so the
-- default 默认区/默认街道/默认社区 and the move of older projects into it are
-- written by the server at start (app.AdoptOrgs), not here: a row written
-- by a migration would have no event to vouch for it.

CREATE TABLE orgs (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('区', '街道', '社区')),
    parent_id  INTEGER REFERENCES orgs (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX orgs_parent ON orgs (parent_id);

ALTER TABLE workers ADD COLUMN org_id INTEGER REFERENCES orgs (id);
ALTER TABLE workers ADD COLUMN role TEXT NOT NULL DEFAULT ''
    CHECK (role IN ('', 'worker', 'lead', 'supervisor', 'auditor'));

ALTER TABLE projects ADD COLUMN org_id INTEGER REFERENCES orgs (id);
CREATE INDEX projects_org ON projects (org_id, id);

CREATE TABLE project_assignments (
    id          INTEGER PRIMARY KEY,
    project_id  INTEGER NOT NULL REFERENCES projects (id),
    worker_id   INTEGER NOT NULL REFERENCES workers (id),
    assigned_at TIMESTAMP NOT NULL,
    UNIQUE (project_id, worker_id)
);
CREATE INDEX project_assignments_worker ON project_assignments (worker_id, project_id);
