package db

import (
	"github.com/lib/pq"
)

// pqArray passes a string slice as a PostgreSQL array parameter.
func pqArray(v []string) any { return pq.Array(v) }
