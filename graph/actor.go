package graph

import (
	"contactid/contact"
	"context"
)

// actorKey is the context key of the authenticated caller.
type actorKey struct{}

// withActor returns ctx carrying the authenticated caller.
func withActor(ctx context.Context, a contact.Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// actorFrom returns the authenticated caller, and whether there is one.
func actorFrom(ctx context.Context) (contact.Actor, bool) {
	a, ok := ctx.Value(actorKey{}).(contact.Actor)
	return a, ok
}

// actor returns the authenticated caller. Operations never reach a resolver
// without one (see requireActor), so the zero Actor is never used.
func actor(ctx context.Context) contact.Actor {
	a, _ := actorFrom(ctx)
	return a
}
