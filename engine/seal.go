package engine

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
)

// A signing link's token is shown once, at publishing; the database keeps
// its SHA-256 to look it up. So that the same link can be printed again on
// a slip (slips.pdf) until the deadline, the token is also kept sealed:
// encrypted with AES-256-GCM under a key kept outside the database, in a
// file beside the signing key. Someone who reads the database (a backup, a
// leaked dump) learns no link; someone who can write it cannot make a
// sealed token open to another household's link, because the opened token
// must hash to the row's own token_hash.
//
// The seal key is not the signing key and does not change with it (`key
// rotate` leaves it alone): rotating the checkpoint key must not void the
// printed slips. Losing the seal key voids only the reprint: links still
// work, and re-issuing a household's link seals the new one under the key
// in place.

// SealKeySize is the seal key's length: AES-256.
const SealKeySize = 32

// SealKey seals and opens signing-link tokens.
type SealKey struct {
	aead cipher.AEAD
	id   string
}

// NewSealKey makes a seal key from 32 secret bytes.
func NewSealKey(secret []byte) (*SealKey, error) {
	if len(secret) != SealKeySize {
		return nil, fmt.Errorf("封存密钥应为 %d 字节，现有 %d 字节", SealKeySize, len(secret))
	}
	block, err := aes.NewCipher(secret)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(append([]byte("renovote seal key id\x00"), secret...))
	return &SealKey{aead: aead, id: hex.EncodeToString(sum[:4])}, nil
}

// ID names the key in what it sealed (8 hex digits of a hash of it, which
// tells keys apart and reveals nothing of the key).
func (k *SealKey) ID() string { return k.id }

// sealPrefix marks the format: "s1.<key id>.<base64url(nonce|ciphertext)>".
const sealPrefix = "s1."

// Seal encrypts a link's token; the token's hash is the additional data,
// so the sealed text opens only as the token of its own row.
func (k *SealKey) Seal(token string) string {
	nonce := randomBytes(k.aead.NonceSize())
	out := k.aead.Seal(nonce, nonce, []byte(token), []byte(HashToken(token)))
	return sealPrefix + k.id + "." + base64.RawURLEncoding.EncodeToString(out)
}

// Sealed says why a sealed token cannot be opened.
const (
	SealedNone     = "none"      // issued before tokens were sealed
	SealedOtherKey = "other_key" // sealed under another seal key (lost or replaced)
	SealedBroken   = "broken"    // altered, or not this row's token
)

// SealError is a sealed token that does not open, and why.
type SealError struct{ Reason string }

func (e *SealError) Error() string { return "sealed token: " + e.Reason }

// Open decrypts the sealed token of the link whose token hash is
// tokenHash.
func (k *SealKey) Open(sealed, tokenHash string) (string, error) {
	if sealed == "" {
		return "", &SealError{SealedNone}
	}
	rest, ok := strings.CutPrefix(sealed, sealPrefix)
	id, body, ok2 := strings.Cut(rest, ".")
	if !ok || !ok2 {
		return "", &SealError{SealedBroken}
	}
	if id != k.id {
		return "", &SealError{SealedOtherKey}
	}
	raw, err := base64.RawURLEncoding.DecodeString(body)
	if err != nil || len(raw) < k.aead.NonceSize() {
		return "", &SealError{SealedBroken}
	}
	n := k.aead.NonceSize()
	token, err := k.aead.Open(nil, raw[:n], raw[n:], []byte(tokenHash))
	if err != nil || subtle.ConstantTimeCompare([]byte(HashToken(string(token))), []byte(tokenHash)) != 1 {
		return "", &SealError{SealedBroken}
	}
	return string(token), nil
}
