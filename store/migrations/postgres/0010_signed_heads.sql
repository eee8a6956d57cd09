-- The record is the truth (DESIGN §15): a chain's head row carries the
-- signature of the checkpoint that signed it, so that a writer reads the
-- head and its signature under one lock and refuses to extend a head that
-- the server's key did not sign.
ALTER TABLE audit_heads ADD COLUMN cp_at TIMESTAMPTZ;
ALTER TABLE audit_heads ADD COLUMN key_id TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_heads ADD COLUMN signature TEXT NOT NULL DEFAULT '';
UPDATE audit_heads h SET cp_at = c.at, key_id = c.key_id, signature = c.signature
    FROM checkpoints c WHERE c.project_id = h.project_id AND c.seq = h.seq;
