package http

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/renovote/renovote/engine"
)

type paperRequest struct {
	Decision       string `json:"decision"`
	SignerName     string `json:"signer_name"`
	Witness        string `json:"witness"`
	Photo          string `json:"photo"`
	IdempotencyKey string `json:"idempotency_key"`
	photo          []byte
	photoType      string
}

func (r *paperRequest) Validate() error {
	if err := validateVote(r.Decision); err != nil {
		return err
	}
	if err := validateSigner(r.SignerName, "signer_name"); err != nil {
		return err
	}
	if strings.TrimSpace(r.Witness) == "" {
		return engine.Invalidf("witness", "纸质表决需要填写见证人")
	}
	if err := validateSigner(r.Witness, "witness"); err != nil {
		return engine.Invalidf("witness", "%s", strings.ReplaceAll(err.(*engine.Error).Message, "签名人", "见证人"))
	}
	if err := validateKey(r.IdempotencyKey); err != nil {
		return err
	}
	if r.Photo == "" {
		return engine.Invalidf("photo", "请上传签字后的纸质表决单照片")
	}
	photo, typ, err := cleanPhoto(r.Photo)
	if err != nil {
		return err
	}
	r.photo, r.photoType = photo, typ
	return nil
}

// paperDecision records a decision a resident signed on paper, entered
// by the worker with a witness and a photo of the form.
func (s *Server) paperDecision(c echo.Context) error {
	p, err := s.project(c)
	if err != nil {
		return err
	}
	hid, err := pathID(c, "hid")
	if err != nil {
		return err
	}
	var h *engine.Household
	for i := range p.Households {
		if p.Households[i].ID == hid {
			h = &p.Households[i]
		}
	}
	if h == nil {
		return engine.Errorf(engine.ECodeNotFound, "住户 %d 不在这个项目中", hid)
	}
	b, err := s.store.CurrentBallot(c.Request().Context(), p.ID)
	if err != nil {
		return err
	}
	var req paperRequest
	if err := bind(c, maxPaperBody, &req); err != nil {
		return err
	}
	if err := s.printable("signer_name", "签名人姓名", req.SignerName); err != nil {
		return err
	}
	if err := s.printable("witness", "见证人", req.Witness); err != nil {
		return err
	}
	w := workerOf(c)
	d := &engine.Decision{ProjectID: p.ID, BallotID: b.ID, HouseholdID: h.ID, ScenarioSHA256: b.SHA256, Vote: req.Decision,
		SignerName: strings.TrimSpace(req.SignerName), Method: engine.MethodPaper, Witness: strings.TrimSpace(req.Witness),
		PaperPhoto: req.photo, PaperPhotoType: req.photoType, RecordedBy: w.ID, IP: c.RealIP(),
		UserAgent: clip(c.Request().UserAgent(), 300), IdempotencyKey: req.IdempotencyKey, CreatedAt: s.now()}
	return s.record(c, d)
}

// record stores a decision and answers 201, or 200 when its idempotency
// key replays an earlier one.
func (s *Server) record(c echo.Context, d *engine.Decision) error {
	replay, err := s.store.RecordDecision(c.Request().Context(), d)
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if replay {
		status = http.StatusOK
	}
	return c.JSON(status, toDecisionJSON(d))
}

type decisionRowJSON struct {
	decisionJSON
	Household      int64  `json:"household"`
	Room           string `json:"room"`
	Witness        string `json:"witness,omitempty"`
	IdempotencyKey string `json:"idempotency_key"`
}

// listDecisions lists every decision of the current ballot, oldest first.
func (s *Server) listDecisions(c echo.Context) error {
	p, err := s.project(c)
	if err != nil {
		return err
	}
	b, err := s.store.CurrentBallot(c.Request().Context(), p.ID)
	if err != nil {
		return err
	}
	ds, err := s.store.Decisions(c.Request().Context(), b.ID)
	if err != nil {
		return err
	}
	rooms := map[int64]string{}
	for _, h := range p.Households {
		rooms[h.ID] = h.Room
	}
	out := make([]decisionRowJSON, len(ds))
	for i, d := range ds {
		out[i] = decisionRowJSON{*toDecisionJSON(d), d.HouseholdID, rooms[d.HouseholdID], d.Witness, d.IdempotencyKey}
		out[i].Signer = d.SignerName // the worker sees the full name
	}
	return c.JSON(http.StatusOK, out)
}

