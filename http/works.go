package http

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/renovote/renovote/app"
	"github.com/renovote/renovote/engine"
)

type worksJSON struct {
	Stages           []engine.Stage      `json:"stages"`
	Supervisors      []engine.Supervisor `json:"supervisors"`
	SatisfactionGoal engine.Percent      `json:"satisfaction_goal"`
}

func toWorksJSON(w *engine.Works) worksJSON {
	return worksJSON{w.Stages, w.Supervisors, w.SatisfactionGoal}
}

// listBody reads a JSON list into v: the stages and the group are sent as
// bare lists.
func listBody(c echo.Context, v any) error {
	data, err := readBody(c, maxJSONBody)
	if err != nil {
		return err
	}
	if err := engine.CheckJSON(data); err != nil {
		return err
	}
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	return nil
}

func (s *Server) getWorks(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	w, err := s.app.Works(c.Request().Context(), workerOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toWorksJSON(w))
}

// putStages replaces the stages: [{name, planned, actual?, note?}].
func (s *Server) putStages(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var stages []engine.Stage
	if err := listBody(c, &stages); err != nil {
		return err
	}
	w, err := s.app.SaveStages(c.Request().Context(), workerOf(c), id, stages)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toWorksJSON(w))
}

// putSupervisors replaces the supervision group: [{name, role, phone}].
func (s *Server) putSupervisors(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var group []engine.Supervisor
	if err := listBody(c, &group); err != nil {
		return err
	}
	w, err := s.app.SaveSupervisors(c.Request().Context(), workerOf(c), id, group)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toWorksJSON(w))
}

type goalRequest struct {
	Goal string `json:"goal"`
	goal engine.Percent
}

func (r *goalRequest) Validate() error {
	f, err := engine.ParseAmount(strings.TrimSuffix(strings.TrimSpace(r.Goal), "%"), "goal", "满意率目标")
	r.goal = engine.Percent(f)
	return err
}

func (s *Server) putGoal(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req goalRequest
	if err := bind(c, 4<<10, &req); err != nil {
		return err
	}
	w, err := s.app.SetSatisfactionGoal(c.Request().Context(), workerOf(c), id, req.goal)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toWorksJSON(w))
}

type inspectionRequest struct {
	Date       string   `json:"date"`
	Inspectors []string `json:"inspectors"`
	Findings   string   `json:"findings"`
	Issues     []string `json:"issues"`
	Photos     []string `json:"photos"`
	photos     [][]byte
}

func (r *inspectionRequest) Validate() error {
	if len(r.Photos) > 6 {
		return engine.Invalidf("photos", "每次检查最多6张照片")
	}
	for i, p := range r.Photos {
		photo, _, err := cleanPhoto(p)
		if err != nil {
			var ee *engine.Error
			if errorsAs(err, &ee) && ee.Field == "photo" {
				ee.Field = "photos[" + itoa(int64(i)) + "]"
			}
			return err
		}
		r.photos = append(r.photos, photo)
	}
	return nil
}

type issueJSON struct {
	ID          int64  `json:"id"`
	Text        string `json:"text"`
	FixedDate   string `json:"fixed_date"`
	FixedNote   string `json:"fixed_note"`
	HasFixPhoto bool   `json:"has_fix_photo"`
}

type inspectionJSON struct {
	ID         int64       `json:"id"`
	Date       string      `json:"date"`
	Inspectors []string    `json:"inspectors"`
	Findings   string      `json:"findings"`
	Issues     []issueJSON `json:"issues"`
	Photos     int         `json:"photos"` // how many: …/photos/inspection/{id}?n=1…
}

func toInspectionJSON(in *engine.Inspection) inspectionJSON {
	out := inspectionJSON{ID: in.ID, Date: in.Day, Inspectors: in.Inspectors, Findings: in.Findings, Issues: []issueJSON{}, Photos: in.PhotoCount}
	for _, is := range in.Issues {
		out.Issues = append(out.Issues, issueJSON{is.ID, is.Text, is.FixedDay, is.FixedNote, is.HasFixPhoto})
	}
	return out
}

func (s *Server) recordInspection(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req inspectionRequest
	if err := bind(c, 16<<20, &req); err != nil {
		return err
	}
	in, err := s.app.RecordInspection(c.Request().Context(), workerOf(c), id, app.InspectionInput{Day: req.Date, Inspectors: req.Inspectors,
		Findings: req.Findings, Issues: req.Issues, Photos: req.photos})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toInspectionJSON(in))
}

func (s *Server) listInspections(c echo.Context) error {
	return projectList(c, s.app.Inspections, toInspectionJSON)
}

type fixRequest struct {
	Date  string `json:"date"`
	Note  string `json:"note"`
	Photo string `json:"photo"`
	photo []byte
}

func (r *fixRequest) Validate() error {
	if len([]rune(r.Note)) > 500 {
		return engine.Invalidf("note", "整改说明最多500字")
	}
	if r.Photo != "" {
		photo, _, err := cleanPhoto(r.Photo)
		if err != nil {
			return err
		}
		r.photo = photo
	}
	return nil
}

func (s *Server) fixIssue(c echo.Context) error {
	id, iid, err := pathIDs(c, "id", "iid")
	if err != nil {
		return err
	}
	var req fixRequest
	if err := bind(c, maxPaperBody, &req); err != nil {
		return err
	}
	is, err := s.app.FixIssue(c.Request().Context(), workerOf(c), id, iid, req.Date, req.Note, req.photo)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, issueJSON{is.ID, is.Text, is.FixedDay, is.FixedNote, len(is.FixedPhoto) > 0})
}

