package http

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/color"
	"image/png"
	"testing"

	"github.com/renovote/renovote/engine"
)

// FuzzSignature feeds arbitrary bytes as a signature upload: a clean PNG
// or an invalid/too-large error, never a panic.
func FuzzSignature(f *testing.F) {
	img := image.NewNRGBA(image.Rect(0, 0, 120, 40))
	for x := 5; x < 115; x++ {
		img.Set(x, 20, color.NRGBA{0, 0, 0, 255})
		img.Set(x, 21, color.NRGBA{0, 0, 0, 255})
	}
	var good bytes.Buffer
	png.Encode(&good, img)
	f.Add(good.Bytes())
	f.Add([]byte("\x89PNG\r\n\x1a\n"))
	f.Add([]byte("GIF89a"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		out, err := cleanSignature(base64.StdEncoding.EncodeToString(data))
		if err != nil {
			if c := engine.ErrorCode(err); c != engine.ECodeInvalid && c != engine.ECodeTooLarge {
				t.Fatalf("error %v has code %s", err, c)
			}
			return
		}
		if _, err := png.Decode(bytes.NewReader(out)); err != nil {
			t.Fatalf("the cleaned signature does not decode: %v", err)
		}
	})
}
