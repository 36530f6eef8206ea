package graph

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"contactid/contact"
	"contactid/db"
)

// Sizes of the hub's reads and of what it keeps.
const (
	// eventPage is how many events one read of the outbox returns.
	eventPage = 100
	// feedRecent is how many of an account's latest events its feed keeps
	// for its subscribers; one further behind reads the outbox itself.
	feedRecent = 256
	// eventRetryFirst and eventRetryMax bound the pause before a failed
	// read of the outbox is tried again (doubling from the first).
	eventRetryFirst = 100 * time.Millisecond
	eventRetryMax   = 5 * time.Second
)

// EventHub delivers committed contact events to the subscriptions of this
// process. Events are read from the outbox (contact_events), never taken
// from a notification: one LISTEN connection per process (started with the
// first subscription) says which account has new events, and that
// account's feed reads them once and shares them among the account's
// subscribers. Another replica's commits wake it the same way, so every
// replica's subscribers see every commit.
type EventHub struct {
	store  *db.Store
	log    *slog.Logger
	listen func() *db.EventListener
	ctx    context.Context // ended by Close
	cancel context.CancelFunc

	mu       sync.Mutex
	listener *db.EventListener
	feeds    map[string]*feed
	closed   bool
}

// NewEventHub returns a hub that reads events from store and listens for
// commits on the database at dsn (its LISTEN connection is opened with the
// first subscription). Close stops it.
func NewEventHub(store *db.Store, dsn string, log *slog.Logger) *EventHub {
	ctx, cancel := context.WithCancel(context.Background())
	h := &EventHub{store: store, log: log, ctx: ctx, cancel: cancel, feeds: map[string]*feed{}}
	h.listen = func() *db.EventListener {
		return db.ListenEvents(dsn, func(msg string, err error) { log.Warn(msg, "error", err) })
	}
	return h
}

// Done returns a channel closed when the hub is closed.
func (h *EventHub) Done() <-chan struct{} { return h.ctx.Done() }

// Close ends every subscription of the hub (their streams complete) and
// stops listening. Later subscriptions fail. It is safe to call more than
// once; it returns the listener's error.
func (h *EventHub) Close() error {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return nil
	}
	h.closed = true
	l := h.listener
	h.mu.Unlock()
	h.cancel()
	if l != nil {
		return l.Close()
	}
	return nil
}

// errHubClosed is the error of a subscription to a closed hub.
var errHubClosed = errors.New("the server is shutting down")

// subscribe streams the events of account with a number above from that
// match, in order, until ctx ends or the hub is closed; then it closes the
// channel. latest is the account's latest event number when the caller
// started (a new feed starts there). match is called from one goroutine
// only, in event order.
func (h *EventHub) subscribe(ctx context.Context, account string, from, latest int64, match func(*contact.Event) bool) (<-chan *contact.Event, error) {
	f, err := h.join(account, latest)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(h.ctx, cancel)
	out := make(chan *contact.Event)
	go func() {
		defer close(out)
		defer h.leave(f)
		defer stop()
		defer cancel()
		f.stream(ctx, from, match, out)
	}()
	return out, nil
}

// join returns the account's feed, creating it (starting at latest) when
// the account has no subscriber yet, and counts one more subscriber. It
// starts the listener with the first feed.
func (h *EventHub) join(account string, latest int64) (*feed, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, errHubClosed
	}
	if h.listener == nil {
		h.listener = h.listen()
		go h.dispatch(h.listener.Wakeups())
	}
	f := h.feeds[account]
	if f == nil {
		ctx, stop := context.WithCancel(h.ctx)
		f = &feed{hub: h, account: account, head: latest, changed: make(chan struct{}), wake: make(chan struct{}, 1), stop: stop}
		h.feeds[account] = f
		go f.run(ctx)
		// Events committed since latest was read woke no one: read them.
		f.poke()
	}
	f.users++
	return f, nil
}

// Subscribers returns how many subscriptions of the account this hub
// serves (each counted once it is set up: every event committed from then
// on reaches it).
func (h *EventHub) Subscribers(account string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	if f := h.feeds[account]; f != nil {
		return f.users
	}
	return 0
}

// leave counts one subscriber less and stops the feed after its last one.
func (h *EventHub) leave(f *feed) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if f.users--; f.users == 0 {
		f.stop()
		delete(h.feeds, f.account)
	}
}

// dispatch wakes the feed of each account the listener names, and every
// feed when events of any account may have been missed.
func (h *EventHub) dispatch(wakeups <-chan string) {
	for id := range wakeups {
		h.mu.Lock()
		if id == "" {
			for _, f := range h.feeds {
				f.poke()
			}
		} else if f := h.feeds[id]; f != nil {
			f.poke()
		}
		h.mu.Unlock()
	}
}

// feed reads one account's new events for all its subscribers in this
// process and keeps the latest ones.
type feed struct {
	hub     *EventHub
	account string
	wake    chan struct{} // a pending wake-up (capacity 1)
	stop    context.CancelFunc
	users   int // subscribers; guarded by hub.mu

	mu      sync.Mutex
	head    int64            // the highest event number read
	recent  []*contact.Event // the latest events read, in order, at most feedRecent
	changed chan struct{}    // closed (and replaced) when head advances
}

