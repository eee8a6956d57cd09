package http

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"image"
	"image/jpeg"
	"image/png"
	"net/http"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/renovote/renovote/engine"
)

// beijing is 北京时间 (UTC+8): times are stored in UTC and shown in it.
var beijing = time.FixedZone("北京时间", 8*3600)

// signing is what a valid token opens: the household, its project, the
// ballot and the published scenario.
type signing struct {
	link      *engine.SigningLink
	ballot    *engine.Ballot
	project   *engine.Project
	household engine.Household
	scenario  *engine.Scenario
	result    *engine.CalcResult
	row       engine.HouseholdShare
}

// validToken is the shape of our tokens (43 URL-safe base64 characters);
// anything else is not looked up.
func validToken(t string) bool {
	if len(t) != 43 {
		return false
	}
	for _, c := range t {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// openSigning resolves a token to what it lets the household see and do.
func (s *Server) openSigning(c echo.Context) (*signing, error) {
	token := c.Param("token")
	notFound := engine.Errorf(engine.ECodeNotFound, "签署链接无效：请核对链接是否完整，或联系社区工作人员重新获取")
	if !validToken(token) {
		return nil, notFound
	}
	ctx := c.Request().Context()
	link, err := s.store.LinkByTokenHash(ctx, engine.HashToken(token))
	if err != nil {
		if engine.ErrorCode(err) == engine.ECodeNotFound {
			return nil, notFound
		}
		return nil, err
	}
	sg := &signing{link: link}
	if sg.ballot, err = s.store.Ballot(ctx, link.BallotID); err != nil {
		return nil, err
	}
	pub, err := s.published.get(ctx, s.store, sg.ballot)
	if err != nil {
		return nil, err
	}
	i, ok := pub.households[link.HouseholdID]
	if !ok {
		return nil, notFound
	}
	sg.project, sg.scenario, sg.result = pub.project, pub.scenario, &pub.result
	sg.household = pub.project.Households[i]
	sg.row = pub.rows[sg.household.Room]
	return sg, nil
}

// publishedBallot is what a ballot froze: the project with its households
// and the scenario with its parsed result. The database refuses any change
// to them once published, so every server may keep them in memory.
type publishedBallot struct {
	project    *engine.Project
	scenario   *engine.Scenario
	result     engine.CalcResult
	input      *engine.CalcInput                // the scenario's calculation input, for printing
	households map[int64]int                    // household id → index in project.Households
	rows       map[string]engine.HouseholdShare // room → result row
}

// publishedCache keeps the most recently used published ballots.
type publishedCache struct {
	mu    sync.Mutex
	items map[int64]*publishedBallot
	order []int64 // oldest first
}

const publishedCacheSize = 32

func (pc *publishedCache) get(ctx context.Context, st Store, b *engine.Ballot) (*publishedBallot, error) {
	pc.mu.Lock()
	pub, ok := pc.items[b.ID]
	pc.mu.Unlock()
	if ok {
		return pub, nil
	}
	pub = &publishedBallot{households: map[int64]int{}, rows: map[string]engine.HouseholdShare{}}
	var err error
	// The resident acts as the household, not as a worker: load the project
	// as the system would.
	if pub.project, err = st.Project(ctx, &engine.Worker{Admin: true}, b.ProjectID); err != nil {
		return nil, err
	}
	if pub.scenario, err = st.Scenario(ctx, b.ProjectID, b.ScenarioID); err != nil {
		return nil, err
	}
	if !pub.scenario.Published() {
		return nil, engine.Errorf(engine.ECodeInternal, "ballot %d: scenario %d is not published", b.ID, b.ScenarioID)
	}
	if err := json.Unmarshal(pub.scenario.Result, &pub.result); err != nil {
		return nil, err
	}
	if pub.input, _, err = engine.ComputeScenario(pub.project, pub.scenario.Input); err != nil {
		return nil, err
	}
	for i, h := range pub.project.Households {
		pub.households[h.ID] = i
	}
	for _, r := range pub.result.Households {
		pub.rows[r.ID] = r
	}
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if pc.items == nil {
		pc.items = map[int64]*publishedBallot{}
	}
	if _, ok := pc.items[b.ID]; !ok {
		pc.items[b.ID] = pub
		pc.order = append(pc.order, b.ID)
		if len(pc.order) > publishedCacheSize {
			delete(pc.items, pc.order[0])
			pc.order = pc.order[1:]
		}
	}
	return pub, nil
}

// open reports whether the household may still decide.
func (sg *signing) open(now time.Time) bool {
	return sg.ballot.Open(now) && now.Before(sg.link.ExpiresAt)
}

type decisionJSON struct {
	ID             int64     `json:"id"`
	Decision       string    `json:"decision"`
	Code           string    `json:"code"`
	SignedAt       time.Time `json:"signed_at"`
	ScenarioSHA256 string    `json:"scenario_sha256"`
	Method         string    `json:"method"`
	Signer         string    `json:"signer"`
}

func toDecisionJSON(d *engine.Decision) *decisionJSON {
	if d == nil {
		return nil
	}
	return &decisionJSON{ID: d.ID, Decision: d.Vote, Code: d.Code, SignedAt: d.CreatedAt, ScenarioSHA256: d.ScenarioSHA256,
		Method: d.Method, Signer: engine.MaskName(d.SignerName)}
}

type signViewJSON struct {
	Project struct {
		Name    string `json:"name"`
		Address string `json:"address"`
	} `json:"project"`
	Household struct {
		Room  string      `json:"room"`
		Floor int         `json:"floor"`
		Area  engine.Area `json:"area"`
		Owner string      `json:"owner"`
		Phone string      `json:"phone"`
	} `json:"household"`
	Scenario struct {
		Name   string `json:"name"`
		SHA256 string `json:"sha256"`
	} `json:"scenario"`
	Result      engine.HouseholdShare `json:"result"`
	FloorTotals []engine.FloorTotal   `json:"floor_totals"`
	Decision    *decisionJSON         `json:"decision"`
	Deadline    time.Time             `json:"deadline"`
	Open        bool                  `json:"open"`
	Rule        string                `json:"rule_text"`
}

func (s *Server) signViewData(c echo.Context, sg *signing) (*signViewJSON, error) {
	d, err := s.store.HouseholdDecision(c.Request().Context(), sg.ballot.ID, sg.household.ID)
	if err != nil {
		return nil, err
	}
	v := &signViewJSON{Result: sg.row, FloorTotals: sg.result.FloorTotals, Decision: toDecisionJSON(d),
		Deadline: sg.ballot.Deadline, Open: sg.open(s.now())}
	v.Project.Name, v.Project.Address = sg.project.Name, sg.project.Address
	h := sg.household
	v.Household.Room, v.Household.Floor, v.Household.Area = h.Room, h.Floor, h.Area
	v.Household.Owner, v.Household.Phone = engine.MaskName(h.OwnerName), engine.MaskPhone(h.Phone)
	v.Result.Owner = engine.MaskName(v.Result.Owner)
	v.Scenario.Name, v.Scenario.SHA256 = sg.scenario.Name, sg.scenario.SHA256
	if rule, err := engine.ParseRule(sg.ballot.Rule); err == nil {
		v.Rule = rule.Describe()
	}
	return v, nil
}

// signView is what the household pays and signs, as JSON.
func (s *Server) signView(c echo.Context) error {
	sg, err := s.openSigning(c)
	if err != nil {
		return err
	}
	v, err := s.signViewData(c, sg)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

type signRequest struct {
	Decision       string `json:"decision"`
	SignerName     string `json:"signer_name"`
	SignaturePNG   string `json:"signature_png"`
	IdempotencyKey string `json:"idempotency_key"`
	signature      []byte
}

func (r *signRequest) Validate() error {
	if err := validateVote(r.Decision); err != nil {
		return err
	}
	if err := validateSigner(r.SignerName, "signer_name"); err != nil {
		return err
	}
	if err := validateKey(r.IdempotencyKey); err != nil {
		return err
	}
	if r.SignaturePNG == "" {
		if r.Decision != engine.VoteAbstain {
			return engine.Invalidf("signature_png", "请在签名框内手写签名后再提交")
		}
		return nil
	}
	sig, err := cleanSignature(r.SignaturePNG)
	if err != nil {
		return err
	}
	r.signature = sig
	return nil
}

func validateVote(v string) error {
	switch v {
	case engine.VoteAgree, engine.VoteDisagree, engine.VoteAbstain:
		return nil
	case "":
		return engine.Invalidf("decision", "请选择 同意、不同意 或 弃权")
	}
	return engine.Invalidf("decision", "表决意见“%s”无效，应为 agree（同意）、disagree（不同意）或 abstain（弃权）", clip(v, 20))
}

func validateSigner(name, field string) error {
	name = strings.TrimSpace(name)
	if name == "" {
		return engine.Invalidf(field, "请填写签名人姓名")
	}
	if utf8.RuneCountInString(name) > 32 {
		return engine.Invalidf(field, "签名人姓名太长：最多32个字")
	}
	for _, c := range name {
		if c < 0x20 || c == 0x7f || c > 0xFFFF || c == utf8.RuneError {
			return engine.Invalidf(field, "签名人姓名中的字符“%c”无法打印在协议上，请改用常用字", c)
		}
	}
	return nil
}

func validateKey(k string) error {
	if len(k) < 8 || len(k) > 64 {
		return engine.Invalidf("idempotency_key", "缺少或无效的提交编号（idempotency_key，8到64个字符）")
	}
	for _, c := range k {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return engine.Invalidf("idempotency_key", "提交编号只能包含字母、数字、- 和 _")
		}
	}
	return nil
}

// decodeBase64Image accepts plain base64 or a data: URL.
func decodeBase64Image(s, field string, maxBytes int) ([]byte, error) {
	if i := strings.Index(s, ";base64,"); strings.HasPrefix(s, "data:") && i > 0 {
		s = s[i+len(";base64,"):]
	}
	if base64.StdEncoding.DecodedLen(len(s)) > maxBytes+3 {
		return nil, engine.Errorf(engine.ECodeTooLarge, "图片太大：最多 %d KB", maxBytes>>10)
	}
	data, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, engine.Invalidf(field, "图片数据无法读取（应为 base64 编码）")
	}
	if len(data) > maxBytes {
		return nil, engine.Errorf(engine.ECodeTooLarge, "图片太大：最多 %d KB", maxBytes>>10)
	}
	return data, nil
}

// cleanSignature checks a drawn signature (PNG ≤ 200 KB, ≤ 2000×1000, not
// blank) and re-encodes it as grey ink on white: nothing the browser sent
// is stored as is, and interlaced PNGs (which the PDF library rejects)
// come out plain.
func cleanSignature(b64 string) ([]byte, error) {
	data, err := decodeBase64Image(b64, "signature_png", 200<<10)
	if err != nil {
		return nil, err
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || format != "png" {
		return nil, engine.Invalidf("signature_png", "签名图片应为 PNG 格式")
	}
	if cfg.Width < 50 || cfg.Height < 20 || cfg.Width > 2000 || cfg.Height > 1000 {
		return nil, engine.Invalidf("signature_png", "签名图片尺寸应在 50×20 到 2000×1000 像素之间，现为 %d×%d", cfg.Width, cfg.Height)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, engine.Invalidf("signature_png", "签名图片已损坏，请重新签名")
	}
	gray, ink := onWhite(img)
	if ink < 30 {
		return nil, engine.Invalidf("signature_png", "签名是空白的：请在签名框内手写签名")
	}
	var out bytes.Buffer
	if err := signatureEncoder.Encode(&out, gray); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// signatureEncoder reuses its compressor buffers: setting up a zlib writer
// costs more than compressing a signature.
var signatureEncoder = &png.Encoder{CompressionLevel: png.BestSpeed, BufferPool: &encoderPool{}}

type encoderPool struct{ p sync.Pool }

func (e *encoderPool) Get() *png.EncoderBuffer {
	b, _ := e.p.Get().(*png.EncoderBuffer)
	return b
}

func (e *encoderPool) Put(b *png.EncoderBuffer) { e.p.Put(b) }

// onWhite flattens img onto white paper as greys and counts the inked
// pixels (darker than light grey).
func onWhite(img image.Image) (*image.Gray, int) {
	b := img.Bounds()
	gray := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
	ink := 0
	put := func(i int, r, g, bl, a uint32) { // 16-bit, alpha-premultiplied
		lum := (19595*r + 38470*g + 7471*bl + 1<<15) >> 16 // of the ink
		v := (lum*a + 0xffff*(0xffff-a)) / 0xffff          // over white
		gray.Pix[i] = uint8(v >> 8)
		if v>>8 < 200 {
			ink++
		}
	}
	if n, ok := img.(*image.NRGBA); ok { // what canvas.toDataURL gives: 8-bit, straight alpha
		for y := 0; y < b.Dy(); y++ {
			row := n.Pix[y*n.Stride : y*n.Stride+4*b.Dx()]
			out := gray.Pix[y*gray.Stride : y*gray.Stride+b.Dx()]
			for x := range out {
				p := row[4*x : 4*x+4 : 4*x+4]
				lum := (19595*uint32(p[0]) + 38470*uint32(p[1]) + 7471*uint32(p[2]) + 1<<15) >> 16
				a := uint32(p[3])
				v := (lum*a + 255*(255-a) + 127) / 255
				out[x] = uint8(v)
				if v < 200 {
					ink++
				}
			}
		}
		return gray, ink
	}
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			r, g, bl, a := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
			put(y*gray.Stride+x, r, g, bl, a)
		}
	}
	return gray, ink
}

// cleanPhoto checks a photo of a signed paper form (JPEG or PNG ≤ 2 MB,
// ≤ 8000×8000) and re-encodes it as JPEG.
func cleanPhoto(b64 string) ([]byte, string, error) {
	data, err := decodeBase64Image(b64, "photo", 2<<20)
	if err != nil {
		return nil, "", err
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || (format != "png" && format != "jpeg") {
		return nil, "", engine.Invalidf("photo", "纸质表决单照片应为 JPEG 或 PNG 格式")
	}
	if cfg.Width > 8000 || cfg.Height > 8000 || cfg.Width < 100 || cfg.Height < 100 {
		return nil, "", engine.Invalidf("photo", "照片尺寸应在 100×100 到 8000×8000 像素之间，现为 %d×%d", cfg.Width, cfg.Height)
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, "", engine.Invalidf("photo", "照片已损坏，请重新拍摄")
	}
	var out bytes.Buffer
	if err := jpeg.Encode(&out, img, &jpeg.Options{Quality: 85}); err != nil {
		return nil, "", err
	}
	return out.Bytes(), "image/jpeg", nil
}

// signPost records the household's decision. The same idempotency key
// replays the same answer (200), never a second decision.
func (s *Server) signPost(c echo.Context) error {
	sg, err := s.openSigning(c)
	if err != nil {
		return err
	}
	var req signRequest
	if err := bind(c, maxSignBody, &req); err != nil {
		return err
	}
	if err := s.printable("signer_name", "签名人姓名", req.SignerName); err != nil {
		return err
	}
	now := s.now()
	if !sg.open(now) {
		// a replay of a decision made in time still answers
		if d, _ := s.decisionByKey(c, sg, req.IdempotencyKey); d != nil {
			return c.JSON(http.StatusOK, toDecisionJSON(d))
		}
		return engine.Errorf(engine.ECodeConflict, "表决已于 %s 截止，不能再提交或更改意见", sg.ballot.Deadline.In(beijing).Format("2006年1月2日 15:04"))
	}
	d := &engine.Decision{ProjectID: sg.project.ID, BallotID: sg.ballot.ID, HouseholdID: sg.household.ID,
		ScenarioSHA256: sg.ballot.SHA256, Vote: req.Decision, SignerName: strings.TrimSpace(req.SignerName),
		SignaturePNG: req.signature, Method: engine.MethodOnline, IP: c.RealIP(), UserAgent: clip(c.Request().UserAgent(), 300),
		IdempotencyKey: req.IdempotencyKey, CreatedAt: now}
	return s.record(c, d)
}

func (s *Server) decisionByKey(c echo.Context, sg *signing, key string) (*engine.Decision, error) {
	ds, err := s.store.Decisions(c.Request().Context(), sg.ballot.ID)
	if err != nil {
		return nil, err
	}
	for _, d := range ds {
		if d.IdempotencyKey == key && d.HouseholdID == sg.household.ID {
			return d, nil
		}
	}
	return nil, nil
}
