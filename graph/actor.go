package graph

import (
	"context"

	"contactid/db"
)

// actorKey is the context key of the authenticated caller.
type actorKey struct{}

// withActor returns ctx carrying the authenticated caller.
func withActor(ctx context.Context, a db.Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// actorFrom returns the authenticated caller, and whether there is one.
func actorFrom(ctx context.Context) (db.Actor, bool) {
	a, ok := ctx.Value(actorKey{}).(db.Actor)
	return a, ok
}

// actor returns the authenticated caller. Operations never reach a resolver
// without one (see requireActor), so the zero Actor is never used.
func actor(ctx context.Context) db.Actor {
	a, _ := actorFrom(ctx)
	return a
}
