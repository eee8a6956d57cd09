// Package engine is the heart of renovote: the domain types and the pure,
// exact calculations (cost allocation, subsidies, relief, installments,
// operating costs, the consent tally of 民法典 第278条 and 大写金额).
//
// It knows nothing of HTTP, SQL or PDF and imports only the standard library
// and shopspring/decimal. Money never passes through float64: amounts are
// parsed from their literal text and computed in integer fen or exact
// rationals.
package engine

import (
	"errors"
	"fmt"
)

// Error codes shared by every layer; the http package maps them to statuses.
const (
	ECodeInvalid      = "invalid"
	ECodeNotFound     = "not_found"
	ECodeConflict     = "conflict"
	ECodeUnauthorized = "unauthorized"
	ECodeForbidden    = "forbidden"
	ECodeInternal     = "internal"
	ECodeTooLarge     = "too_large"
	ECodeRateLimited  = "rate_limited"
	ECodeUnavailable  = "unavailable"
	ECodeGone         = "gone" // a link of a ballot a newer plan replaced
	// ECodeDuplicateName: a new project's name is one of the worker's
	// (a conflict the worker may confirm with allow_duplicate).
	ECodeDuplicateName = "duplicate_name"
	// ECodeChainBroken: a chain's head is not what the server last signed
	// (or witnessed); writes to it are refused until someone acts.
	ECodeChainBroken = "chain_broken"
)

// Error is the one domain error. Message is Chinese and says what to fix;
// Field is the path of the offending input (households[3].area), if any.
type Error struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field"`
}

func (e *Error) Error() string {
	if e.Field == "" {
		return e.Message
	}
	return e.Field + "：" + e.Message
}

// Invalidf returns an invalid-input error for field.
func Invalidf(field, format string, args ...any) *Error {
	return &Error{Code: ECodeInvalid, Field: field, Message: fmt.Sprintf(format, args...)}
}

// Errorf returns an error with the given code.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err: the Code of an *Error in its chain,
// "internal" for any other error and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ECodeInternal
}
