package engine

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"strconv"
	"strings"
)

// Entries are how someone outside reaches a project's rows without an
// account: a signing or questionnaire link's token, a verification code
// printed on paper, the public slug of the project's pages. Each new entry
// carries its project's id, so that finding its row is a lookup keyed by
// project_id — on a database distributed by project (Citus), one shard,
// not a question to every shard. The id is not a secret and not trusted:
// the row is looked up by the project *and* the whole entry (its hash for a
// token), and the id is part of what is hashed or stored, so changing it
// finds nothing.
//
// Entries issued before they carried the project (tokens of 43 characters,
// codes like 7KQ2M-9XD4H, slugs of 24 hex digits) are still on paper and
// phones; migration 0023 recorded each one's project in entry_routes,
// which nothing writes to since.

// Entry kinds, as entry_routes names them.
const (
	EntryLink        = "link"        // signing link token (by its hash)
	EntrySurvey      = "survey"      // questionnaire link token (by its hash)
	EntryDecision    = "decision"    // a decision's verification code
	EntryPayment     = "payment"     // a receipt's verification code
	EntryCertificate = "certificate" // a 费用分摊证明's verification code
	EntrySlug        = "slug"        // the project's public slug
)

// entryTokenVersion marks a token that carries its project.
const entryTokenVersion = 1

// entryRandomBytes is the secret part of a new entry token: 192 bits.
const entryRandomBytes = 24

// legacyTokenBytes is the length of a token of before: 256 random bits.
const legacyTokenBytes = 32

// NewEntryToken returns a fresh link token for a project, URL-safe, and
// the hash under which it is stored: a version byte, the project id
// (uvarint) and 192 random bits, in base64url (35–38 characters for ids
// below two million). It is never as long as a token of before (32 bytes),
// which is how TokenProject tells them apart.
func NewEntryToken(projectID int64) (token, hash string) {
	if projectID <= 0 {
		panic("engine: entry token without a project")
	}
	b := make([]byte, 0, 2+binary.MaxVarintLen64+entryRandomBytes)
	b = append(b, entryTokenVersion)
	b = binary.AppendUvarint(b, uint64(projectID))
	if len(b)+entryRandomBytes == legacyTokenBytes {
		// an id of seven varint bytes (2^42 ≤ id < 2^49, as Citus gives
		// rows inserted on a worker) would make the token as long as one of
		// before: write the id in eight (the last byte continues into a zero)
		b[len(b)-1] |= 0x80
		b = append(b, 0)
	}
	b = append(b, randomBytes(entryRandomBytes)...)
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token)
}

// TokenProject says which project a token carries. legacy is true for a
// well-formed token of before (256 random bits, no project); ok is false
// for anything else, which no lookup can match.
func TokenProject(token string) (projectID int64, legacy, ok bool) {
	if len(token) < 20 || len(token) > 64 {
		return 0, false, false
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(token)
	if err != nil {
		return 0, false, false
	}
	if len(b) == legacyTokenBytes {
		return 0, true, true
	}
	if b[0] != entryTokenVersion {
		return 0, false, false
	}
	id, n := binary.Uvarint(b[1:])
	if n <= 0 || id == 0 || id > 1<<62 || len(b) != 1+n+entryRandomBytes {
		return 0, false, false
	}
	return int64(id), false, true
}

// randomBytes is n bytes from the system's secure generator (crypto/rand
// crashes the program rather than return fewer since Go 1.24).
func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

// codeAlphabet is Crockford's base 32: no I, L, O or U to misread.
const codeAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// NewVerificationCode returns a short random code for a record of a
// project: the project's number, then 50 random bits in two groups of
// five, as 1042-7KQ2M-9XD4H.
func NewVerificationCode(projectID int64) string {
	if projectID <= 0 {
		panic("engine: verification code without a project")
	}
	b := randomBytes(10)
	out := strconv.AppendInt(make([]byte, 0, 32), projectID, 10)
	out = append(out, '-')
	for i, c := range b {
		if i == 5 {
			out = append(out, '-')
		}
		out = append(out, codeAlphabet[c&31])
	}
	return string(out)
}

// NormalizeCode is a code as a person may have typed it — spaces around,
// lower case — in the form it is stored.
func NormalizeCode(code string) string {
	return strings.ToUpper(strings.TrimSpace(code))
}

// CodeProject says which project a normalised verification code carries:
// legacy for a code of before (XXXXX-XXXXX), ok false when it is neither.
func CodeProject(code string) (projectID int64, legacy, ok bool) {
	parts := strings.Split(code, "-")
	switch {
	case len(parts) == 2 && codeGroup(parts[0]) && codeGroup(parts[1]):
		return 0, true, true
	case len(parts) == 3 && codeGroup(parts[1]) && codeGroup(parts[2]):
		id, ok := entryNumber(parts[0])
		return id, false, ok
	}
	return 0, false, false
}

func codeGroup(s string) bool {
	if len(s) != 5 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !strings.ContainsRune(codeAlphabet, rune(s[i])) {
			return false
		}
	}
	return true
}

// entryNumber reads a project id as an entry writes it: decimal, no sign,
// no leading zero.
func entryNumber(s string) (int64, bool) {
	if s == "" || len(s) > 18 || s[0] == '0' {
		return 0, false
	}
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil && id > 0
}

// NewSlug returns a public name for a project's pages: its number and 24
// random hex digits (96 bits), as 1042-3f9a0c….
func NewSlug(projectID int64) string {
	if projectID <= 0 {
		panic("engine: slug without a project")
	}
	return strconv.FormatInt(projectID, 10) + "-" + hex.EncodeToString(randomBytes(12))
}

// SlugProject says which project a slug carries: legacy for a slug of
// before (24 hex digits), ok false when it is neither.
func SlugProject(slug string) (projectID int64, legacy, ok bool) {
	if n, rest, found := strings.Cut(slug, "-"); found {
		if !hexDigits(rest, 24) {
			return 0, false, false
		}
		id, ok := entryNumber(n)
		return id, false, ok
	}
	if !hexDigits(slug, 24) {
		return 0, false, false
	}
	return 0, true, true
}

func hexDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}
