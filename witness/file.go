package witness

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"

	"github.com/renovote/renovote/engine"
)

// DefaultFileName is the witness file's name beside the signing key.
const DefaultFileName = "renovote.witness"

// File is the local witness: one JSON line per checkpoint, appended and
// fsync'd before Witness returns. Concurrent callers share one write and
// one fsync (group commit), so witnessing costs a commit about one fsync
// however many requests are in flight.
type File struct {
	path string
	pub  ed25519.PublicKey
	f    *os.File

	mu       sync.Mutex
	chains   map[int64]*chainSeen
	pending  []byte // lines accepted, not yet written
	nPending int64
	next     *flush // the flush that will write pending
	inflight *flush // the flush being written
	writing  bool   // a leader is writing
	err      error  // a failed write: the file's tail is unknown, nothing more is accepted
	size     int64  // bytes durable
	lines    int64  // lines durable
	kicks    []chan struct{}
	idle     sync.Cond // signalled when a leader stops writing
}

// chainSeen is what the file holds for one chain: the latest checkpoint,
// and the head witnessed at every seq, kept compact — seqs in order beside
// 32-byte heads, 40 bytes a checkpoint — since a forked or rolled back
// head may name any seq (a map of hex strings took ~150 bytes a
// checkpoint: 130–190 MB for the 364,000 of the scale benchmark).
type chainSeen struct {
	latest *engine.Checkpoint
	seqs   []int64
	heads  [][32]byte
	odd    map[int64]string // heads that are not 64 lowercase hex digits (none in practice)
}

// headAt is the head witnessed at seq, if any.
func (ch *chainSeen) headAt(seq int64) (string, bool) {
	if h, ok := ch.odd[seq]; ok {
		return h, true
	}
	i, ok := slices.BinarySearch(ch.seqs, seq)
	if !ok {
		return "", false
	}
	return hex.EncodeToString(ch.heads[i][:]), true
}

type flush struct {
	done chan struct{}
	err  error
}

// Open opens (or creates, 0600) the witness file at path and reads what it
// holds. A torn last line (a crash during a write, never acknowledged) is
// cut off; any other malformed line is an error naming it. Lines signed
// with pub's fingerprint must verify with pub; lines of another key (one
// rotated away) are kept as they are: audit verify checks them against
// the chain. The file is locked for this process until Close.
func Open(path string, pub ed25519.PublicKey) (*File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("无法打开见证记录文件“%s”：%w", path, err)
	}
	if err := lock(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("见证记录文件“%s”正被另一个 renovote 进程使用：多台服务器共用一个数据库时，每台要用自己的 --witness-file（%w）", path, err)
	}
	wf := &File{path: path, pub: pub, f: f, chains: map[int64]*chainSeen{}}
	wf.idle.L = &wf.mu
	if err := wf.load(); err != nil {
		f.Close()
		return nil, err
	}
	return wf, nil
}

