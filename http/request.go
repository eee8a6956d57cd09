package http

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/renovote/renovote/engine"
)

// validator is a request type that checks itself after decoding.
type validator interface {
	Validate() error
}

// readBody reads the request body up to limit bytes.
func readBody(c echo.Context, limit int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(c.Request().Body, limit+1))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, tooLarge(limit)
		}
		return nil, engine.Errorf(engine.ECodeInvalid, "读取请求内容失败")
	}
	if int64(len(data)) > limit {
		return nil, tooLarge(limit)
	}
	return data, nil
}

// bind decodes a JSON body into v strictly — unknown fields, trailing data
// and an empty body are errors with Chinese messages that name the field —
// and then runs v.Validate.
func bind(c echo.Context, limit int64, v validator) error {
	data, err := readBody(c, limit)
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return engine.Invalidf("", "请求内容为空：需要一个 JSON 对象")
	}
	if err := engine.CheckJSON(data); err != nil { // repeated keys, bad UTF-8, deep nesting
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if dec.More() {
		return engine.Invalidf("", "JSON 格式错误：对象之后还有多余的内容")
	}
	return v.Validate()
}

// jsonError translates decoder errors without leaking decoder details.
func jsonError(err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se), errors.Is(err, io.ErrUnexpectedEOF):
		return engine.Invalidf("", "JSON 格式错误：括号、引号或逗号不匹配")
	case errors.As(err, &te):
		return engine.Invalidf(te.Field, "字段 %s 的类型不对：应为%s", te.Field, jsonTypeName(te.Type.Kind().String()))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return engine.Invalidf(name, "未知字段“%s”", name)
	}
	return engine.Invalidf("", "JSON 格式错误")
}

func jsonTypeName(kind string) string {
	switch kind {
	case "string":
		return "文本"
	case "bool":
		return "true 或 false"
	case "slice", "array":
		return "列表"
	case "struct", "map":
		return "对象"
	}
	return "数字"
}

// pathID reads a numeric path parameter.
func pathID(c echo.Context, name string) (int64, error) {
	var id int64
	if _, err := fmt.Sscan(c.Param(name), &id); err != nil || id <= 0 || fmt.Sprint(id) != c.Param(name) {
		return 0, engine.Errorf(engine.ECodeNotFound, "编号“%s”不存在", clip(c.Param(name), 20))
	}
	return id, nil
}

// pathIDs reads two numeric path parameters.
func pathIDs(c echo.Context, a, b string) (int64, int64, error) {
	x, err := pathID(c, a)
	if err != nil {
		return 0, 0, err
	}
	y, err := pathID(c, b)
	return x, y, err
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// wantsHTML tells page requests from API requests.
func wantsHTML(c echo.Context) bool {
	p := c.Request().URL.Path
	return !strings.HasPrefix(p, "/api/") && strings.Contains(c.Request().Header.Get("Accept"), "text/html")
}

// errorsAs is errors.As, for the few request types that rename a field.
func errorsAs(err error, target **engine.Error) bool { return errors.As(err, target) }
