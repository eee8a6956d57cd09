package http

import (
	"bytes"
	"context"
	"encoding/base64"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"strings"
	"sync"

	"github.com/renovote/renovote/engine"
	"golang.org/x/image/draw"
	"golang.org/x/sync/semaphore"
)

// Images people send — drawn signatures and photos of paper forms — are
// checked and re-encoded before anything is stored.

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
	release, err := acquireDecode(cfg, "signature_png")
	if err != nil {
		return nil, err
	}
	defer release()
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
	if cfg.Width < 100 || cfg.Height < 100 || cfg.Width > 12000 || cfg.Height > 12000 || cfg.Width*cfg.Height > maxPhotoPixels {
		return nil, "", engine.Invalidf("photo", "照片应在 100×100 像素以上、1200万像素以内，现为 %d×%d；请用手机相机的普通画质重拍", cfg.Width, cfg.Height)
	}
	release, err := acquireDecode(cfg, "photo")
	if err != nil {
		return nil, "", err
	}
	defer release()
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, "", engine.Invalidf("photo", "照片已损坏，请重新拍摄")
	}
	img = fitWithin(img, storedPhotoEdge)
	var out bytes.Buffer
	if err := jpeg.Encode(&out, img, &jpeg.Options{Quality: 85}); err != nil {
		return nil, "", err
	}
	return out.Bytes(), "image/jpeg", nil
}

// Image limits: a small file can declare a huge picture (a decompression
// bomb: 486 KB declaring 8000×8000 at 16 bits decodes to 1 GB), so sizes
// are checked from the header before anything is decoded.
const (
	maxPhotoPixels  = 12_000_000 // 12 MP, what phone cameras take
	maxDecodedBytes = 64 << 20   // one decoded image
	decodeBudget    = 2 * maxDecodedBytes
	storedPhotoEdge = 2000 // a stored photo's longer side: the form stays legible
)

// decoding bounds the memory of images being decoded at once: each holds
// its decoded size, so at most two of the largest allowed images decode
// at a time, while ordinary signatures (a few hundred KB) pass freely.
var decoding = semaphore.NewWeighted(decodeBudget)

// acquireDecode reserves an image's decoded size, refusing images that
// would decode to more than maxDecodedBytes.
func acquireDecode(cfg image.Config, field string) (func(), error) {
	size := int64(cfg.Width) * int64(cfg.Height) * bytesPerPixel(cfg.ColorModel)
	if size > maxDecodedBytes {
		return nil, engine.Invalidf(field, "图片解码后太大（%d×%d，约 %d MB，最多 %d MB）", cfg.Width, cfg.Height, size>>20, maxDecodedBytes>>20)
	}
	if err := decoding.Acquire(context.Background(), size); err != nil {
		return nil, err
	}
	return func() { decoding.Release(size) }, nil
}

// bytesPerPixel is what decoding a picture of the model allocates per pixel.
func bytesPerPixel(m color.Model) int64 {
	switch m {
	case color.GrayModel, color.AlphaModel:
		return 1
	case color.Gray16Model, color.Alpha16Model:
		return 2
	case color.YCbCrModel, color.NYCbCrAModel:
		return 4
	case color.RGBAModel, color.NRGBAModel, color.CMYKModel:
		return 4
	}
	if _, ok := m.(color.Palette); ok {
		return 1
	}
	return 8 // 16-bit colour, or unknown: assume the worst
}

// fitWithin scales img down so that its longer side is at most edge.
func fitWithin(img image.Image, edge int) image.Image {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w <= edge && h <= edge {
		return img
	}
	if w >= h {
		w, h = edge, h*edge/w
	} else {
		w, h = w*edge/h, edge
	}
	dst := image.NewRGBA(image.Rect(0, 0, max(w, 1), max(h, 1)))
	draw.ApproxBiLinear.Scale(dst, dst.Bounds(), img, b, draw.Src, nil)
	return dst
}
