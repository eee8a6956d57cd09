package engine

import (
	"encoding/base64"
	"strings"
	"testing"
)

func TestEntryTokens(t *testing.T) {
	seen := map[string]bool{}
	for _, id := range []int64{1, 127, 128, 2000, 16383, 16384, 1<<21 - 1, 1 << 40, 1 << 42, 1<<48 + 1, 1<<49 - 1, 1 << 49, 1 << 62} {
		token, hash := NewEntryToken(id)
		if hash != HashToken(token) || seen[token] {
			t.Fatalf("project %d: token %q hash %q", id, token, hash)
		}
		seen[token] = true
		if raw, _ := base64.RawURLEncoding.DecodeString(token); len(raw) == legacyTokenBytes {
			t.Errorf("project %d: a token as long as one of before", id)
		}
		got, legacy, ok := TokenProject(token)
		if !ok || legacy || got != id {
			t.Errorf("project %d: token %q reads as %d (legacy %v, ok %v)", id, token, got, legacy, ok)
		}
		if id < 1<<21 && (len(token) < 35 || len(token) > 38) {
			t.Errorf("project %d: token of %d characters, want 35–38", id, len(token))
		}
	}
	old, _ := NewToken()
	if id, legacy, ok := TokenProject(old); !ok || !legacy || id != 0 {
		t.Errorf("a token of before %q: %d, legacy %v, ok %v", old, id, legacy, ok)
	}
	valid, _ := NewEntryToken(5)
	for _, bad := range []string{"", "abc", strings.Repeat("A", 43) + "=", valid + "A", valid[:len(valid)-1], "B" + valid[1:],
		strings.Repeat("/", 36), valid[:10] + "." + valid[11:]} {
		if _, _, ok := TokenProject(bad); ok {
			t.Errorf("%q read as a token", bad)
		}
	}
}

func TestVerificationCodes(t *testing.T) {
	for _, id := range []int64{1, 9, 10, 2000, 1 << 40} {
		code := NewVerificationCode(id)
		got, legacy, ok := CodeProject(code)
		if !ok || legacy || got != id {
			t.Errorf("project %d: code %q reads as %d (legacy %v, ok %v)", id, code, got, legacy, ok)
		}
		if NormalizeCode(" "+strings.ToLower(code)+"\n") != code {
			t.Errorf("%q does not survive lower case and spaces", code)
		}
	}
	if _, legacy, ok := CodeProject("7KQ2M-9XD4H"); !ok || !legacy {
		t.Error("a code of before is not read as one")
	}
	for _, bad := range []string{"", "7KQ2M9XD4H", "7KQ2M-9XD4", "7KQ2M-9XD4I", "0-7KQ2M-9XD4H", "01-7KQ2M-9XD4H", "-1-7KQ2M-9XD4H",
		"A1-7KQ2M-9XD4H", "1-7KQ2M-9XD4U", "1-7KQ2M", "1-2-7KQ2M-9XD4H", "99999999999999999999-7KQ2M-9XD4H"} {
		if _, _, ok := CodeProject(bad); ok {
			t.Errorf("%q read as a code", bad)
		}
	}
}

func TestSlugs(t *testing.T) {
	slug := NewSlug(1042)
	if id, legacy, ok := SlugProject(slug); !ok || legacy || id != 1042 || !strings.HasPrefix(slug, "1042-") || len(slug) != 5+24 {
		t.Errorf("slug %q reads as %d (legacy %v, ok %v)", slug, id, legacy, ok)
	}
	if NewSlug(1042) == slug {
		t.Error("two slugs alike")
	}
	if _, legacy, ok := SlugProject("3f9a0c1b2d3e4f5a6b7c8d9e"); !ok || !legacy {
		t.Error("a slug of before is not read as one")
	}
	for _, bad := range []string{"", "3f9a0c1b2d3e4f5a6b7c8d9", "3F9A0C1B2D3E4F5A6B7C8D9E", "0-3f9a0c1b2d3e4f5a6b7c8d9e", "x-3f9a0c1b2d3e4f5a6b7c8d9e",
		"12-3f9a0c1b2d3e4f5a6b7c8d9", "12-3f9a0c1b2d3e4f5a6b7c8d9e0"} {
		if _, _, ok := SlugProject(bad); ok {
			t.Errorf("%q read as a slug", bad)
		}
	}
}
