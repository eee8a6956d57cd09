-- Issue 24 point 4: the tables of a project can be distributed by project
-- (Citus, co-located with projects), whose rule is that every primary
-- key, unique key and foreign key between distributed tables includes the
-- distribution column. 0023 widened the unique keys; here the primary
-- keys become (project_id, id) and each foreign key from one project table
-- to another's row names the project as well: (project_id, ballot_id)
-- REFERENCES ballots (project_id, id). A row can then only point at a row
-- of its own project, which the database now checks too. Ids stay
-- unique (identity columns); lookups are by (project_id, id) already
-- (store's TestEveryProjectStatementIsKeyed). What is left for Citus is
-- BENCHMARKS.md's create_distributed_table calls.

DO $$
DECLARE
    keyed text[] := ARRAY['households', 'scenarios', 'ballots', 'decisions', 'objections', 'payments', 'funds',
        'inspections', 'inspection_issues', 'inspection_photos', 'feedback', 'questionnaires', 'signing_links', 'survey_links',
        'survey_responses', 'share_certificates', 'project_assignments'];
    t text;
    fk record;
    again text[] := '{}';
    c text;
BEGIN
    -- foreign keys onto those tables' ids: dropped, made again with the project below
    FOR fk IN
        SELECT con.conname, con.conrelid::regclass::text AS tbl, att.attname AS col, con.confrelid::regclass::text AS ref
        FROM pg_constraint con
        JOIN pg_attribute att ON att.attrelid = con.conrelid AND att.attnum = con.conkey[1]
        WHERE con.contype = 'f' AND cardinality(con.conkey) = 1 AND con.confrelid::regclass::text = ANY (keyed)
        ORDER BY 2, 1
    LOOP
        EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I', fk.tbl, fk.conname);
        again := again || format('ALTER TABLE %I ADD CONSTRAINT %I FOREIGN KEY (project_id, %I) REFERENCES %I (project_id, id)',
            fk.tbl, fk.conname, fk.col, fk.ref);
    END LOOP;
    FOREACH t IN ARRAY keyed LOOP
        EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I, ADD PRIMARY KEY (project_id, id)', t, t || '_pkey');
    END LOOP;
    FOREACH c IN ARRAY again LOOP
        EXECUTE c;
    END LOOP;
END
$$;

-- The chain's events are keyed by their place in the chain, which was
-- unique already: one index fewer than (project_id, id) beside it. (With
-- such an index, PostgreSQL whose statistics did not know a new project
-- yet read a household's events of the day by it and filtered the
-- project's thousands of events: signing 0.75× on a growing database.)
ALTER TABLE audit_events DROP CONSTRAINT audit_events_pkey;
ALTER TABLE audit_events DROP CONSTRAINT audit_events_project_id_seq_key;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_seq PRIMARY KEY (project_id, seq);

-- the primary keys now serve what these served
DROP INDEX ballots_project;
DROP INDEX decisions_project;
DROP INDEX feedback_project;
DROP INDEX funds_project;
DROP INDEX questionnaires_project;

-- The daily count of a household's acts reads its events by (project_id,
-- actor, at), each actor's share taken as one in the number of distinct
-- actors. Right after a vote is published the statistics have seen one
-- actor, the worker who published, and PostgreSQL read the whole project
-- by its key instead: a household acts a few times, so a tenth of the
-- events is the honest count of actors.
ALTER TABLE audit_events ALTER COLUMN actor SET (n_distinct = -0.1);
