-- The agreement's particulars: 甲方 (implementing body or owners'
-- representative), the payee account, when compensation is paid. Published
-- with each plan (the snapshot's "terms").
ALTER TABLE projects ADD COLUMN party_a TEXT NOT NULL DEFAULT '';
ALTER TABLE projects ADD COLUMN party_a_rep TEXT NOT NULL DEFAULT '';
ALTER TABLE projects ADD COLUMN account_name TEXT NOT NULL DEFAULT '';
ALTER TABLE projects ADD COLUMN account_bank TEXT NOT NULL DEFAULT '';
ALTER TABLE projects ADD COLUMN account_number TEXT NOT NULL DEFAULT '';
ALTER TABLE projects ADD COLUMN compensation_by TEXT NOT NULL DEFAULT '';
