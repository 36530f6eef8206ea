package model

// Node is any object with a global id (the GraphQL interface Node): a
// *contact.Contact, *contact.User, *contact.Conversation and the other types
// that implement it. The executor tells them apart by their Go type.
type Node any
