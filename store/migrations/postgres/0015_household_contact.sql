-- After publishing, a household's contact (its phone) may still be
-- corrected; its facts (room, floor, area, owner, owner grouping, flags)
-- stay as the plan put to the vote published them.
CREATE OR REPLACE FUNCTION renovote_households_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    pid BIGINT;
BEGIN
    IF TG_OP = 'INSERT' THEN pid := NEW.project_id; ELSE pid := OLD.project_id; END IF;
    IF EXISTS (SELECT 1 FROM scenarios WHERE project_id = pid AND status = 'published') THEN
        IF TG_OP = 'UPDATE' AND NEW.id = OLD.id AND NEW.project_id = OLD.project_id AND NEW.room = OLD.room AND NEW.floor = OLD.floor
           AND NEW.area = OLD.area AND NEW.owner_name = OLD.owner_name AND NEW.owner_id = OLD.owner_id
           AND NEW.hardship = OLD.hardship AND NEW.exempt = OLD.exempt AND NEW.must_consent = OLD.must_consent THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION USING ERRCODE = 'RV001',
            MESSAGE = 'renovote: 方案已发布，住户不能再修改；如需修改，请新建项目或方案后重新发布';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$;
