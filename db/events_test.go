package db_test

import (
	"context"
	"testing"

	"contactid/contact"
)

// TestOutboxEvents checks that each contact change writes one event,
// numbered in order, and that events past their retention are purged and
// no longer read while newer ones stay.
func TestOutboxEvents(t *testing.T) {
	e := mustJournalEnv(t)
	ctx := context.Background()
	a := e.mustContact(t, "Ada", "ada@example.com")
	b := e.mustContact(t, "Bea", "bea@example.com")
	if _, err := e.store.UpdateContact(ctx, e.actor, a.ID, nil, contact.ContactFields{LastName: contact.Some(new("L"))}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.MergeContacts(ctx, e.actor, contact.MergeInput{BaseContactID: a.ID, MergeeContactIDs: []string{b.ID}, DryRun: true}); err != nil {
		t.Fatal(err)
	}
	events, err := e.store.EventsAfter(ctx, e.actor.AccountID, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	kinds := []contact.EventKind{contact.EventContactCreated, contact.EventContactCreated, contact.EventContactUpdated}
	if len(events) != len(kinds) {
		t.Fatalf("%d events, want %d (no event for a dry run): %+v", len(events), len(kinds), events)
	}
	for i, ev := range events {
		if ev.Kind != kinds[i] || ev.Seq != int64(i+1) {
			t.Errorf("event %d: %s #%d, want %s #%d", i, ev.Kind, ev.Seq, kinds[i], i+1)
		}
	}
	if _, err := e.conn.Exec(`UPDATE contact_events SET occurred_at = now() - interval '8 days' WHERE seq <= 2`); err != nil {
		t.Fatal(err)
	}
	if n, err := e.store.PurgeEvents(ctx, 1000); err != nil || n != 2 {
		t.Fatalf("purged %d, %v; want 2", n, err)
	}
	left, err := e.store.EventsAfter(ctx, e.actor.AccountID, 0, 100)
	if err != nil || len(left) != 1 || left[0].Seq != 3 {
		t.Fatalf("left %+v, %v; want event 3 only", left, err)
	}
}
