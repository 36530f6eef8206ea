package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"text/tabwriter"
	"time"
)

// round is one measured round of one query against one server.
type round struct {
	query, target string
	n             int // round number, from 1
	ok, failed    int
	rps           float64
	p50, p99      time.Duration
	loadavg       string // /proc/loadavg (1, 5, 15 minutes) at the end of the round
}

// report is every measured round and the failures, warm-ups included.
type report struct {
	rounds   []round
	failed   int
	firstErr string
}

// loadResult is what one run of the load generator saw.
type loadResult struct {
	ok, failed int
	elapsed    time.Duration
	latencies  []time.Duration // of the successful requests, sorted
	firstErr   string
}

// measure runs, for each query in order, an unmeasured warm-up against each
// target, then o.rounds rounds interleaved (service, peer, service, …), and
// prints each round as it ends. Around the Q1 rounds (warm-up included) it
// resets and reads each target's VmHWM. It returns an error only when ctx
// ends or a server process dies; failed requests are counted in the report.
func measure(ctx context.Context, w io.Writer, targets []*target, o options) (*report, error) {
	clients := map[*target]*http.Client{}
	for _, t := range targets {
		clients[t] = &http.Client{Timeout: 2 * time.Minute, Transport: &http.Transport{
			MaxIdleConnsPerHost: o.connections, MaxConnsPerHost: o.connections, DisableCompression: true}}
	}
	rep := &report{}
	note := func(r loadResult) {
		rep.failed += r.failed
		if rep.firstErr == "" {
			rep.firstErr = r.firstErr
		}
	}
	fmt.Fprintf(w, "\n%d connections, %v per round, %d rounds per query and server, interleaved; warm-up %v\n", o.connections, o.duration, o.rounds, o.warmup)
	const row = "%-5s %5v  %-12s %9v %9v %9v %6v  %s\n"
	fmt.Fprintf(w, row, "query", "round", "server", "req/s", "p50 ms", "p99 ms", "failed", "loadavg 1/5/15 min")
	for _, q := range o.queries {
		if q == "Q1" {
			for _, t := range targets {
				m, err := readMemory(t.srv.pid)
				if err != nil {
					return nil, err
				}
				t.mem.rss = m.rss
				if err := resetPeak(t.srv.pid); err != nil {
					t.memNote = " (since process start: " + err.Error() + ")"
				}
			}
		}
		if o.warmup > 0 {
			for _, t := range targets {
				note(load(ctx, clients[t], t, q, o.connections, o.warmup))
			}
		}
		for n := 1; n <= o.rounds; n++ {
			for _, t := range targets {
				if err := t.srv.alive(); err != nil {
					return nil, err
				}
				res := load(ctx, clients[t], t, q, o.connections, o.duration)
				if err := ctx.Err(); err != nil {
					return nil, err
				}
				note(res)
				r := round{query: q, target: t.name, n: n, ok: res.ok, failed: res.failed,
					rps: float64(res.ok) / res.elapsed.Seconds(), p50: percentile(res.latencies, 50), p99: percentile(res.latencies, 99),
					loadavg: loadavg()}
				rep.rounds = append(rep.rounds, r)
				fmt.Fprintf(w, row, q, n, t.name, fmt.Sprintf("%.1f", r.rps), ms(r.p50), ms(r.p99), r.failed, r.loadavg)
			}
		}
		if q == "Q1" {
			for _, t := range targets {
				m, err := readMemory(t.srv.pid)
				if err != nil {
					return nil, err
				}
				t.mem.hwm = m.hwm
			}
		}
	}
	return rep, nil
}

// load sends query q to t from conns goroutines, each one request at a time
// over its own keep-alive connection, until d has passed, and waits for
// the requests in flight. A request fails on a transport error, an HTTP
// status other than 200 or an answer with "errors".
func load(ctx context.Context, client *http.Client, t *target, q string, conns int, d time.Duration) loadResult {
	start := time.Now()
	deadline := start.Add(d)
	var mu sync.Mutex
	var out loadResult
	var wg sync.WaitGroup
	for range conns {
		wg.Go(func() {
			var buf bytes.Buffer
			var lat []time.Duration
			failed, firstErr := 0, ""
			for ctx.Err() == nil && time.Now().Before(deadline) {
				t0 := time.Now()
				if err := send(ctx, client, t, q, &buf); err != nil {
					if ctx.Err() != nil {
						break
					}
					failed++
					if firstErr == "" {
						firstErr = fmt.Sprintf("%s %s: %v", t.name, q, err)
					}
					continue
				}
				lat = append(lat, time.Since(t0))
			}
			mu.Lock()
			defer mu.Unlock()
			out.latencies = append(out.latencies, lat...)
			out.failed += failed
			if out.firstErr == "" {
				out.firstErr = firstErr
			}
		})
	}
	wg.Wait()
	out.elapsed = time.Since(start)
	out.ok = len(out.latencies)
	slices.Sort(out.latencies)
	return out
}

