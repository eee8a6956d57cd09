-- The record is the truth (DESIGN §15): a chain's head row carries the
-- signature of the checkpoint that signed it, so that a writer reads the
-- head and its signature under one lock and refuses to extend a head that
-- the server's key did not sign.
ALTER TABLE audit_heads ADD COLUMN cp_at TIMESTAMP;
ALTER TABLE audit_heads ADD COLUMN key_id TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_heads ADD COLUMN signature TEXT NOT NULL DEFAULT '';
UPDATE audit_heads SET
    cp_at = (SELECT c.at FROM checkpoints c WHERE c.project_id = audit_heads.project_id AND c.seq = audit_heads.seq),
    key_id = COALESCE((SELECT c.key_id FROM checkpoints c WHERE c.project_id = audit_heads.project_id AND c.seq = audit_heads.seq), ''),
    signature = COALESCE((SELECT c.signature FROM checkpoints c WHERE c.project_id = audit_heads.project_id AND c.seq = audit_heads.seq), '');
