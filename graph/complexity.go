package graph

import (
	"contactid/contact"
	"contactid/db"
)

// Prices of work that is not a row of a page, in complexity points (a row of
// a page with one scalar field costs about 1).
const (
	// accountCountCost prices counting an account's contacts: a scan.
	accountCountCost = 1000
	// searchCost prices a text search over an account's contacts: a page of
	// a search may have to scan every contact to fill it.
	searchCost = 1000
	// labelFilterCost prices filtering contacts by label.
	labelFilterCost = 100
	// childCountCost prices counting one parent's children: an index range.
	childCountCost = 10
	// contactOperationCost prices a merge or separation, dry run or not: it
	// may move any number of records.
	contactOperationCost = 5000
)

// pageCost prices a connection field: its selection times the page size it
// may return, so nested connections multiply and the complexity limit bounds
// the rows one request can ask for. An empty page (first: 0) still pays for
// its selection once, so a totalCount under it is not free.
func pageCost(childComplexity int, first *int, _ *string, last *int, _ *string) int {
	if last != nil && first == nil {
		first = last
	}
	return 1 + childComplexity*max(db.NewPageArgs(first, nil).First, 1)
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
	c.ContactPreview.Applications = pageCost
	c.ContactPreview.ContactInboxes = pageCost
	c.ContactPreview.Conversations = pageCost
	c.ContactPreview.Notes = pageCost
	c.ContactPreview.Reminders = pageCost
	c.ContactPreview.TrainingSnapshots = pageCost
	c.Conversation.Messages = pageCost
	c.Query.Contacts = func(childComplexity int, first *int, after *string, last *int, before *string, _ *db.ContactOrder, search, label *string) int {
		cost := pageCost(childComplexity, first, after, last, before)
		if search != nil && *search != "" {
			cost += searchCost
		}
		if label != nil {
			cost += labelFilterCost
		}
		return cost
	}
	c.Query.Nodes = func(childComplexity int, ids []string) int {
		return 1 + childComplexity*max(len(ids), 1)
	}
	c.Mutation.MergeContacts = func(childComplexity int, _ contact.MergeInput) int {
		return contactOperationCost + childComplexity
	}
	c.Mutation.SeparateContact = func(childComplexity int, _ string, _ contact.SeparateInput) int {
		return contactOperationCost + childComplexity
	}
	return c
}
