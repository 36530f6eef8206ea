package db

import (
	"context"
	"errors"
	"net"
	"time"

	"contactid/contact"

	"github.com/lib/pq"
)

// EventsChannel is the NOTIFY channel the outbox wakes listeners on (see
// writeEvent); the payload is the account id.
const EventsChannel = "contact_events"

// Reconnection and keep-alive of an EventListener's connection.
const (
	listenMinReconnect = 100 * time.Millisecond
	listenMaxReconnect = 10 * time.Second
	listenPing         = 60 * time.Second
)

// EventListener holds one connection of its own that LISTENs on
// EventsChannel, and turns what arrives into wake-ups (see Wakeups).
type EventListener struct {
	l    *pq.Listener
	out  chan string
	done chan struct{}
}

// ListenEvents starts listening on the database at dsn (a URL or key=value
// DSN, as Open takes). It returns at once: the connection is made, and
// remade after a loss, in the background; problems (a failed attempt, a
// lost connection) are passed to problem, which may be nil. Close stops it.
func ListenEvents(dsn string, problem func(msg string, err error)) *EventListener {
	if problem == nil {
		problem = func(string, error) {}
	}
	l := pq.NewListener(dsn, listenMinReconnect, listenMaxReconnect, func(ev pq.ListenerEventType, err error) {
		switch ev {
		case pq.ListenerEventDisconnected:
			problem("event listener disconnected", err)
		case pq.ListenerEventConnectionAttemptFailed:
			problem("event listener could not connect", err)
		}
	})
	e := &EventListener{l: l, out: make(chan string, 256), done: make(chan struct{})}
	go e.run(problem)
	return e
}

// Wakeups returns the channel of wake-ups: an account id when one of its
// events committed, or "" when events of any account may have been missed
// (the listener has just started listening, or listens again after a lost
// connection). It is closed when the listener is closed.
func (e *EventListener) Wakeups() <-chan string { return e.out }

// run listens, then forwards notifications until the listener is closed.
func (e *EventListener) run(problem func(string, error)) {
	defer close(e.out)
	// Listen returns once the LISTEN ran on a live connection (it waits for
	// one); it fails only when the server refuses the command or the
	// listener is closed.
	for {
		err := e.l.Listen(EventsChannel)
		if err == nil {
			break
		}
		if errors.Is(err, net.ErrClosed) {
			return
		}
		problem("event listener: listen", err)
		select {
		case <-e.done:
			return
		case <-time.After(listenMaxReconnect):
		}
	}
	if !e.send("") {
		return
	}
	ping := time.NewTicker(listenPing)
	defer ping.Stop()
	for {
		select {
		case <-e.done:
			return
		case n, ok := <-e.l.Notify:
			if !ok {
				return
			}
			// nil: the connection was lost and remade, notifications
			// may have been missed.
			id := ""
			if n != nil {
				id = n.Extra
			}
			if !e.send(id) {
				return
			}
		case <-ping.C:
			// A connection that died silently is found out (and remade) by
			// using it.
			go e.l.Ping() //nolint:errcheck // failures reach problem through the event callback
		}
	}
}

// send passes a wake-up on, unless the listener is closed first.
func (e *EventListener) send(id string) bool {
	select {
	case e.out <- id:
		return true
	case <-e.done:
		return false
	}
}

// Close stops listening and closes the connection. It returns the driver's
// error, if any.
func (e *EventListener) Close() error {
	close(e.done)
	return e.l.Close()
}

// WatchedContactIDs returns what a subscription to ids of the actor's
// account watches: the ids themselves (canonical form; ids that are not
// contact ids are left out), the contacts they were merged into, and every
// contact merged into any of those. Ids of other accounts find no
// redirects and match no event.
func (s *Store) WatchedContactIDs(ctx context.Context, a contact.Actor, ids []string) ([]string, error) {
	valid := validIDs(ids)
	if len(valid) == 0 {
		return nil, nil
	}
	var out []string
	err := s.rd.SelectContext(ctx, &out, `WITH w AS (SELECT DISTINCT unnest($2::uuid[]) AS id),
		s AS (SELECT id FROM w UNION SELECT r.new_contact_id FROM contact_redirects r JOIN w ON r.old_contact_id = w.id WHERE r.account_id = $1)
		SELECT id::text FROM s UNION SELECT r.old_contact_id::text FROM contact_redirects r JOIN s ON r.new_contact_id = s.id WHERE r.account_id = $1`,
		a.AccountID, pqArray(valid))
	return out, wrapErr("watched contacts", err)
}
