-- A questionnaire sent to a whole 小区 is one questionnaire per project,
-- sharing a group key; results add up over the group.
ALTER TABLE questionnaires ADD COLUMN group_key TEXT NOT NULL DEFAULT '';
CREATE INDEX questionnaires_group ON questionnaires (group_key) WHERE group_key <> '';
