package graph

import "contactid/contact"

// asContact returns the resolvers of Contact, which ContactPreview shares
// for its connections and assignees: a preview reads its nested records
// like the contact it previews (within the dry run's transaction).
func (r *contactPreviewResolver) asContact() *contactResolver { return &contactResolver{r.Resolver} }

// previewedID returns the id of the stored contact a preview shows, or nil
// for a contact a separation would create (its id is a placeholder).
func previewedID(c *contact.Contact) *string {
	if c.RowID != "" {
		return nil
	}
	return &c.ID
}
