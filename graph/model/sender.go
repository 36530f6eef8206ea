package model

// Sender is the GraphQL union of who sent a message: a *db.Contact or a
// *db.User.
type Sender interface{}
