-- A link without its event is refused (DESIGN §15): each signing link
-- remembers the seq of the link_issued event that carries its token's
-- hash; the server proves the link by that event and the checkpoint after
-- it. Links issued before this migration have none (NULL): they stay
-- valid only while a link_issued event with their id lies on the signed
-- chain (app.linkIssued).
ALTER TABLE signing_links ADD COLUMN issued_seq INTEGER;
