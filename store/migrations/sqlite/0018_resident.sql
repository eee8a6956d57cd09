-- Issue 23/22 (the resident's side): a 不同意 may say why, and an
-- objection through a household's link may carry a photo (as a paper
-- decision does). Both are kept in the rows' event images.

ALTER TABLE decisions ADD COLUMN reason TEXT NOT NULL DEFAULT '';
ALTER TABLE objections ADD COLUMN photo BLOB;
ALTER TABLE objections ADD COLUMN photo_type TEXT NOT NULL DEFAULT '';
