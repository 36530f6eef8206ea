package pgcluster

import (
	"context"
	"strconv"
	"strings"
	"time"
)

// shellQuote quotes s for /bin/sh, which pg_ctl uses to run postgres.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// dsnQuote quotes a value for a libpq key=value connection string when needed.
func dsnQuote(s string) string {
	if s != "" && !strings.ContainsAny(s, ` '\`) {
		return s
	}
	r := strings.NewReplacer(`\`, `\\`, `'`, `\'`)
	return "'" + r.Replace(s) + "'"
}

// withDefaultTimeout adds defaultTimeout to ctx when it has no deadline.
func withDefaultTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, defaultTimeout)
}

// timeoutSeconds converts the context deadline into pg_ctl's -t argument.
func timeoutSeconds(ctx context.Context) string {
	secs := int(defaultTimeout / time.Second)
	if d, ok := ctx.Deadline(); ok {
		secs = max(int(time.Until(d)/time.Second), 1)
	}
	return strconv.Itoa(secs)
}
