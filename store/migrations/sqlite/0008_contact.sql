-- Who residents ask: a contact on every resident page, slip and notice.
ALTER TABLE projects ADD COLUMN contact_name TEXT NOT NULL DEFAULT '';
ALTER TABLE projects ADD COLUMN contact_phone TEXT NOT NULL DEFAULT '';
ALTER TABLE projects ADD COLUMN contact_office TEXT NOT NULL DEFAULT '';
