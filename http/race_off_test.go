//go:build !race

package http_test

// raceDetector says the tests run under -race (see browser).
const raceDetector = false
