package http

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/renovote/renovote/engine"
)

// statusOf is the one table from engine error codes to HTTP statuses.
var statusOf = map[string]int{
	engine.ECodeInvalid:       http.StatusBadRequest,
	engine.ECodeUnauthorized:  http.StatusUnauthorized,
	engine.ECodeForbidden:     http.StatusForbidden,
	engine.ECodeNotFound:      http.StatusNotFound,
	engine.ECodeConflict:      http.StatusConflict,
	engine.ECodeDuplicateName: http.StatusConflict,
	engine.ECodeFrozen:        http.StatusConflict,
	engine.ECodeTooLarge:      http.StatusRequestEntityTooLarge,
	engine.ECodeRateLimited:   http.StatusTooManyRequests,
	engine.ECodeUnavailable:   http.StatusServiceUnavailable,
	engine.ECodeChainBroken:   http.StatusServiceUnavailable,
	engine.ECodeGone:          http.StatusGone,
	engine.ECodeInternal:      http.StatusInternalServerError,
}

// errorBody is the one error shape of the API.
type errorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field"`
}

// handleError writes every error as {code, message, field} with its
// status, or as a friendly page for the HTML pages. Internal errors are
// logged with the request id and shown as a plain apology: never a stack
// or a driver message.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	e := s.toEngineError(err, c)
	status := statusOf[e.Code]
	if status == 0 {
		status = http.StatusInternalServerError
	}
	if wantsHTML(c) {
		s.pages.message(c, status, errorTitle(status), e.Message)
		return
	}
	var werr error
	if c.Request().Method == http.MethodHead {
		werr = c.NoContent(status)
	} else {
		werr = c.JSON(status, errorBody{Code: e.Code, Message: e.Message, Field: e.Field})
	}
	if werr != nil {
		s.log.Warn("writing an error response failed", "id", requestIDOf(c), "err", werr)
	}
}

func (s *Server) toEngineError(err error, c echo.Context) *engine.Error {
	var ee *engine.Error
	if errors.As(err, &ee) {
		if ee.Code == engine.ECodeInternal || statusOf[ee.Code] == 0 {
			s.log.Error("internal error", "id", requestIDOf(c), "err", err)
			return &engine.Error{Code: engine.ECodeInternal, Message: "内部错误，请稍后重试"}
		}
		return ee
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return tooLarge(mbe.Limit)
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		switch he.Code {
		case http.StatusNotFound:
			return engine.Errorf(engine.ECodeNotFound, "页面或接口不存在")
		case http.StatusMethodNotAllowed:
			return engine.Errorf(engine.ECodeNotFound, "不支持这种请求方式")
		case http.StatusRequestEntityTooLarge:
			return engine.Errorf(engine.ECodeTooLarge, "请求内容太大")
		case http.StatusTooManyRequests:
			return engine.Errorf(engine.ECodeRateLimited, "请求太频繁，请稍后再试")
		case http.StatusUnauthorized:
			return engine.Errorf(engine.ECodeUnauthorized, "请先登录")
		case http.StatusForbidden:
			return engine.Errorf(engine.ECodeForbidden, "没有权限")
		case http.StatusBadRequest:
			return engine.Errorf(engine.ECodeInvalid, "请求格式不正确")
		}
	}
	s.log.Error("internal error", "id", requestIDOf(c), "err", err)
	return &engine.Error{Code: engine.ECodeInternal, Message: "内部错误，请稍后重试"}
}

func requestIDOf(c echo.Context) string {
	return c.Response().Header().Get(echo.HeaderXRequestID)
}

func errorTitle(status int) string {
	switch status {
	case http.StatusNotFound:
		return "链接无效"
	case http.StatusConflict:
		return "无法提交"
	case http.StatusTooManyRequests:
		return "请稍后再试"
	case http.StatusBadRequest:
		return "填写有误"
	case http.StatusServiceUnavailable:
		return "系统繁忙"
	}
	return "出错了"
}
