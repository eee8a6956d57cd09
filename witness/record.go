// Package witness keeps the signed checkpoints of the audit chains outside
// the database (DESIGN §15): in an append-only file beside the signing key,
// and with independent witnesses (renovote witness serve) run by someone
// else, reached over HTTP from a durable outbox. A database administrator
// without the key can rewrite or roll back the database, but not what a
// witness has already seen.
package witness

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/renovote/renovote/engine"
)

// record is a checkpoint as a line of the witness file and as JSON on the
// wire. At is engine.FormatTime, so the signed message reads back the same.
type record struct {
	Project     int64  `json:"project"`
	Seq         int64  `json:"seq"`
	Head        string `json:"head"`
	At          string `json:"at"`
	KeyID       string `json:"key_id"`
	Signature   string `json:"signature"`
	Cosignature string `json:"cosignature,omitempty"` // the witness's, in answers
}

func recordOf(c *engine.Checkpoint) record {
	return record{Project: c.ProjectID, Seq: c.Seq, Head: c.Head, At: engine.FormatTime(c.At), KeyID: c.KeyID, Signature: c.Signature}
}

func (r record) checkpoint() (*engine.Checkpoint, error) {
	at, err := time.Parse(time.RFC3339Nano, r.At)
	if err != nil {
		return nil, fmt.Errorf("时间“%s”格式不对", r.At)
	}
	if r.Seq <= 0 || len(r.Head) != 64 || r.KeyID == "" || r.Signature == "" {
		return nil, fmt.Errorf("缺少条数、哈希、密钥指纹或签名")
	}
	return &engine.Checkpoint{ProjectID: r.Project, Seq: r.Seq, Head: r.Head, At: at.UTC(), KeyID: r.KeyID, Signature: r.Signature}, nil
}

// line is the checkpoint's line in the witness file, newline included.
func line(c *engine.Checkpoint) []byte {
	data, err := json.Marshal(recordOf(c))
	if err != nil { // a record always marshals
		panic("witness: " + err.Error())
	}
	return append(data, '\n')
}

// chainName names a chain for people: project 0 is the system chain.
func chainName(projectID int64) string {
	if projectID == 0 {
		return "系统审计链（项目 0）"
	}
	return fmt.Sprintf("项目 %d", projectID)
}