type projectTallyJSON struct {
	*engine.TallyResult
	Undecided []string        `json:"undecided"`
	Ballot    int64           `json:"ballot"`
	Rule      json.RawMessage `json:"rule"`
	Deadline  time.Time       `json:"deadline"`
	Open      bool            `json:"open"`
}

// projectTally counts the latest decisions of the current ballot live.
func (s *Server) projectTally(c echo.Context) error {
	p, err := s.project(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	b, err := s.store.CurrentBallot(ctx, p.ID)
	if err != nil {
		return err
	}
	latest, err := s.store.LatestDecisions(ctx, b.ID)
	if err != nil {
		return err
	}
	res, undecided, err := tallyProject(p, b, latest)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, projectTallyJSON{TallyResult: res, Undecided: undecided, Ballot: b.ID, Rule: b.Rule,
		Deadline: b.Deadline, Open: b.Open(s.now())})
}

// tallyProject counts a project's latest decisions by the ballot's rule
// (民法典 第278条): households with the same owner_id are one owner.
func tallyProject(p *engine.Project, b *engine.Ballot, latest []*engine.Decision) (*engine.TallyResult, []string, error) {
	rule, err := engine.ParseRule(b.Rule)
	if err != nil {
		return nil, nil, err
	}
	votes := map[int64]string{}
	for _, d := range latest {
		votes[d.HouseholdID] = d.Vote
	}
	in := &engine.TallyInput{Rule: rule}
	undecided := []string{}
	for _, h := range p.Households {
		owner := ""
		if h.OwnerID != "" {
			owner = "owner:" + h.OwnerID
		}
		in.Households = append(in.Households, engine.TallyHousehold{ID: h.Room, Area: h.Area, Owner: owner, Vote: votes[h.ID], MustConsent: h.MustConsent})
		if votes[h.ID] == "" {
			undecided = append(undecided, h.Room)
		}
	}
	sort.Strings(undecided)
	if len(in.Households) == 0 {
		return nil, nil, engine.Invalidf("households", "项目没有住户")
	}
	res, err := engine.Tally(in)
	return res, undecided, err
}

// auditCheck verifies the project's audit chain.
func (s *Server) auditCheck(c echo.Context) error {
	p, err := s.project(c)
	if err != nil {
		return err
	}
	check, err := s.store.VerifyAudit(c.Request().Context(), p.ID)
	if err != nil {
		return err
	}
	out := map[string]any{"ok": check.OK, "events": check.Events, "broken_at": nil, "reason": check.Reason}
	if e := check.BrokenAt; e != nil {
		out["broken_at"] = map[string]any{"seq": e.Seq, "kind": e.Kind, "at": e.At, "hash": e.Hash}
	}
	return c.JSON(http.StatusOK, out)
}

// reissueLink gives a household a new signing link (the old one stops
// working): for a lost or forwarded printout.
func (s *Server) reissueLink(c echo.Context) error {
	p, err := s.project(c)
	if err != nil {
		return err
	}
	hid, err := pathID(c, "hid")
	if err != nil {
		return err
	}
	var room string
	for _, h := range p.Households {
		if h.ID == hid {
			room = h.Room
		}
	}
	if room == "" {
		return engine.Errorf(engine.ECodeNotFound, "住户 %d 不在这个项目中", hid)
	}
	b, err := s.store.CurrentBallot(c.Request().Context(), p.ID)
	if err != nil {
		return err
	}
	if !b.Open(s.now()) {
		return engine.Errorf(engine.ECodeConflict, "表决已截止，无需再发签署链接")
	}
	token, hash := engine.NewToken()
	if err := s.store.ReissueLink(c.Request().Context(), &engine.SigningLink{BallotID: b.ID, HouseholdID: hid, TokenHash: hash, ExpiresAt: b.Deadline},
		"worker:"+itoa(workerOf(c).ID)); err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, linkJSON{Household: hid, Room: room, URL: s.baseURL + "/s/" + token})
}