type feedbackRequest struct {
	Category string `json:"category"`
	Text     string `json:"text"`
	Photo    string `json:"photo"`
	in       app.FeedbackInput
}

func (r *feedbackRequest) Validate() error {
	r.in = app.FeedbackInput{Category: r.Category, Text: r.Text}
	if r.Photo != "" {
		photo, typ, err := cleanPhoto(r.Photo)
		if err != nil {
			return err
		}
		r.in.Photo, r.in.PhotoType = photo, typ
	}
	return nil
}

type feedbackJSON struct {
	ID         int64      `json:"id"`
	Category   string     `json:"category"`
	Text       string     `json:"text"`
	Room       string     `json:"room,omitempty"`
	Anonymous  bool       `json:"anonymous"`
	SentAt     time.Time  `json:"sent_at"`
	Answer     string     `json:"answer"`
	AnsweredAt *time.Time `json:"answered_at"`
	ClosedAt   *time.Time `json:"closed_at"`
	Rating     string     `json:"rating"`
	HasPhoto   bool       `json:"has_photo"`
}

func toFeedbackJSON(f *engine.Feedback, room string) feedbackJSON {
	return feedbackJSON{f.ID, f.Category, f.Text, room, f.HouseholdID == 0, f.CreatedAt, f.Answer, f.AnsweredAt, f.ClosedAt, f.Rating, f.PhotoType != ""}
}

// sendFeedback: a household's opinion or complaint through its link.
func (s *Server) sendFeedback(c echo.Context) error {
	var req feedbackRequest
	if err := bind(c, maxPaperBody, &req); err != nil {
		return err
	}
	f, err := s.app.SendFeedback(c.Request().Context(), c.Param("token"), req.in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]int64{"id": f.ID})
}

// sendPublicFeedback: an anonymous message from the public page.
func (s *Server) sendPublicFeedback(c echo.Context) error {
	var req feedbackRequest
	if err := bind(c, 16<<10, &req); err != nil {
		return err
	}
	if req.Photo != "" {
		return engine.Invalidf("photo", "匿名意见不能附照片；需要附照片请用您家的专属链接")
	}
	f, err := s.app.SendPublicFeedback(c.Request().Context(), c.Param("slug"), req.in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]int64{"id": f.ID})
}

type ratingRequest struct {
	Rating string `json:"rating"`
}

func (r *ratingRequest) Validate() error { return nil }

// rateFeedback is the sender's 回访 after closing.
func (s *Server) rateFeedback(c echo.Context) error {
	fid, err := pathID(c, "fid")
	if err != nil {
		return err
	}
	var req ratingRequest
	if err := bind(c, 4<<10, &req); err != nil {
		return err
	}
	f, err := s.app.RateFeedback(c.Request().Context(), c.Param("token"), fid, req.Rating)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toFeedbackJSON(f, ""))
}

func (s *Server) listFeedback(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	fs, err := s.app.FeedbackList(ctx, workerOf(c), id)
	if err != nil {
		return err
	}
	p, err := s.app.Project(ctx, workerOf(c), id)
	if err != nil {
		return err
	}
	rooms := map[int64]string{}
	for _, h := range p.Households {
		rooms[h.ID] = h.Room
	}
	out := make([]feedbackJSON, len(fs))
	for i, f := range fs {
		out[i] = toFeedbackJSON(f, rooms[f.HouseholdID])
	}
	return c.JSON(http.StatusOK, out)
}

type answerTextRequest struct {
	Text string `json:"text"`
}

func (r *answerTextRequest) Validate() error { return nil }

func (s *Server) answerFeedback(c echo.Context) error {
	id, fid, err := pathIDs(c, "id", "fid")
	if err != nil {
		return err
	}
	var req answerTextRequest
	if err := bind(c, 16<<10, &req); err != nil {
		return err
	}
	f, err := s.app.AnswerFeedback(c.Request().Context(), workerOf(c), id, fid, req.Text)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toFeedbackJSON(f, ""))
}

func (s *Server) closeFeedback(c echo.Context) error {
	id, fid, err := pathIDs(c, "id", "fid")
	if err != nil {
		return err
	}
	f, err := s.app.CloseFeedback(c.Request().Context(), workerOf(c), id, fid)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toFeedbackJSON(f, ""))
}

func (s *Server) progress(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	p, err := s.app.Progress(c.Request().Context(), workerOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, p)
}

func (s *Server) progressPDF(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	doc, err := s.app.ProgressPDF(c.Request().Context(), workerOf(c), id)
	return sendPDF(c, doc, err)
}

// photo sends a photo kept with a record: the signed paper form, a slip,
// a site photo, a fix, a resident's picture (GET …/photos/{kind}/{id}[?n=]).
func (s *Server) photo(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	rid, err := pathIDString(c.Param("rid"))
	if err != nil {
		return err
	}
	n := 1
	if q := c.QueryParam("n"); q != "" {
		if n, err = strconv.Atoi(q); err != nil || n < 1 || n > 6 {
			return engine.Invalidf("n", "第几张照片应为 1 到 6，收到“%s”", q)
		}
	}
	data, typ, err := s.app.Photo(c.Request().Context(), workerOf(c), id, c.Param("kind"), rid, n)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Disposition", "inline")
	return c.Blob(http.StatusOK, typ, data)
}