// errorsKey marks a GraphQL answer with errors; the seeded data never
// contains it.
var errorsKey = []byte(`"errors"`)

// send posts query q to t once and reads the whole answer into buf.
func send(ctx context.Context, client *http.Client, t *target, q string, buf *bytes.Buffer) error {
	req, err := t.newRequest(ctx, q)
	if err != nil {
		return err
	}
	res, err := client.Do(req)
	if err != nil {
		return err
	}
	buf.Reset()
	_, err = buf.ReadFrom(res.Body)
	res.Body.Close()
	if err != nil {
		return err
	}
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("HTTP %d: %s", res.StatusCode, tail(buf.Bytes()))
	}
	if bytes.Contains(buf.Bytes(), errorsKey) {
		return fmt.Errorf("GraphQL errors: %s", tail(buf.Bytes()))
	}
	return nil
}

// percentile returns the p-th percentile (nearest rank) of sorted, or 0.
func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := (len(sorted)*p+99)/100 - 1
	return sorted[max(i, 0)]
}

// ms formats d in milliseconds.
func ms(d time.Duration) string {
	v := float64(d) / float64(time.Millisecond)
	if v < 10 {
		return fmt.Sprintf("%.2f", v)
	}
	return fmt.Sprintf("%.0f", v)
}

// loadavg returns the three load averages of /proc/loadavg, or "?".
func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// median returns the median of vs (the mean of the middle two for an even
// count), or 0.
func median(vs []float64) float64 {
	if len(vs) == 0 {
		return 0
	}
	s := slices.Clone(vs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// medians returns the median req/s, p50 and p99 (ms) of a query's rounds
// against one server.
func (r *report) medians(q, target string) (rps, p50, p99 float64) {
	var a, b, c []float64
	for _, x := range r.rounds {
		if x.query == q && x.target == target {
			a = append(a, x.rps)
			b = append(b, float64(x.p50)/float64(time.Millisecond))
			c = append(c, float64(x.p99)/float64(time.Millisecond))
		}
	}
	return median(a), median(b), median(c)
}

// print writes the medians per query and server, the ratios service/peer
// (req/s: higher is better for the service; p99: lower is) and the memory
// high-water marks during the Q1 load.
func (r *report) print(w io.Writer, targets []*target, o options) {
	fmt.Fprintf(w, "\nmedians of %d rounds (p50/p99 in ms)\n", o.rounds)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	head := "query\t"
	for _, t := range targets {
		head += t.name + " req/s\t" + t.name + " p50/p99\t"
	}
	if len(targets) > 1 {
		head += "req/s ratio\tp99 ratio\t"
	}
	fmt.Fprintln(tw, head)
	for _, q := range o.queries {
		line := q + "\t"
		var rps, p99 []float64
		for _, t := range targets {
			a, b, c := r.medians(q, t.name)
			line += fmt.Sprintf("%.1f\t%.1f / %.1f\t", a, b, c)
			rps, p99 = append(rps, a), append(p99, c)
		}
		if len(targets) > 1 {
			line += fmt.Sprintf("%.2f\t%.2f\t", ratio(rps[0], rps[1]), ratio(p99[0], p99[1]))
		}
		fmt.Fprintln(tw, line)
	}
	tw.Flush()
	if len(targets) > 1 {
		fmt.Fprintf(w, "ratios are %s / %s: req/s above 1 and p99 below 1 favour %s\n", targets[0].name, targets[1].name, targets[0].name)
	}
	if slices.Contains(o.queries, "Q1") {
		fmt.Fprintln(w, "\nmemory of the server process during the Q1 load (warm-up and rounds), from /proc/<pid>/status:")
		for _, t := range targets {
			fmt.Fprintf(w, "  %-12s VmHWM %6.1f MB%s (VmRSS before: %.1f MB)\n", t.name, mb(t.mem.hwm), t.memNote, mb(t.mem.rss))
		}
	}
	fmt.Fprintf(w, "\nfailed requests: %d\n", r.failed)
}

// ratio returns a/b, or 0 when b is 0.
func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// mb returns bytes in MB (2^20).
func mb(b int64) float64 { return float64(b) / (1 << 20) }
