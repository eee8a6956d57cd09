package http_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/renovote/renovote/app"

	"github.com/renovote/renovote/engine"
	apphttp "github.com/renovote/renovote/http"
	"github.com/renovote/renovote/store"
	"github.com/renovote/renovote/store/storetest"
)

// TestLaterWritesDoNotLaunder: an administrator changes a row, then a
// worker's routine update of the same row is signed. The update's event
// vouches only for the columns it wrote, so the earlier change is still
// named by audit verify (found from outside: a rewritten 回访 rating, a
// goal, an admin flag were blessed by the next legitimate write).
func TestLaterWritesDoNotLaunder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, apphttp.Config{})
		e.addWorker("a", false)
		pid, links := e.published()
		base := fmt.Sprintf("/api/v1/projects/%d", pid)
		f := e.do("POST", "/api/v1/sign/"+links["301"]+"/feedback", "", map[string]any{"category": "噪音", "text": "晚上十点后还在施工"}).want(201).json()
		fid := int64(f["id"].(float64))
		asDBA(t, s, "feedback", "works")
		db := s.DB()
		// a feedback's text and rating rewritten, then answered and closed
		db.MustExec(db.Rebind(`UPDATE feedback SET text = ?, rating = ? WHERE id = ?`), "电梯施工很规范，感谢", "满意", fid)
		e.do("POST", fmt.Sprintf("%s/feedback/%d/answer", base, fid), "a", map[string]any{"text": "已处理"}).want(200)
		e.do("POST", fmt.Sprintf("%s/feedback/%d/close", base, fid), "a", nil).want(200)
		wantNamed(t, e, pid, engine.TableFeedback, fid, "rating")
		db.MustExec(db.Rebind(`UPDATE feedback SET text = ?, rating = '', rated_at = NULL WHERE id = ?`), "晚上十点后还在施工", fid)

		// the works' goal changed, then the stages saved
		e.do("PUT", base+"/satisfaction-goal", "a", map[string]any{"goal": "90"}).want(200)
		db.MustExec(db.Rebind(`UPDATE works SET satisfaction_goal = 1000 WHERE project_id = ?`), pid)
		works := e.do("GET", base+"/stages", "a", nil).want(200).json()
		e.do("PUT", base+"/stages", "a", works["stages"]).want(200)
		wantNamed(t, e, pid, engine.TableWorks, int64(pid), "satisfaction_goal")
	})
}

// TestPasswordChangeDoesNotLaunderAdmin: a worker made admin by SQL
// cannot have the flag blessed by changing their password: the change is
// refused, and audit verify 0 still names the flag.
func TestPasswordChangeDoesNotLaunderAdmin(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, apphttp.Config{})
		a := app.New(app.Config{Store: s, Now: e.clock.Now, SigningKey: storetest.Key})
		w := e.chainedWorker(a, "a", false)
		asDBA(t, s, "workers")
		s.DB().MustExec(s.DB().Rebind(`UPDATE workers SET admin = ? WHERE id = ?`), true, w.ID)
		e.do("POST", "/api/v1/password", "a", map[string]string{"current": "幸福里3号楼加梯-xxx", "password": "幸福里3号楼加梯-yyy"}).want(401)
		wantDiff(t, systemCheck(t, a), engine.TableWorkers, w.ID, "admin")
		// and an engine-level change of password alone images only the hash
		changed := engine.PasswordChanged(*w, nil, true, "worker:1", e.clock.Now())
		if strings.Contains(string(changed.Data), `"admin"`) {
			t.Errorf("a password change vouches for the admin flag: %s", changed.Data)
		}
	})
}

// TestProjectOwnerIsProjected: a project handed to another worker by SQL
// (owner_id) is named by audit verify.
func TestProjectOwnerIsProjected(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, apphttp.Config{})
		e.addWorker("a", false)
		other := e.addWorker("b", false)
		pid, _ := e.published()
		s.DB().MustExec(s.DB().Rebind(`UPDATE projects SET owner_id = ? WHERE id = ?`), other.ID, pid)
		e.do("GET", fmt.Sprintf("/api/v1/projects/%d/audit", pid), "a", nil).want(404) // no longer a's
		e.tokens["a"] = e.tokens["b"]
		wantNamed(t, e, pid, engine.TableProjects, int64(pid), "owner_id")
	})
}
