package graph

import "contactid/db"

// Resolver holds what every resolver needs: the store.
type Resolver struct {
	Store *db.Store
}
