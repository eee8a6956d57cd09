package witness

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/renovote/renovote/engine"
)

// Client posts the checkpoints of a witness File to one remote witness.
// The File itself is the durable outbox: a checkpoint is on disk before
// the request that made it is answered, and the client remembers, in a
// small cursor file beside it, how far the witness has acknowledged. When
// the witness is down nothing is lost; it is posted when it comes back.
type Client struct {
	url        string
	file       *File
	pub        ed25519.PublicKey
	cursorPath string
	http       *http.Client
	logger     *slog.Logger
	now        func() time.Time
	minBackoff time.Duration
	maxBackoff time.Duration

	mu         sync.Mutex
	sent       cursor
	registered bool
	lastOK     time.Time
	lastError  string
}

// cursor is how far a witness has acknowledged the file.
type cursor struct {
	URL    string `json:"url"`
	Offset int64  `json:"offset"`
	Lines  int64  `json:"lines"`
}

// ClientConfig configures a Client.
type ClientConfig struct {
	URL        string
	File       *File
	Public     ed25519.PublicKey // the server key the witness checks against
	HTTP       *http.Client      // default: a 30-second timeout
	Logger     *slog.Logger
	Now        func() time.Time // for LastOK; default engine.Now
	MinBackoff time.Duration    // default 1s
	MaxBackoff time.Duration    // default 1m
}

// batchSize is how many checkpoints one POST carries.
const batchSize = 1000

// NewClient reads the client's cursor (beside the witness file).
func NewClient(cfg ClientConfig) (*Client, error) {
	u := strings.TrimRight(cfg.URL, "/")
	if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
		return nil, engine.Invalidf("witness", "见证方地址“%s”应以 http:// 或 https:// 开头", cfg.URL)
	}
	sum := sha256.Sum256([]byte(u))
	c := &Client{url: u, file: cfg.File, pub: cfg.Public, cursorPath: cfg.File.Path() + ".sent-" + hex.EncodeToString(sum[:6]),
		http: cfg.HTTP, logger: cfg.Logger, now: cfg.Now, minBackoff: cfg.MinBackoff, maxBackoff: cfg.MaxBackoff}
	if c.http == nil {
		c.http = &http.Client{Timeout: 30 * time.Second}
	}
	if c.logger == nil {
		c.logger = slog.Default()
	}
	if c.now == nil {
		c.now = engine.Now
	}
	if c.minBackoff <= 0 {
		c.minBackoff = time.Second
	}
	if c.maxBackoff < c.minBackoff {
		c.maxBackoff = max(time.Minute, c.minBackoff)
	}
	data, err := os.ReadFile(c.cursorPath)
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return nil, fmt.Errorf("无法读取见证方发送进度“%s”：%w", c.cursorPath, err)
	default:
		if err := json.Unmarshal(data, &c.sent); err != nil {
			return nil, fmt.Errorf("见证方发送进度文件“%s”格式不对：%w", c.cursorPath, err)
		}
	}
	if size, _ := cfg.File.durable(); c.sent.Offset > size {
		c.sent = cursor{} // the file was replaced: send everything again (the witness ignores what it has)
	}
	c.sent.URL = u
	return c, nil
}

// URL is the witness's address.
func (c *Client) URL() string { return c.url }

// Lag is how far a remote witness is behind, for the console.
type Lag = engine.WitnessLag

// Lag is this witness's lag.
func (c *Client) Lag() Lag {
	_, lines := c.file.durable()
	c.mu.Lock()
	defer c.mu.Unlock()
	return Lag{URL: c.url, Pending: int(max(0, lines-c.sent.Lines)), LastOK: c.lastOK, LastError: c.lastError}
}

// Run posts until ctx ends: whenever the file grows, and after a failure
// again and again with a growing pause.
func (c *Client) Run(ctx context.Context) {
	kick := c.file.subscribe()
	backoff := c.minBackoff
	for {
		more, err := c.deliver(ctx)
		if ctx.Err() != nil {
			return
		}
		switch {
		case err != nil:
			c.fail(err)
			t := time.NewTimer(backoff)
			backoff = min(2*backoff, c.maxBackoff)
			select {
			case <-ctx.Done():
				t.Stop()
				return
			case <-t.C:
			}
			continue
		case more:
			backoff = c.minBackoff
			continue
		}
		backoff = c.minBackoff
		select {
		case <-ctx.Done():
			return
		case <-kick:
		}
	}
}

// refused is a witness's 409: a fork or a regression it saw.
type refused struct{ message string }

func (e *refused) Error() string { return "见证方拒绝：" + e.message }

func (c *Client) fail(err error) {
	var r *refused
	if errors.As(err, &r) {
		c.logger.Error("WITNESS ALARM: a witness refused our checkpoints", "witness", c.url, "message", r.message)
	} else {
		c.logger.Warn("witness unreachable; checkpoints stay in the outbox", "witness", c.url, "err", err)
	}
	c.mu.Lock()
	c.lastError = err.Error()
	c.mu.Unlock()
}

