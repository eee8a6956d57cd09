-- A signing link's token sealed (AES-256-GCM under the seal key kept in a
-- file beside the signing key, never in the database) so that slips can be
-- printed again with the same links; '' for links issued before.
ALTER TABLE signing_links ADD COLUMN sealed_token TEXT NOT NULL DEFAULT '';
