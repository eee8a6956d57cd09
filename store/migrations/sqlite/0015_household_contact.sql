-- After publishing, a household's contact (its phone) may still be
-- corrected; its facts (room, floor, area, owner, owner grouping, flags)
-- stay as the plan put to the vote published them.
DROP TRIGGER households_frozen_update;
CREATE TRIGGER households_frozen_update BEFORE UPDATE ON households
WHEN EXISTS (SELECT 1 FROM scenarios WHERE project_id = OLD.project_id AND status = 'published')
 AND (NEW.id IS NOT OLD.id OR NEW.project_id IS NOT OLD.project_id OR NEW.room IS NOT OLD.room OR NEW.floor IS NOT OLD.floor
      OR NEW.area IS NOT OLD.area OR NEW.owner_name IS NOT OLD.owner_name OR NEW.owner_id IS NOT OLD.owner_id
      OR NEW.hardship IS NOT OLD.hardship OR NEW.exempt IS NOT OLD.exempt OR NEW.must_consent IS NOT OLD.must_consent)
BEGIN
    SELECT RAISE(ABORT, 'renovote: 方案已发布，住户只能更正联系电话；其他信息如需修改，请新建方案后重新发布');
END;
