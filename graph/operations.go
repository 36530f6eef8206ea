package graph

import (
	"context"
	"encoding/json"
	"errors"

	"contactid/contact"
	"contactid/db"
	"contactid/graph/model"
)

// operationsPage answers a page of the operation history (of one contact
// when contactID is set).
func operationsPage(ctx context.Context, s *db.Store, contactID *string, w window) (*model.ContactOperationConnection, error) {
	args, err := db.PageArgsOf(w.first, w.after, w.last, w.before)
	if err != nil {
		return nil, queryError(err)
	}
	p, err := s.Operations(ctx, actor(ctx), contactID, args)
	if err != nil {
		return nil, queryError(err)
	}
	return &model.ContactOperationConnection{Nodes: p.Nodes, Edges: edges(p.Nodes, p.PageInfo, newEdge[model.ContactOperationEdge]),
		PageInfo: &p.PageInfo}, nil
}

// operationSummary returns an operation's stored summary ({} when it has
// none).
func operationSummary(o *contact.Operation) (contact.JSONObject, error) {
	out, err := rawObject(o.Summary)
	if out == nil && err == nil {
		out = contact.JSONObject{}
	}
	return out, err
}

// rawObject decodes a stored JSON object (nil for none).
func rawObject(raw json.RawMessage) (contact.JSONObject, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var out contact.JSONObject
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// relatedOperation loads the operation id of the caller's account (nil
// for nil).
func relatedOperation(ctx context.Context, s *db.Store, id *string) (*contact.Operation, error) {
	if id == nil {
		return nil, nil
	}
	return s.Operation(ctx, actor(ctx), *id)
}

// journaled returns the journal entry a merge or separation wrote (nil for
// a dry run or when nothing was written).
func journaled(ctx context.Context, s *db.Store, dryRun bool, journalID string) (*contact.Operation, error) {
	if dryRun || journalID == "" {
		return nil, nil
	}
	op, err := s.Operation(ctx, actor(ctx), journalID)
	if errors.Is(err, contact.ErrNotFound) {
		return nil, nil
	}
	return op, err
}
