-- A project's public pages (/p/{slug}) are reached by an unguessable slug,
-- not by the sequential id, so that published projects cannot be listed.
ALTER TABLE projects ADD COLUMN public_slug TEXT;
UPDATE projects SET public_slug = substr(replace(gen_random_uuid()::text, '-', ''), 1, 24) WHERE public_slug IS NULL;
CREATE UNIQUE INDEX projects_public_slug ON projects (public_slug);
