package main

// The tests beside server.go are the ones that need package main: the
// command line (cli_test.go) and the embedded start (embedded_test.go).
// Every other end-to-end test is in e2e/.

import (
	"testing"

	"contactid/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }
