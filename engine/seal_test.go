package engine

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestSealKey(t *testing.T) {
	k, err := NewSealKey(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	other, _ := NewSealKey(bytes.Repeat([]byte{8}, 32))
	token, hash := NewToken()
	token2, hash2 := NewToken()
	sealed := k.Seal(token)
	if strings.Contains(sealed, token) || !strings.HasPrefix(sealed, "s1."+k.ID()+".") {
		t.Fatalf("sealed %q", sealed)
	}
	if k.Seal(token) == sealed {
		t.Errorf("two seals of one token are equal: the nonce is not fresh")
	}
	if got, err := k.Open(sealed, hash); err != nil || got != token {
		t.Fatalf("open: %q, %v", got, err)
	}
	flipped := []byte(sealed)
	flipped[len(flipped)-3] ^= 1
	for _, tt := range []struct {
		name, sealed, hash, want string
		key                      *SealKey
	}{
		{"issued before sealing", "", hash, SealedNone, k},
		{"another key", sealed, hash, SealedOtherKey, other},
		{"another row's sealed token", k.Seal(token2), hash, SealedBroken, k},
		{"a row whose hash was changed", sealed, hash2, SealedBroken, k},
		{"altered", string(flipped), hash, SealedBroken, k},
		{"not a sealed token", "abc", hash, SealedBroken, k},
	} {
		_, err := tt.key.Open(tt.sealed, tt.hash)
		var se *SealError
		if !errors.As(err, &se) || se.Reason != tt.want {
			t.Errorf("%s: got %v, want %s", tt.name, err, tt.want)
		}
	}
	if _, err := NewSealKey(make([]byte, 16)); err == nil {
		t.Errorf("a 16-byte seal key was taken")
	}
}
