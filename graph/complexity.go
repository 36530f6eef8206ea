package graph

import "contactid/db"

// pageCost prices a connection field: its selection times the page size it
// may return, so nested connections multiply and the complexity limit bounds
// the rows one request can ask for.
func pageCost(childComplexity int, first *int, _ *string) int {
	return 1 + childComplexity*db.NewPageArgs(first, nil).First
}

// newComplexity returns the executor's complexity functions.
func newComplexity() ComplexityRoot {
	var c ComplexityRoot
	c.Contact.Applications = pageCost
	c.Contact.ContactInboxes = pageCost
	c.Contact.Conversations = pageCost
	c.Contact.Notes = pageCost
	c.Contact.Reminders = pageCost
	c.Contact.TrainingSnapshots = pageCost
	c.Conversation.Messages = pageCost
	c.Query.Contacts = func(childComplexity int, first *int, after *string, _, _ *string) int {
		return pageCost(childComplexity, first, after)
	}
	return c
}
