package http

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/renovote/renovote/app"
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
		var ee *engine.Error
		if errors.As(err, &ee) {
			return engine.Invalidf("witness", "%s", strings.ReplaceAll(ee.Message, "签名人", "见证人"))
		}
		return err
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
	id, hid, err := pathIDs(c, "id", "hid")
	if err != nil {
		return err
	}
	var req paperRequest
	if err := bind(c, maxPaperBody, &req); err != nil {
		return err
	}
	rec, err := s.app.RecordPaperDecision(c.Request().Context(), workerOf(c), id, hid, app.Vote{Vote: req.Decision, SignerName: req.SignerName,
		Witness: req.Witness, Photo: req.photo, PhotoType: req.photoType, IdempotencyKey: req.IdempotencyKey,
		IP: c.RealIP(), UserAgent: clip(c.Request().UserAgent(), 300)})
	if err != nil {
		return err
	}
	return writeRecorded(c, rec)
}

// recordedJSON is a decision as recorded, with the chain anchor and key
// fingerprint the receipt prints.
type recordedJSON struct {
	*decisionJSON
	Anchor         engine.Anchor `json:"anchor"`
	AnchorText     string        `json:"anchor_text"`
	KeyFingerprint string        `json:"key_fingerprint"`
}

// writeRecorded answers 201 for a new decision, 200 when its idempotency
// key replayed an earlier one.
func writeRecorded(c echo.Context, rec *app.Recorded) error {
	status := http.StatusCreated
	if rec.Replay {
		status = http.StatusOK
	}
	return c.JSON(status, recordedJSON{toDecisionJSON(rec.Decision), rec.Anchor, rec.Anchor.Text(), rec.Key})
}

type decisionRowJSON struct {
	decisionJSON
	Household      int64  `json:"household"`
	Room           string `json:"room"`
	Witness        string `json:"witness,omitempty"`
	IdempotencyKey string `json:"idempotency_key"`
	HasPhoto       bool   `json:"has_photo"` // the signed paper form: …/photos/decision/{id}
}

// listDecisions lists every decision of the current ballot, oldest first.
func (s *Server) listDecisions(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	rows, err := s.app.Decisions(c.Request().Context(), workerOf(c), id)
	if err != nil {
		return err
	}
	out := make([]decisionRowJSON, len(rows))
	for i, r := range rows {
		d := r.Decision
		out[i] = decisionRowJSON{*toDecisionJSON(d), d.HouseholdID, r.Room, d.Witness, d.IdempotencyKey, d.PaperPhotoType != ""}
		out[i].Signer = d.SignerName // the worker sees the full name
	}
	return c.JSON(http.StatusOK, out)
}

// projectTally counts the latest decisions of the current ballot live.
func (s *Server) projectTally(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	t, err := s.app.Tally(c.Request().Context(), workerOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, t)
}

type auditJSON struct {
	OK          bool          `json:"ok"`
	Events      int           `json:"events"`
	Checkpoints int           `json:"checkpoints"`
	BrokenAt    *brokenAtJSON `json:"broken_at"`
	Reason      string        `json:"reason"`
	// Diff names the first row that differs from the chain: table, id,
	// column.
	Diff *engine.RowDiff `json:"diff,omitempty"`
}

type brokenAtJSON struct {
	Seq  int64     `json:"seq"`
	Kind string    `json:"kind"`
	At   time.Time `json:"at"`
	Hash string    `json:"hash"`
}

// auditCheck verifies the project's audit chain.
func (s *Server) auditCheck(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	check, err := s.app.CheckAudit(c.Request().Context(), workerOf(c), id)
	if err != nil {
		return err
	}
	out := auditJSON{OK: check.OK, Events: check.Events, Checkpoints: check.Checkpoints, Reason: check.Reason, Diff: check.Diff}
	if e := check.BrokenAt; e != nil {
		out.BrokenAt = &brokenAtJSON{Seq: e.Seq, Kind: e.Kind, At: e.At, Hash: e.Hash}
	}
	return c.JSON(http.StatusOK, out)
}

// reissueLink gives a household a new signing link (the old one stops
// working): for a lost or forwarded printout.
// reissueAllLinks replaces every household's link, to reprint all slips.
func (s *Server) reissueAllLinks(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ls, err := s.app.ReissueAllLinks(c.Request().Context(), workerOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]any{"links": ls})
}

func (s *Server) reissueLink(c echo.Context) error {
	id, hid, err := pathIDs(c, "id", "hid")
	if err != nil {
		return err
	}
	l, err := s.app.ReissueLink(c.Request().Context(), workerOf(c), id, hid)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, l)
}

// chainStatus says whether the server refused to extend the project's
// chain and how far each witness is behind (the console's banner).
func (s *Server) chainStatus(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	st, err := s.app.ChainStatus(c.Request().Context(), workerOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, st)
}