// load reads the file line by line, keeping of each checkpoint only what
// judging the next needs (chainSeen): the file of the scale benchmark
// (364,000 checkpoints, 40 MB) read whole and parsed at once took 140 MB
// at start.
func (w *File) load() error {
	fingerprint := ""
	if w.pub != nil {
		fingerprint = engine.KeyFingerprint(w.pub)
	}
	size, n, err := eachLine(w.path, w.f, func(c *engine.Checkpoint, line int64) error {
		if c.KeyID == fingerprint && !engine.VerifyCheckpoint(w.pub, c) {
			return fmt.Errorf("见证记录文件“%s”第%d行：%v", w.path, line, badSignature(w.pub, c).Message)
		}
		ch := w.chain(c.ProjectID)
		latest := int64(0)
		if ch.latest != nil {
			latest = ch.latest.Seq
		}
		head, seen := ch.headAt(c.Seq)
		switch v := judge(c, latest, head, seen); v {
		case fork, regression:
			return fmt.Errorf("见证记录文件“%s”第%d行：%v", w.path, line, refusal(v, c, latest, head).Message)
		case accept:
			ch.add(c)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if end, err := w.f.Seek(0, io.SeekEnd); err != nil {
		return err
	} else if size < end { // a torn last line
		if err := w.f.Truncate(size); err != nil {
			return fmt.Errorf("无法截去见证记录文件“%s”末尾不完整的一行：%w", w.path, err)
		}
		if err := w.f.Sync(); err != nil {
			return err
		}
	}
	if _, err := w.f.Seek(size, io.SeekStart); err != nil {
		return err
	}
	w.size, w.lines = size, n
	return nil
}

// eachLine hands fn each complete line of r as a checkpoint with its line
// number; size is the length of those lines (a torn tail, never
// acknowledged, is what follows), n how many.
func eachLine(path string, r io.Reader, fn func(c *engine.Checkpoint, line int64) error) (size, n int64, err error) {
	br := bufio.NewReaderSize(r, 64<<10)
	for {
		line, err := br.ReadBytes('\n')
		if errors.Is(err, io.EOF) {
			return size, n, nil
		}
		if err != nil {
			return 0, 0, fmt.Errorf("无法读取见证记录文件“%s”：%w", path, err)
		}
		var rec record
		c, err := (*engine.Checkpoint)(nil), json.Unmarshal(line[:len(line)-1], &rec)
		if err == nil {
			c, err = rec.checkpoint()
		}
		if err != nil {
			return 0, 0, fmt.Errorf("见证记录文件“%s”第%d行格式不对：%v", path, n+1, err)
		}
		n++
		if err := fn(c, n); err != nil {
			return 0, 0, err
		}
		size += int64(len(line))
	}
}

// parseLines reads the complete lines of data (starting at line first+1);
// size is the length of those lines, so a torn tail is data[size:].
func parseLines(path string, data []byte, first int64) (cps []*engine.Checkpoint, size int64, err error) {
	for len(data[size:]) > 0 {
		rest := data[size:]
		end := bytes.IndexByte(rest, '\n')
		if end < 0 {
			break // torn: never acknowledged
		}
		var r record
		c, err := (*engine.Checkpoint)(nil), json.Unmarshal(rest[:end], &r)
		if err == nil {
			c, err = r.checkpoint()
		}
		if err != nil {
			return nil, 0, fmt.Errorf("见证记录文件“%s”第%d行格式不对：%v", path, first+int64(len(cps))+1, err)
		}
		cps = append(cps, c)
		size += int64(end) + 1
	}
	return cps, size, nil
}

// ReadFile reads every checkpoint of a witness file by project, in file
// order, without a key: for audit verify.
func ReadFile(path string) (map[int64][]*engine.Checkpoint, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("无法读取见证记录文件“%s”：%w", path, err)
	}
	cps, _, err := parseLines(path, data, 0)
	if err != nil {
		return nil, err
	}
	out := map[int64][]*engine.Checkpoint{}
	for _, c := range cps {
		out[c.ProjectID] = append(out[c.ProjectID], c)
	}
	return out, nil
}

func (w *File) chain(projectID int64) *chainSeen {
	ch := w.chains[projectID]
	if ch == nil {
		ch = &chainSeen{}
		w.chains[projectID] = ch
	}
	return ch
}

// packHead is a head of 64 lowercase hex digits as its 32 bytes.
func packHead(h string) (b [32]byte, ok bool) {
	if len(h) != 2*len(b) || strings.ToLower(h) != h {
		return b, false
	}
	_, err := hex.Decode(b[:], []byte(h))
	return b, err == nil
}

func (ch *chainSeen) add(c *engine.Checkpoint) {
	if b, ok := packHead(c.Head); !ok {
		if ch.odd == nil {
			ch.odd = map[int64]string{}
		}
		ch.odd[c.Seq] = c.Head
	} else if i, found := slices.BinarySearch(ch.seqs, c.Seq); found {
		ch.heads[i] = b
	} else { // accepted checkpoints come in seq order: this appends
		ch.seqs = slices.Insert(ch.seqs, i, c.Seq)
		ch.heads = slices.Insert(ch.heads, i, b)
	}
	if ch.latest == nil || c.Seq > ch.latest.Seq {
		ch.latest = c
	}
}

// Path is the file's path.
func (w *File) Path() string { return w.path }

// Head is the latest checkpoint witnessed for a project.
func (w *File) Head(projectID int64) (*engine.Checkpoint, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	ch := w.chains[projectID]
	if ch == nil || ch.latest == nil {
		return nil, false
	}
	c := *ch.latest
	return &c, true
}

// Witness appends cps and returns once they are on disk. A checkpoint
// that does not verify with the key, a fork or a regression is refused
// (chain_broken, naming the chain); the checkpoints before it are still
// witnessed. One already witnessed is a no-op.
func (w *File) Witness(ctx context.Context, cps []*engine.Checkpoint) error {
	return w.Enqueue(cps)(ctx)
}

// Enqueue takes cps in order now (judged and queued under the file's
// lock, as Witness would) and returns what waits until they are on disk:
// a caller may start its next transaction while the fsync runs, and
// checkpoints are still written in the order they were enqueued.
func (w *File) Enqueue(cps []*engine.Checkpoint) func(ctx context.Context) error {
	w.mu.Lock()
	if w.err != nil {
		err := w.err
		w.mu.Unlock()
		return func(context.Context) error { return err }
	}
	var refused error
	n := int64(0)
	for _, c := range cps {
		if !engine.VerifyCheckpoint(w.pub, c) {
			refused = badSignature(w.pub, c)
			break
		}
		ch := w.chain(c.ProjectID)
		latest := int64(0)
		if ch.latest != nil {
			latest = ch.latest.Seq
		}
		head, seen := ch.headAt(c.Seq)
		v := judge(c, latest, head, seen)
		if v == fork || v == regression {
			refused = refusal(v, c, latest, head)
			break
		}
		if v == accept {
			cp := *c
			ch.add(&cp)
			w.pending = append(w.pending, line(&cp)...)
			n++
		}
	}
	// what this call must wait for: its own lines, or the lines already
	// pending or being written (a duplicate may be among them)
	var fl *flush
	switch {
	case n > 0 || w.next != nil:
		if w.next == nil {
			w.next = &flush{done: make(chan struct{})}
		}
		w.nPending += n
		fl = w.next
	case w.inflight != nil:
		fl = w.inflight
	}
	if fl != nil && !w.writing {
		w.writing = true
		go func() {
			w.mu.Lock()
			defer w.mu.Unlock()
			w.lead()
		}()
	}
	w.mu.Unlock()
	return func(ctx context.Context) error {
		if fl != nil {
			select {
			case <-fl.done:
				if fl.err != nil {
					return fl.err
				}
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		return refused
	}
}

// lead writes and syncs what is pending until nothing is, with w.mu held
// (released around the write): the callers that arrive meanwhile wait for
// the next round and share its fsync.
func (w *File) lead() {
	for w.next != nil {
		buf, n, fl := w.pending, w.nPending, w.next
		w.pending, w.nPending, w.next = nil, 0, nil
		var err error
		if w.err == nil { // after a failure nothing more is written
			w.inflight = fl
			w.mu.Unlock()
			if _, err = w.f.Write(buf); err == nil {
				err = w.f.Sync()
			}
			w.mu.Lock()
			w.inflight = nil
		}
		if err != nil && w.err == nil {
			// after a failed write or fsync the file's tail is unknown
			// (fsync errors are not retried): refuse everything from now on
			w.err = engine.Errorf(engine.ECodeUnavailable, "见证记录文件“%s”写入失败（%v）：不再签发新的存证，请检查磁盘后重启服务", w.path, err)
		}
		if w.err != nil {
			fl.err = w.err
		} else {
			w.size += int64(len(buf))
			w.lines += n
		}
		close(fl.done)
		for _, k := range w.kicks {
			select {
			case k <- struct{}{}:
			default:
			}
		}
	}
	w.writing = false
	w.idle.Broadcast()
}

// durable is how much of the file is on disk: bytes and lines.
func (w *File) durable() (size, lines int64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.size, w.lines
}

// subscribe returns a channel that receives after each fsync.
func (w *File) subscribe() <-chan struct{} {
	w.mu.Lock()
	defer w.mu.Unlock()
	k := make(chan struct{}, 1)
	w.kicks = append(w.kicks, k)
	return k
}

// readFrom reads up to max durable checkpoints after byte offset from:
// the outbox of the remote witnesses is the file itself.
func (w *File) readFrom(from int64, max int) (cps []*engine.Checkpoint, end int64, err error) {
	size, _ := w.durable()
	if from >= size {
		return nil, from, nil
	}
	buf := make([]byte, min(size-from, 1<<20))
	if _, err := w.f.ReadAt(buf, from); err != nil && !errors.Is(err, io.EOF) {
		return nil, from, err
	}
	// keep whole lines, at most max of them
	cut, count := 0, 0
	for cut < len(buf) && count < max {
		i := bytes.IndexByte(buf[cut:], '\n')
		if i < 0 {
			break
		}
		cut += i + 1
		count++
	}
	cps, n, err := parseLines(w.path, buf[:cut], 0)
	return cps, from + n, err
}

// Close closes the file once what is pending is written; Witness fails
// after it.
func (w *File) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	for w.writing {
		w.idle.Wait()
	}
	if w.err == nil {
		w.err = engine.Errorf(engine.ECodeUnavailable, "见证记录文件已关闭")
	}
	return w.f.Close()
}
