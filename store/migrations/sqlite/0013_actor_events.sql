-- A link adds at most a few events a day (DESIGN §15): counting what an
-- actor added to a chain since the start of the day reads this index,
-- not the whole chain.
CREATE INDEX audit_events_actor ON audit_events (project_id, actor, at);
