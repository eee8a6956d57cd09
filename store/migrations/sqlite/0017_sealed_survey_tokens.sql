-- A survey link's token sealed like a signing link's (0016), so that
-- questionnaire slips can be printed again; '' for links issued before.
ALTER TABLE survey_links ADD COLUMN sealed_token TEXT NOT NULL DEFAULT '';
