package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"contactid/contact"
	"contactid/db"

	"github.com/lib/pq"
)

// DefaultRetrySchedule is the wait before each retry of a failed delivery:
// 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (8 attempts over about 27.6 h).
var DefaultRetrySchedule = []time.Duration{5 * time.Second, 5 * time.Minute, 30 * time.Minute,
	2 * time.Hour, 5 * time.Hour, 10 * time.Hour, 10 * time.Hour}

// Defaults of Config.
const (
	DefaultTimeout      = 10 * time.Second
	DefaultPollInterval = 2 * time.Second
	DefaultConcurrency  = 8
)

// Config holds the worker's settings; zero fields take the defaults.
type Config struct {
	AllowPrivateNetworks bool            // WEBHOOK_ALLOW_PRIVATE_NETWORKS
	Timeout              time.Duration   // WEBHOOK_TIMEOUT: one attempt, connection to end of response
	PollInterval         time.Duration   // WEBHOOK_POLL_INTERVAL: fallback poll (NOTIFY wakes it sooner)
	Concurrency          int             // WEBHOOK_CONCURRENCY: deliveries sent at once by one replica
	RetrySchedule        []time.Duration // WEBHOOK_RETRY_SCHEDULE: waits before retries 1, 2, …
	Disabled             bool            // WEBHOOK_WORKER=false: this replica sends nothing
}

// WithDefaults returns c with its zero fields set to the defaults.
func (c Config) WithDefaults() Config {
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.PollInterval <= 0 {
		c.PollInterval = DefaultPollInterval
	}
	if c.Concurrency <= 0 {
		c.Concurrency = DefaultConcurrency
	}
	if len(c.RetrySchedule) == 0 {
		c.RetrySchedule = DefaultRetrySchedule
	}
	return c
}

// maxAge is twice the whole retry schedule: a delivery older than that
// (one held back behind a failing earlier delivery of its webhook) fails for
// good at its first failed attempt, so a dead endpoint's backlog drains
// instead of waiting a whole schedule per event.
func (c Config) maxAge() time.Duration {
	var t time.Duration
	for _, d := range c.RetrySchedule {
		t += d
	}
	return 2 * t
}

// Worker delivers events to webhooks. Every replica runs one; they share
// the queue in PostgreSQL.
type Worker struct {
	store  *db.Store
	dsn    string
	cfg    Config
	log    *slog.Logger
	client *http.Client

	wake   chan struct{} // events committed (NOTIFY) or a poll is due
	freed  chan struct{} // a send finished
	cancel context.CancelFunc
	stop   context.CancelFunc // cuts sends still running
	done   chan struct{}
	sends  sync.WaitGroup
}

