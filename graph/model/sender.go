package model

// Sender is the GraphQL union of who sent a message: a *contact.Contact or a
// *contact.User.
type Sender interface{}