// poke asks the feed to read the outbox; wake-ups arriving while one is
// pending merge into it.
func (f *feed) poke() {
	select {
	case f.wake <- struct{}{}:
	default:
	}
}

// run reads the outbox after each wake-up until ctx ends.
func (f *feed) run(ctx context.Context) {
	pause := eventRetryFirst
	for {
		select {
		case <-ctx.Done():
			return
		case <-f.wake:
		}
		if err := f.read(ctx); err != nil {
			if !f.backOff(ctx, err, &pause) {
				return
			}
			f.poke()
			continue
		}
		pause = eventRetryFirst
	}
}

// read reads every event after head, page by page, and publishes them.
func (f *feed) read(ctx context.Context) error {
	ctx = db.WithTenant(ctx, f.account)
	for {
		f.mu.Lock()
		head := f.head
		f.mu.Unlock()
		events, err := f.hub.store.EventsAfter(ctx, f.account, head, eventPage)
		if err != nil {
			return err
		}
		if len(events) == 0 {
			return nil
		}
		if err := preload(ctx, f.hub.store, f.account, events); err != nil {
			return err
		}
		f.mu.Lock()
		for i := range events {
			f.recent = append(f.recent, &events[i])
		}
		if over := len(f.recent) - feedRecent; over > 0 {
			f.recent = append([]*contact.Event(nil), f.recent[over:]...)
		}
		f.head = events[len(events)-1].Seq
		close(f.changed)
		f.changed = make(chan struct{})
		f.mu.Unlock()
		if len(events) < eventPage {
			return nil
		}
	}
}

// backOff logs a failed read of the outbox and waits pause (doubled for
// the next failure, up to eventRetryMax); false when ctx ended.
func (f *feed) backOff(ctx context.Context, err error, pause *time.Duration) bool {
	if ctx.Err() != nil {
		return false
	}
	f.hub.log.Error("read contact events", "account_id", f.account, "error", err)
	select {
	case <-ctx.Done():
		return false
	case <-time.After(*pause):
	}
	*pause = min(2**pause, eventRetryMax)
	return true
}

// preload reads, in two statements for the page, each event's actor and
// first contact (live, not following a redirect; none for a deletion), so
// that every subscriber of the account shares them instead of reading them
// once each.
func preload(ctx context.Context, s *db.Store, account string, events []contact.Event) error {
	var users, contacts []string
	for _, e := range events {
		if e.ActorUserID != nil {
			users = append(users, *e.ActorUserID)
		}
		if len(e.ContactIDs) > 0 && e.Kind != contact.EventContactDeleted {
			contacts = append(contacts, e.ContactIDs[0])
		}
	}
	a := contact.Actor{AccountID: account}
	us, err := s.UsersByID(ctx, a, users)
	if err != nil {
		return err
	}
	cs, err := s.ContactsByID(ctx, a, contacts)
	if err != nil {
		return err
	}
	for i := range events {
		e := &events[i]
		e.Preloaded = true
		if e.ActorUserID != nil {
			e.Actor = us[*e.ActorUserID]
		}
		if len(e.ContactIDs) > 0 && e.Kind != contact.EventContactDeleted {
			e.Contact = cs[e.ContactIDs[0]]
		}
	}
	return nil
}

// after returns the kept events numbered above seq; or, when seq is older
// than what the feed keeps, behind set and the number up to which the
// outbox must be read instead; with nothing new, the channel closed at the
// next change.
func (f *feed) after(seq int64) (events []*contact.Event, behind bool, upTo int64, changed <-chan struct{}) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if seq >= f.head {
		return nil, false, 0, f.changed
	}
	if len(f.recent) == 0 || seq < f.recent[0].Seq-1 {
		upTo = f.head
		if len(f.recent) > 0 {
			upTo = f.recent[0].Seq - 1
		}
		return nil, true, upTo, nil
	}
	i := len(f.recent)
	for i > 0 && f.recent[i-1].Seq > seq {
		i--
	}
	return f.recent[i:], false, 0, nil
}

// stream sends the account's events numbered above from that match to
// out, in order, until ctx ends. A subscriber behind what the feed keeps
// (a replay, or a slow reader) reads the outbox itself until it catches
// up, so it never holds up the others.
func (f *feed) stream(ctx context.Context, from int64, match func(*contact.Event) bool, out chan<- *contact.Event) {
	seq := from
	pause := eventRetryFirst
	tenant := db.WithTenant(ctx, f.account)
	for {
		events, behind, upTo, changed := f.after(seq)
		if behind {
			page, err := f.hub.store.EventsAfter(tenant, f.account, seq, eventPage)
			if err != nil {
				if !f.backOff(ctx, err, &pause) {
					return
				}
				continue
			}
			pause = eventRetryFirst
			if len(page) == 0 {
				// Nothing left up to upTo (e.g. past retention).
				seq = upTo
				continue
			}
			events = make([]*contact.Event, len(page))
			for i := range page {
				events[i] = &page[i]
			}
		}
		for _, e := range events {
			seq = e.Seq
			if !match(e) {
				continue
			}
			select {
			case out <- e:
			case <-ctx.Done():
				return
			}
		}
		if len(events) == 0 && !behind {
			select {
			case <-changed:
			case <-ctx.Done():
				return
			}
		}
	}
}