// Start starts a worker on store (a pool of its own: its statements are
// not the requests'), listening for NOTIFY contact_events on dsn once some
// webhook exists. Stop it with Stop.
func Start(ctx context.Context, store *db.Store, dsn string, cfg Config, log *slog.Logger) *Worker {
	cfg = cfg.WithDefaults()
	guard := Guard{AllowPrivate: cfg.AllowPrivateNetworks}
	w := &Worker{store: store, dsn: dsn, cfg: cfg, log: log,
		client: &http.Client{
			Transport: &http.Transport{
				DialContext:         guard.DialContext,
				Proxy:               nil,
				MaxIdleConnsPerHost: cfg.Concurrency,
				IdleConnTimeout:     90 * time.Second,
				TLSHandshakeTimeout: cfg.Timeout,
			},
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		wake: make(chan struct{}, 1), freed: make(chan struct{}, 1), done: make(chan struct{})}
	loopCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	sendCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	w.cancel, w.stop = cancel, stop
	go w.run(loopCtx, sendCtx)
	return w
}

// Stop stops claiming deliveries and waits for the sends under way (each
// bounded by the timeout) until ctx ends; then it cuts them (their
// deliveries are retried by any replica once their lease runs out). It
// returns ctx's error when it had to cut sends.
func (w *Worker) Stop(ctx context.Context) error {
	w.cancel()
	<-w.done
	finished := make(chan struct{})
	go func() { w.sends.Wait(); close(finished) }()
	select {
	case <-finished:
		w.stop()
		return nil
	case <-ctx.Done():
		w.stop()
		<-finished
		return ctx.Err()
	}
}

// signal wakes a loop waiting on ch without blocking.
func signal(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// run is the worker's loop: on every wake-up it fans new events out, then
// claims as many due deliveries as it has free send slots.
func (w *Worker) run(ctx, sendCtx context.Context) {
	defer close(w.done)
	ticker := time.NewTicker(w.cfg.PollInterval)
	defer ticker.Stop()
	var listener *pq.Listener
	defer func() {
		if listener != nil {
			listener.Close() //nolint:errcheck // stopping
		}
	}()
	slots := make(chan struct{}, w.cfg.Concurrency)
	active, check, fanout := false, true, true
	var purged time.Time // events past their retention are deleted once per purgeEvery, by every replica
	for ctx.Err() == nil {
		if check {
			check = false
			has, err := w.store.HasWebhooks(ctx)
			if err != nil {
				w.logError(ctx, "webhooks: check", err)
			} else {
				active = has
				listener = w.listen(listener, has)
			}
		}
		if active && fanout {
			fanout = false
			for {
				n, err := w.store.FanOutWebhookEvents(ctx, 100, 1000)
				if err != nil {
					w.logError(ctx, "webhooks: fan out", err)
				}
				if n == 0 || err != nil {
					break
				}
			}
		}
		if free := cap(slots) - len(slots); active && free > 0 {
			lease := w.cfg.Timeout + 30*time.Second
			due, err := w.store.ClaimWebhookDeliveries(ctx, free, lease)
			if err != nil {
				w.logError(ctx, "webhooks: claim", err)
			}
			for _, d := range due {
				slots <- struct{}{}
				w.sends.Add(1)
				go func() {
					defer w.sends.Done()
					w.deliver(sendCtx, d)
					<-slots
					signal(w.freed)
				}()
			}
			if len(due) > 0 {
				continue
			}
		}
		var notify <-chan *pq.Notification
		if listener != nil {
			notify = listener.Notify
		}
		select {
		case <-ctx.Done():
		case <-ticker.C:
			check, fanout = true, true
			if time.Since(purged) >= purgeEvery {
				purged = time.Now()
				if _, err := w.store.PurgeEvents(ctx, 10000); err != nil {
					w.logError(ctx, "events: purge", err)
				}
			}
		case <-notify:
			fanout = true
		case <-w.wake:
			check, fanout = true, true
		case <-w.freed:
		}
	}
}

// purgeEvery is how often the worker deletes events past their retention.
const purgeEvery = time.Hour

// Wake makes the worker look for webhooks, events and due deliveries now.
func (w *Worker) Wake() { signal(w.wake) }

// listen starts the NOTIFY listener when some webhook exists and stops it
// when none does, so an idle replica holds no connection for webhooks (and
// its pool keeps no idle one).
func (w *Worker) listen(l *pq.Listener, want bool) *pq.Listener {
	if want == (l != nil) {
		return l
	}
	if !want {
		l.Close() //nolint:errcheck // not needed any more
		w.store.DB().SetMaxIdleConns(0)
		return nil
	}
	w.store.DB().SetMaxIdleConns(w.cfg.Concurrency + 2)
	l = pq.NewListener(w.dsn, time.Second, 30*time.Second, func(ev pq.ListenerEventType, err error) {
		if err != nil {
			w.log.Warn("webhooks: listener", "event", ev, "error", err)
		}
	})
	if err := l.Listen("contact_events"); err != nil {
		w.log.Warn("webhooks: listen", "error", err) // polling still delivers
	}
	return l
}

// logError logs err unless the worker is stopping.
func (w *Worker) logError(ctx context.Context, msg string, err error) {
	if ctx.Err() == nil {
		w.log.ErrorContext(ctx, msg, "error", err)
	}
}

// actorJSON is the actor in a delivery's body.
type actorJSON struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
	Role  string `json:"role"`
}

// eventJSON is a delivery's body: the GraphQL ContactEvent without contact.
type eventJSON struct {
	ID          string          `json:"id"`
	Sequence    int64           `json:"sequence"`
	Kind        string          `json:"kind"`
	OccurredAt  string          `json:"occurredAt"`
	Actor       *actorJSON      `json:"actor"`
	ContactIDs  []string        `json:"contactIds"`
	OperationID *string         `json:"operationId"`
	Summary     json.RawMessage `json:"summary"`
}

// Body returns the JSON body of a delivery of e (actor nil when there is
// none).
func Body(e contact.Event, actor *contact.User) ([]byte, error) {
	b := eventJSON{ID: e.ID, Sequence: e.Seq, Kind: string(e.Kind), OccurredAt: e.OccurredAt.UTC().Format(time.RFC3339Nano),
		ContactIDs: e.ContactIDs, OperationID: e.OperationID, Summary: e.Summary}
	if b.ContactIDs == nil {
		b.ContactIDs = []string{}
	}
	if len(b.Summary) == 0 {
		b.Summary = json.RawMessage("null")
	}
	if actor != nil {
		b.Actor = &actorJSON{ID: actor.ID, Name: actor.Name, Email: actor.Email, Role: string(actor.Role)}
	}
	return json.Marshal(b)
}

// deliver sends d once and records the outcome.
func (w *Worker) deliver(ctx context.Context, d db.DueDelivery) {
	at := w.send(ctx, d)
	if at.Err != "" {
		n := d.Attempts + 1
		at.Final = n > len(w.cfg.RetrySchedule) || time.Since(d.CreatedAt) >= w.cfg.maxAge()
		if !at.Final {
			at.Retry = w.cfg.RetrySchedule[n-1]
		}
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := w.store.RecordWebhookAttempt(rctx, d, at); err != nil {
		w.log.ErrorContext(ctx, "webhooks: record attempt", "delivery_id", d.ID, "error", err)
	}
}

// send POSTs d's event to its webhook, signed, and returns the outcome.
func (w *Worker) send(ctx context.Context, d db.DueDelivery) db.WebhookAttempt {
	e, ok := d.Event()
	if !ok {
		return db.WebhookAttempt{Err: "the event is no longer kept", Final: true}
	}
	var actor *contact.User
	if d.ActorID != nil {
		actor = &contact.User{ID: *d.ActorID, Name: *d.ActorName, Email: *d.ActorEmail, Role: contact.Role(*d.ActorRole)}
	}
	body, err := Body(e, actor)
	if err != nil {
		return db.WebhookAttempt{Err: "cannot encode the event"}
	}
	ts := time.Now().Unix()
	sig, err := contact.SignWebhook(d.Secret, d.ID, ts, body)
	if err != nil {
		return db.WebhookAttempt{Err: err.Error(), Final: true}
	}
	ctx, cancel := context.WithTimeout(ctx, w.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.URL, bytes.NewReader(body))
	if err != nil {
		return db.WebhookAttempt{Err: "invalid URL"}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "contactid-webhooks/1")
	req.Header.Set("webhook-id", d.ID)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(ts, 10))
	req.Header.Set("webhook-signature", sig)
	res, err := w.client.Do(req)
	if err != nil {
		return db.WebhookAttempt{Err: w.describe(ctx, err)}
	}
	defer res.Body.Close()
	_, rerr := io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	switch {
	case res.StatusCode < 200 || res.StatusCode > 299:
		return db.WebhookAttempt{StatusCode: res.StatusCode, Err: fmt.Sprintf("HTTP status %d", res.StatusCode)}
	case rerr != nil && ctx.Err() != nil:
		return db.WebhookAttempt{StatusCode: res.StatusCode, Err: w.describe(ctx, rerr)}
	}
	return db.WebhookAttempt{StatusCode: res.StatusCode}
}

// describe turns a send error into the text kept as lastError.
func (w *Worker) describe(ctx context.Context, err error) string {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Sprintf("timed out after %v", w.cfg.Timeout)
	}
	if errors.Is(err, context.Canceled) {
		return "interrupted: the server shut down"
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	if errors.Is(err, errBlocked) {
		return "refused: " + err.Error()
	}
	return err.Error()
}
