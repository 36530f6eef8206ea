package e2e

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"contactid/internal/pgtest"
)

// TestMutationLatencyWithListeners measures updateContact's latency through
// the handler for an account without listeners and for one with 100
// WebSocket subscribers and 100 webhooks (MEASURE_LISTENERS) (delivered to a local receiver),
// interleaved request by request on one server, and logs the medians and
// p99s. It asserts nothing about time (the machine is shared); it runs
// only with MEASURE_LISTENERS set to the number of listeners of each kind:
//
//	MEASURE_LISTENERS=100 go test ./e2e -run TestMutationLatencyWithListeners -v
func TestMutationLatencyWithListeners(t *testing.T) {
	listeners, err := strconv.Atoi(os.Getenv("MEASURE_LISTENERS"))
	if err != nil {
		t.Skip("a measurement: set MEASURE_LISTENERS to the number of subscribers and webhooks (e.g. 100)")
	}
	const rounds = 300
	s := webhookServer(t, pgtest.NewDSN(t))
	quiet, busy := s.MustAccount(t, "Quiet"), s.MustAccount(t, "Busy")
	rc := mustReceiver(t, nil)
	only := os.Getenv("MEASURE_ONLY") // "subscribers" or "webhooks": one kind of listener
	subs := 0
	for i := range listeners {
		if only != "subscribers" {
			s.mustCreateWebhook(t, busy.Token, map[string]any{"url": rc.URL + fmt.Sprintf("/hook/%d", i)})
		}
		if only != "webhooks" {
			subscribeWS(t, s.URL, "graphql-transport-ws", busy.Token, nil)
			subs++
		}
	}
	mustSubscribed(t, s, busy.AccountID, subs)
	qc, bc := createContactAPI(t, s, quiet.Token, "Quiet"), createContactAPI(t, s, busy.Token, "Busy")
	var q, b []time.Duration
	for i := range rounds {
		start := time.Now()
		updateContactAPI(t, s, quiet.Token, qc, fmt.Sprintf("Q%d", i))
		q = append(q, time.Since(start))
		start = time.Now()
		updateContactAPI(t, s, busy.Token, bc, fmt.Sprintf("B%d", i))
		b = append(b, time.Since(start))
	}
	stat := func(d []time.Duration) (time.Duration, time.Duration) {
		slices.Sort(d)
		return d[len(d)/2], d[len(d)*99/100]
	}
	qm, qp := stat(q)
	bm, bp := stat(b)
	t.Logf("updateContact, %d interleaved requests each: no listeners median %v p99 %v; %d subscribers + %d webhooks median %v p99 %v (ratio of medians %.2f)",
		rounds, qm, qp, listeners, listeners, bm, bp, float64(bm)/float64(qm))
	t.Logf("%d webhook deliveries received meanwhile", len(rc.requests()))
}
