package graph

import (
	"context"
	"strings"
	"sync"

	"contactid/contact"
	"contactid/db"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// Read planning. When a field resolves a list of objects (Query.contacts, a
// page of conversations, …), it looks ahead at the selection made on those
// objects and loads, for every connection selected there, the pages of all
// of them in one statement, then does the same one level down with the
// nodes it got. Each nesting level is thus one statement, whatever the
// number of parents and whatever the timing of the resolvers. The
// connection resolvers take their page from the plan; a page nobody planned
// (a contact in a mutation payload, a cursor the planner refused) is loaded
// through the request's batching loaders instead, and its own nodes are
// planned from there.

// plan holds the pages planned for one request (one mutation field: it lives
// in the loaders, which each mutation field gets afresh).
type plan struct {
	store *db.Store
	actor contact.Actor
	mu    sync.Mutex
	pages map[planKey]plannedPage
}

// planKey names a planned page: the connection field ("Contact.conversations")
// and the parent and page asked for.
type planKey struct {
	field string
	db.ChildPageKey
}

// plannedPage is a planned db.Page[T], or the error loading it failed with.
type plannedPage struct {
	page any
	err  error
}

// newPlan returns an empty plan reading from s as a.
func newPlan(s *db.Store, a contact.Actor) *plan {
	return &plan{store: s, actor: a, pages: map[planKey]plannedPage{}}
}

// pageFetch loads pages of children for many parents in one statement.
type pageFetch[T any] func(*db.Store, context.Context, contact.Actor, []db.ChildPageKey) (map[db.ChildPageKey]db.Page[T], error)

// connection describes a connection field of a parent object whose nodes are T.
type connection[T any] struct {
	field    string // parent type and field name, e.g. "Contact.conversations"
	name     string // field name, e.g. "conversations"
	connType string // the connection's GraphQL type, e.g. "ConversationConnection"
	loader   func(*loaders) *pageLoader[T]
	fetch    pageFetch[T]
	// next plans the children of the nodes from the selection made on them
	// (nil: nodes of this type have no connections).
	next func(ctx context.Context, sel ast.SelectionSet, nodes []T)
}

// Connections of Contact and Conversation.
var (
	contactConversations = connection[contact.Conversation]{field: "Contact.conversations", name: "conversations",
		connType: "ConversationConnection", loader: func(l *loaders) *pageLoader[contact.Conversation] { return l.conversations },
		fetch: (*db.Store).ConversationPages, next: planConversations}
	contactApplications = connection[contact.Application]{field: "Contact.applications", name: "applications",
		connType: "ApplicationConnection", loader: func(l *loaders) *pageLoader[contact.Application] { return l.applications },
		fetch: (*db.Store).ApplicationPages}
	contactNotes = connection[contact.ContactNote]{field: "Contact.notes", name: "notes",
		connType: "ContactNoteConnection", loader: func(l *loaders) *pageLoader[contact.ContactNote] { return l.notes },
		fetch: (*db.Store).ContactNotePages}
	contactReminders = connection[contact.Reminder]{field: "Contact.reminders", name: "reminders",
		connType: "ReminderConnection", loader: func(l *loaders) *pageLoader[contact.Reminder] { return l.reminders },
		fetch: (*db.Store).ReminderPages}
	contactTrainingSnapshots = connection[contact.TrainingSnapshot]{field: "Contact.trainingSnapshots", name: "trainingSnapshots",
		connType: "TrainingSnapshotConnection", loader: func(l *loaders) *pageLoader[contact.TrainingSnapshot] { return l.trainingSnapshots },
		fetch: (*db.Store).TrainingSnapshotPages}
	contactContactInboxes = connection[contact.ContactInbox]{field: "Contact.contactInboxes", name: "contactInboxes",
		connType: "ContactInboxConnection", loader: func(l *loaders) *pageLoader[contact.ContactInbox] { return l.contactInboxes },
		fetch: (*db.Store).ContactInboxPages}
	conversationMessages = connection[contact.Message]{field: "Conversation.messages", name: "messages",
		connType: "MessageConnection", loader: func(l *loaders) *pageLoader[contact.Message] { return l.messages },
		fetch: (*db.Store).MessagePages}
)

// window is a connection field's paging arguments: Relay's first, after,
// last and before.
type window struct {
	first, last   *int
	after, before *string
}

// pageRequest returns what a connection field f of type connType asks for:
// its page (with SkipTotal and SkipPageInfo set when totalCount, or
// pageInfo and edges, are not selected) and the selection made on its
// nodes (all `nodes` and `edges { node }` fields, aliases included,
// merged). The error is INVALID for paging arguments that do not go
// together or a malformed cursor.
func pageRequest(oc *graphql.OperationContext, f graphql.CollectedField, connType string, w window) (db.PageArgs, ast.SelectionSet, error) {
	args, err := db.PageArgsOf(w.first, w.after, w.last, w.before)
	if err != nil {
		return args, nil, err
	}
	args.SkipTotal, args.SkipPageInfo = true, true
	var nodes ast.SelectionSet
	for _, c := range graphql.CollectFields(oc, f.Selections, []string{connType}) {
		switch c.Name {
		case "totalCount":
			args.SkipTotal = false
		case "pageInfo":
			args.SkipPageInfo = false
		case "nodes":
			nodes = append(nodes, c.Selections...)
		case "edges":
			args.SkipPageInfo = false
			edgeType := strings.TrimSuffix(connType, "Connection") + "Edge"
			for _, e := range graphql.CollectFields(oc, c.Selections, []string{edgeType}) {
				if e.Name == "node" {
					nodes = append(nodes, e.Selections...)
				}
			}
		}
	}
	return args, nodes, nil
}

// fieldPage returns the paging arguments of a collected field, or false
// when they cannot be read or do not go together (left to the field's
// resolver to report).
func fieldPage(oc *graphql.OperationContext, f graphql.CollectedField) (window, bool) {
	args := f.ArgumentMap(oc.Variables)
	var w window
	for name, dest := range map[string]**int{"first": &w.first, "last": &w.last} {
		if v := args[name]; v != nil {
			n, err := graphql.UnmarshalInt(v)
			if err != nil {
				return window{}, false
			}
			*dest = &n
		}
	}
	for name, dest := range map[string]**string{"after": &w.after, "before": &w.before} {
		if v := args[name]; v != nil {
			s, isString := v.(string)
			if !isString {
				return window{}, false
			}
			*dest = &s
		}
	}
	page, err := db.PageArgsOf(w.first, w.after, w.last, w.before)
	return w, err == nil && page.CheckCursors() == nil
}

// planFor loads the pages of connection c selected as f for every parent
// in one statement, records them in the request's plan and plans the next
// level from the nodes. Pages it cannot plan are left to the resolvers.
func planFor[T any](ctx context.Context, c connection[T], f graphql.CollectedField, parents []string) {
	if len(parents) == 0 {
		return
	}
	oc := graphql.GetOperationContext(ctx)
	w, ok := fieldPage(oc, f)
	if !ok {
		return
	}
	args, nodeSel, err := pageRequest(oc, f, c.connType, w)
	if err != nil {
		return
	}
	keys := make([]db.ChildPageKey, len(parents))
	for i, id := range parents {
		keys[i] = db.ChildPageKey{ParentID: id, PageArgs: args}
	}
	p := loadersFrom(ctx).plan
	pages, err := c.fetch(p.store, ctx, p.actor, keys)
	p.mu.Lock()
	for _, k := range keys {
		p.pages[planKey{field: c.field, ChildPageKey: k}] = plannedPage{page: pages[k], err: err}
	}
	p.mu.Unlock()
	if err != nil || c.next == nil || len(nodeSel) == 0 {
		return
	}
	var nodes []T
	for _, k := range keys {
		nodes = append(nodes, pages[k].Nodes...)
	}
	c.next(ctx, nodeSel, nodes)
}

// page resolves connection c of one parent: the planned page when its
// parent's level planned it, else a page loaded through the request's
// loader, whose nodes are then planned for their own connections.
func (c connection[T]) page(ctx context.Context, parentID string, w window) (db.Page[T], error) {
	l := loadersFrom(ctx)
	args, nodeSel, err := pageRequest(graphql.GetOperationContext(ctx), graphql.GetFieldContext(ctx).Field, c.connType, w)
	if err != nil {
		return db.Page[T]{Nodes: []T{}}, err
	}
	if err := args.CheckCursors(); err != nil {
		return db.Page[T]{Nodes: []T{}}, err
	}
	key := db.ChildPageKey{ParentID: parentID, PageArgs: args}
	l.plan.mu.Lock()
	pp, ok := l.plan.pages[planKey{field: c.field, ChildPageKey: key}]
	l.plan.mu.Unlock()
	if ok {
		p, _ := pp.page.(db.Page[T])
		return p, pp.err
	}
	p, err := c.loader(l).Load(ctx, key)
	if u, isUser := contact.AsUserErrors(err); isUser {
		return p, u
	}
	if err == nil && c.next != nil && len(nodeSel) > 0 {
		c.next(ctx, nodeSel, p.Nodes)
	}
	return p, err
}

// planContacts plans every connection selected on contacts (sel is the
// selection made on Contact objects).
func planContacts(ctx context.Context, sel ast.SelectionSet, contacts []contact.Contact) {
	if len(sel) == 0 || len(contacts) == 0 {
		return
	}
	ids := make([]string, len(contacts))
	for i := range contacts {
		ids[i] = contacts[i].LoadID()
	}
	for _, f := range graphql.CollectFields(graphql.GetOperationContext(ctx), sel, contactImplementors) {
		switch f.Name {
		case contactConversations.name:
			planFor(ctx, contactConversations, f, ids)
		case contactApplications.name:
			planFor(ctx, contactApplications, f, ids)
		case contactNotes.name:
			planFor(ctx, contactNotes, f, ids)
		case contactReminders.name:
			planFor(ctx, contactReminders, f, ids)
		case contactTrainingSnapshots.name:
			planFor(ctx, contactTrainingSnapshots, f, ids)
		case contactContactInboxes.name:
			planFor(ctx, contactContactInboxes, f, ids)
		}
	}
}

// planConversations plans every connection selected on conversations (sel
// is the selection made on Conversation objects).
func planConversations(ctx context.Context, sel ast.SelectionSet, convs []contact.Conversation) {
	if len(sel) == 0 || len(convs) == 0 {
		return
	}
	ids := make([]string, len(convs))
	for i := range convs {
		ids[i] = convs[i].ID
	}
	for _, f := range graphql.CollectFields(graphql.GetOperationContext(ctx), sel, conversationImplementors) {
		if f.Name == conversationMessages.name {
			planFor(ctx, conversationMessages, f, ids)
		}
	}
}

// contactsPage resolves Query.contacts: one page of contacts (counted only
// when totalCount is selected), with the connections selected on them
// planned.
func contactsPage(ctx context.Context, s *db.Store, w window, orderBy *db.ContactOrder, search, label *string) (db.Page[contact.Contact], error) {
	args, nodeSel, err := pageRequest(graphql.GetOperationContext(ctx), graphql.GetFieldContext(ctx).Field, "ContactConnection", w)
	if err != nil {
		return db.Page[contact.Contact]{Nodes: []contact.Contact{}}, err
	}
	f := db.NewContactFilter(search, label)
	if orderBy != nil {
		f.Order = *orderBy
	}
	p, err := s.Contacts(ctx, actor(ctx), f, args)
	if err == nil {
		planContacts(ctx, nodeSel, p.Nodes)
	}
	return p, err
}

// planOne plans the connections selected on an object a root field
// resolved by id (nil: not found).
func planOne[T any](ctx context.Context, v *T, err error, next func(context.Context, ast.SelectionSet, []T)) (*T, error) {
	if v != nil && err == nil {
		next(ctx, graphql.GetFieldContext(ctx).Field.Selections, []T{*v})
	}
	return v, err
}
