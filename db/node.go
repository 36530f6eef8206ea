package db

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"contactid/contact"

	"github.com/lib/pq"
)

// MaxNodes bounds how many ids one Nodes call may look up.
const MaxNodes = 100

// nodeTables are the tables of every object with a global id, with the
// batched read of each (the read returns pointers to the objects, keyed by
// id). contact_events rows are read like EventsAfter reads them.
var nodeTables = map[string]func(ctx context.Context, s *Store, a contact.Actor, ids []string) (map[string]any, error){
	"contacts": func(ctx context.Context, s *Store, a contact.Actor, ids []string) (map[string]any, error) {
		return anyValues(s.ContactsByID(ctx, a, ids))
	},
	"users": func(ctx context.Context, s *Store, a contact.Actor, ids []string) (map[string]any, error) {
		return anyValues(s.UsersByID(ctx, a, ids))
	},
	"inboxes": func(ctx context.Context, s *Store, a contact.Actor, ids []string) (map[string]any, error) {
		return anyValues(s.InboxesByID(ctx, a, ids))
	},
	"conversations": func(ctx context.Context, s *Store, a contact.Actor, ids []string) (map[string]any, error) {
		return anyValues(s.ConversationsByID(ctx, a, ids))
	},
	"messages":           rowsByID(`SELECT `+messageColumns+` FROM messages`, func(m *contact.Message) string { return m.ID }),
	"applications":       rowsByID(`SELECT `+contact.ApplicationKind.Columns+` FROM applications`, func(r *contact.Application) string { return r.ID }),
	"contact_notes":      rowsByID(`SELECT `+contact.ContactNoteKind.Columns+` FROM contact_notes`, func(r *contact.ContactNote) string { return r.ID }),
	"reminders":          rowsByID(`SELECT `+contact.ReminderKind.Columns+` FROM reminders`, func(r *contact.Reminder) string { return r.ID }),
	"training_snapshots": rowsByID(`SELECT `+contact.TrainingSnapshotKind.Columns+` FROM training_snapshots`, func(r *contact.TrainingSnapshot) string { return r.ID }),
	"contact_inboxes":    rowsByID(`SELECT `+contact.ContactInboxKind.Columns+` FROM contact_inboxes`, func(r *contact.ContactInbox) string { return r.ID }),
	"webhooks": func(ctx context.Context, s *Store, a contact.Actor, ids []string) (map[string]any, error) {
		rows, err := byID(ctx, s.rd, "webhooks", `SELECT `+webhookColumns+` FROM webhooks`, a.AccountID, ids, func(r *webhookRow) string { return r.ID })
		return convertValues(rows, err, func(r *webhookRow) any { w := r.webhook(); return &w })
	},
	"webhook_deliveries": rowsByID(`SELECT `+deliveryColumns+` FROM webhook_deliveries`, func(r *contact.WebhookDelivery) string { return r.ID }),
	"operation_journal": func(ctx context.Context, s *Store, a contact.Actor, ids []string) (map[string]any, error) {
		rows, err := byID(ctx, s.rd, "operations", `SELECT `+opColumns+` FROM operation_journal`, a.AccountID, ids, func(r *opRow) string { return r.ID })
		return convertValues(rows, err, func(r *opRow) any { return r.operation() })
	},
	"contact_events": func(ctx context.Context, s *Store, a contact.Actor, ids []string) (map[string]any, error) {
		rows, err := byID(ctx, s.rd, "events", `SELECT `+eventColumns+` FROM contact_events`, a.AccountID, ids, func(r *eventRow) string { return r.ID })
		return convertValues(rows, err, func(r *eventRow) any { e := r.event(); return &e })
	},
}

// adminTables are the node tables only administrators may read (as
// Store.Webhooks and Store.WebhookDeliveries refuse others).
var adminTables = map[string]bool{"webhooks": true, "webhook_deliveries": true}

// nodeQuery finds the table of each of the ids $2 of account $1: one
// UNION ALL over nodeTables, in a fixed order.
var nodeQuery = sync.OnceValue(func() string {
	var parts []string
	for _, table := range slices.Sorted(maps.Keys(nodeTables)) {
		parts = append(parts, fmt.Sprintf(`SELECT id::text, '%[1]s' AS tbl FROM %[1]s WHERE account_id = $1 AND id = ANY($2::uuid[])`, table))
	}
	return strings.Join(parts, " UNION ALL ")
})

// Nodes returns the account's objects among ids, keyed by id, whatever
// their type: *contact.Contact (live ones only), *contact.User,
// *contact.Inbox, *contact.Conversation, *contact.Message, the records
// (*contact.Application, …), *contact.Operation, *contact.Event,
// *contact.Webhook, *contact.WebhookDelivery (these two for administrators
// only). Unknown and malformed ids are absent. One statement finds each id's table, then one statement per
// table found reads the objects. INVALID for more than MaxNodes ids.
func (s *Store) Nodes(ctx context.Context, a contact.Actor, ids []string) (map[string]any, error) {
	if len(ids) > MaxNodes {
		return nil, contact.UserErrors{{Field: []string{"ids"}, Code: contact.Invalid, Message: fmt.Sprintf("at most %d ids", MaxNodes)}}
	}
	valid := validIDs(ids)
	out := map[string]any{}
	if len(valid) == 0 {
		return out, nil
	}
	var found []struct {
		ID    string `db:"id"`
		Table string `db:"tbl"`
	}
	if err := s.rd.SelectContext(ctx, &found, nodeQuery(), a.AccountID, pq.Array(valid)); err != nil {
		return nil, fmt.Errorf("find nodes: %w", err)
	}
	byTable := map[string][]string{}
	for _, f := range found {
		byTable[f.Table] = append(byTable[f.Table], f.ID)
	}
	for table, tableIDs := range byTable {
		if adminTables[table] && !a.IsAdmin() {
			continue // not found, as for another account's id
		}
		objs, err := nodeTables[table](ctx, s, a, tableIDs)
		if err != nil {
			return nil, err
		}
		for id, o := range objs {
			out[id] = o
		}
	}
	return out, nil
}

// rowsByID returns the batched read of the rows of T that selectFrom (a
// SELECT … FROM table, with no WHERE) reads.
func rowsByID[T any](selectFrom string, idOf func(*T) string) func(context.Context, *Store, contact.Actor, []string) (map[string]any, error) {
	return func(ctx context.Context, s *Store, a contact.Actor, ids []string) (map[string]any, error) {
		return anyValues(byID(ctx, s.rd, "nodes", selectFrom, a.AccountID, ids, idOf))
	}
}

// anyValues returns m with its values as any.
func anyValues[T any](m map[string]*T, err error) (map[string]any, error) {
	return convertValues(m, err, func(v *T) any { return v })
}

// convertValues returns m with each value converted by conv.
func convertValues[T any](m map[string]*T, err error, conv func(*T) any) (map[string]any, error) {
	if err != nil {
		return nil, err
	}
	out := make(map[string]any, len(m))
	for id, v := range m {
		out[id] = conv(v)
	}
	return out, nil
}