// deliver posts one batch; more says whether more is waiting.
func (c *Client) deliver(ctx context.Context) (more bool, err error) {
	c.mu.Lock()
	from, lines := c.sent.Offset, c.sent.Lines
	c.mu.Unlock()
	cps, end, err := c.file.readFrom(from, batchSize)
	if err != nil || len(cps) == 0 {
		return false, err
	}
	if err := c.register(ctx); err != nil {
		return false, err
	}
	if err := c.post(ctx, cps); err != nil {
		return false, err
	}
	next := cursor{URL: c.url, Offset: end, Lines: lines + int64(len(cps))}
	if err := writeCursor(c.cursorPath, next); err != nil {
		return false, err
	}
	c.mu.Lock()
	c.sent, c.lastOK, c.lastError = next, c.now(), ""
	c.mu.Unlock()
	size, _ := c.file.durable()
	return end < size, nil
}

func (c *Client) register(ctx context.Context) error {
	c.mu.Lock()
	done := c.registered
	c.mu.Unlock()
	if done {
		return nil
	}
	body, _ := json.Marshal(map[string]string{"public_key": base64.StdEncoding.EncodeToString(c.pub)})
	if _, err := c.call(ctx, "/v1/servers", body); err != nil {
		return err
	}
	c.mu.Lock()
	c.registered = true
	c.mu.Unlock()
	return nil
}

func (c *Client) post(ctx context.Context, cps []*engine.Checkpoint) error {
	recs := make([]record, len(cps))
	for i, cp := range cps {
		recs[i] = recordOf(cp)
	}
	body, err := json.Marshal(map[string]any{"checkpoints": recs})
	if err != nil {
		return err
	}
	_, err = c.call(ctx, "/v1/checkpoints", body)
	if err != nil && strings.Contains(err.Error(), "未在见证方登记") {
		c.mu.Lock()
		c.registered = false // the witness lost its database: register again
		c.mu.Unlock()
	}
	return err
}

// call posts body and answers the response body of a 200.
func (c *Client) call(ctx context.Context, path string, body []byte) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url+path, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("见证方 %s 无法连接：%w", c.url, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return nil, fmt.Errorf("见证方 %s 的回答读取失败：%w", c.url, err)
	}
	if resp.StatusCode == http.StatusOK {
		return data, nil
	}
	var e apiError
	json.Unmarshal(data, &e)
	if resp.StatusCode == http.StatusConflict {
		return nil, &refused{message: e.Message}
	}
	if e.Message == "" {
		e.Message = resp.Status
	}
	return nil, fmt.Errorf("见证方 %s 回答 %d：%s", c.url, resp.StatusCode, e.Message)
}

// writeCursor replaces the cursor file atomically (a rename after fsync):
// a crash leaves the old cursor, and the witness ignores what it is sent
// twice.
func writeCursor(path string, cur cursor) error {
	data, err := json.Marshal(cur)
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	_, werr := f.Write(data)
	if err := errors.Join(werr, f.Sync(), f.Close()); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// FetchHeads asks a witness for the latest head it co-signed per project
// of the server whose key is pub: for audit verify. Each head must verify
// with pub (a witness cannot invent a head the server never signed).
func FetchHeads(ctx context.Context, client *http.Client, url string, pub ed25519.PublicKey) ([]*engine.Checkpoint, error) {
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	u := strings.TrimRight(url, "/") + "/v1/heads?server=" + engine.KeyFingerprint(pub)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, engine.Invalidf("witness", "见证方地址“%s”不对：%v", url, err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, engine.Errorf(engine.ECodeUnavailable, "见证方 %s 无法连接：%v", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, engine.Errorf(engine.ECodeUnavailable, "见证方 %s 回答 %s", url, resp.Status)
	}
	var heads Heads
	if err := json.NewDecoder(io.LimitReader(resp.Body, 64<<20)).Decode(&heads); err != nil {
		return nil, fmt.Errorf("见证方 %s 的回答格式不对：%w", url, err)
	}
	out := make([]*engine.Checkpoint, 0, len(heads.Heads))
	for _, h := range heads.Heads {
		c, err := h.record.checkpoint()
		if err != nil {
			return nil, fmt.Errorf("见证方 %s 的回答格式不对：%w", url, err)
		}
		if !engine.VerifyCheckpoint(pub, c) {
			return nil, fmt.Errorf("见证方 %s 给出的%s第%d条存证无法用公钥 %s 验证（见证方记录有误）", url, chainName(c.ProjectID), c.Seq, engine.KeyFingerprint(pub))
		}
		out = append(out, c)
	}
	return out, nil
}
