package http

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/renovote/renovote/engine"
)

// The vote's lifecycle (DESIGN §16): close early, the result, objections
// and their answers, the final result.

type closeRequest struct {
	ObjectionDays int `json:"objection_days"`
}

func (r *closeRequest) Validate() error { return nil } // the range is engine's (engine.ObjectionDays)

// closeBallot closes the current ballot early once every household has
// decided, and posts the count.
func (s *Server) closeBallot(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req closeRequest
	if err := bind(c, 4<<10, &req); err != nil {
		return err
	}
	res, err := s.app.CloseBallot(c.Request().Context(), workerOf(c), id, req.ObjectionDays)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, res)
}

// result is where the current ballot stands.
func (s *Server) result(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	res, err := s.app.Result(c.Request().Context(), workerOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, res)
}

// finalize announces the final result.
func (s *Server) finalize(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	res, err := s.app.Finalize(c.Request().Context(), workerOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, res)
}

type objectionRequest struct {
	HouseholdID int64  `json:"household_id"`
	Name        string `json:"name"`
	Reason      string `json:"reason"`
	// Photo is an optional data URL (JPEG or PNG, as a paper decision's
	// photo), through a household's link only.
	Photo     string `json:"photo"`
	photo     []byte
	photoType string
}

func (r *objectionRequest) Validate() error {
	if !utf8.ValidString(r.Name) || len(r.Name) > 256 {
		return engine.Invalidf("name", "姓名过长")
	}
	if len(r.Reason) > 8<<10 {
		return engine.Invalidf("reason", "异议理由过长")
	}
	if r.Photo != "" {
		var err error
		if r.photo, r.photoType, err = cleanPhoto(r.Photo); err != nil {
			return err
		}
	}
	return nil
}

// objectViaLink: a household objects to the posted count through its
// link.
func (s *Server) objectViaLink(c echo.Context) error {
	var req objectionRequest
	if err := bind(c, maxPaperBody, &req); err != nil {
		return err
	}
	if req.HouseholdID != 0 {
		return engine.Invalidf("household_id", "通过本户链接提出异议时不需要填写住户")
	}
	o, err := s.app.ObjectViaLink(c.Request().Context(), c.Param("token"), req.Name, req.Reason, req.photo, req.photoType)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, o)
}

// objectInPerson: the worker enters an objection raised in person.
func (s *Server) objectInPerson(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req objectionRequest
	if err := bind(c, 16<<10, &req); err != nil {
		return err
	}
	if req.HouseholdID <= 0 {
		return engine.Invalidf("household_id", "请选择提出异议的住户（household_id）：不接受匿名异议")
	}
	if req.photo != nil {
		return engine.Invalidf("photo", "现场提出的异议不附照片；请在答复中写明所见材料")
	}
	o, err := s.app.ObjectInPerson(c.Request().Context(), workerOf(c), id, req.HouseholdID, req.Name, req.Reason)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, o)
}

type objectionAnswerRequest struct {
	Outcome    string `json:"outcome"`
	Reason     string `json:"reason"`
	Correction *struct {
		DecisionID int64   `json:"decision_id"`
		Vote       *string `json:"vote"`
	} `json:"correction"`
}

func (r *objectionAnswerRequest) Validate() error {
	if len(r.Reason) > 8<<10 {
		return engine.Invalidf("reason", "答复理由过长")
	}
	if r.Correction != nil {
		if r.Correction.DecisionID <= 0 {
			return engine.Invalidf("correction.decision_id", "请填写要更正的表决意见编号（decision_id）")
		}
		if r.Correction.Vote == nil {
			return engine.Invalidf("correction.vote", "请填写更正后的意见：agree、disagree、abstain，或空字符串表示不计入")
		}
	}
	r.Outcome = strings.TrimSpace(r.Outcome)
	return nil
}

// answerObjection answers an objection: 维持 or 更正.
func (s *Server) answerObjection(c echo.Context) error {
	id, oid, err := pathIDs(c, "id", "oid")
	if err != nil {
		return err
	}
	var req objectionAnswerRequest
	if err := bind(c, 16<<10, &req); err != nil {
		return err
	}
	var corr *engine.Correction
	if req.Correction != nil {
		corr = &engine.Correction{DecisionID: req.Correction.DecisionID, Vote: *req.Correction.Vote}
	}
	o, err := s.app.AnswerObjection(c.Request().Context(), workerOf(c), id, oid, req.Outcome, req.Reason, corr)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, o)
}

// resultPDF is the 表决结果公示; finalPDF the 表决结果公告.
func (s *Server) resultPDF(c echo.Context) error { return s.lifecyclePDF(c, false) }
func (s *Server) finalPDF(c echo.Context) error  { return s.lifecyclePDF(c, true) }

func (s *Server) lifecyclePDF(c echo.Context, final bool) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	doc, err := s.app.ResultPDF(c.Request().Context(), workerOf(c), id, final)
	return sendPDF(c, doc, err)
}
