package graph

import (
	"context"

	"contactid/contact"
	"contactid/db"
	"contactid/graph/model"
)

// createWebhook adds a webhook and answers its payload with the secret.
func createWebhook(ctx context.Context, s *db.Store, in model.CreateWebhookInput) (*model.CreateWebhookPayload, error) {
	kinds := make([]contact.EventKind, len(in.EventKinds))
	for i, k := range in.EventKinds {
		kinds[i] = contact.EventKind(k)
	}
	w, secret, err := s.CreateWebhook(ctx, actor(ctx), contact.CreateWebhookInput{URL: in.URL, EventKinds: kinds, Description: in.Description})
	v, ue, err := payload(w, err)
	if err != nil || v == nil {
		return &model.CreateWebhookPayload{UserErrors: ue}, err
	}
	return &model.CreateWebhookPayload{Webhook: v, Secret: &secret, UserErrors: ue}, nil
}

// webhookEventKinds returns a webhook's kinds as the schema's enum.
func webhookEventKinds(w *contact.Webhook) []model.ContactEventKind {
	out := make([]model.ContactEventKind, len(w.EventKinds))
	for i, k := range w.EventKinds {
		out[i] = model.ContactEventKind(k)
	}
	return out
}

// webhookDeliveries answers a page of a webhook's deliveries.
func webhookDeliveries(ctx context.Context, s *db.Store, w *contact.Webhook, win window) (*model.WebhookDeliveryConnection, error) {
	args, err := db.PageArgsOf(win.first, win.after, win.last, win.before)
	if err != nil {
		return nil, queryError(err)
	}
	p, err := s.WebhookDeliveries(ctx, actor(ctx), w.ID, args)
	if err != nil {
		return nil, queryError(err)
	}
	return &model.WebhookDeliveryConnection{Nodes: p.Nodes, Edges: edges(p.Nodes, p.PageInfo, newEdge[model.WebhookDeliveryEdge]),
		PageInfo: &p.PageInfo}, nil
}
