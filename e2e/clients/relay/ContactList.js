// Relay documents a frontend writes against this service; relay-compiler
// checks them against schema.graphqls (see relay.config.json, relay.mjs).
import { graphql } from 'relay-runtime';

// A refetchable contact (Relay refetches it through node(id:)) with a
// paginated connection of its conversations, forward and backward.
export const contactFragment = graphql`
  fragment ContactList_contact on Contact
  @refetchable(queryName: "ContactListContactRefetchQuery")
  @argumentDefinitions(count: { type: "Int", defaultValue: 10 }, cursor: { type: "String" }) {
    id
    name
    emails
    conversations(first: $count, after: $cursor) @connection(key: "ContactList_conversations") {
      edges { cursor node { id subject status } }
      pageInfo { hasNextPage endCursor hasPreviousPage startCursor }
    }
  }
`;

// The contact list, paginated with @connection and ordered by name.
export const listFragment = graphql`
  fragment ContactList_query on Query
  @refetchable(queryName: "ContactListPaginationQuery")
  @argumentDefinitions(count: { type: "Int", defaultValue: 20 }, cursor: { type: "String" }) {
    contacts(first: $count, after: $cursor, orderBy: { field: NAME, direction: ASC })
      @connection(key: "ContactList_contacts", filters: []) {
      edges { node { id ...ContactList_contact } }
    }
  }
`;

export const listQuery = graphql`
  query ContactListQuery {
    ...ContactList_query
  }
`;

// A merge that removes the merged-away contacts from Relay's store.
export const mergeMutation = graphql`
  mutation ContactListMergeMutation($input: MergeContactsInput!) {
    mergeContacts(input: $input) {
      contact { id name emails }
      mergedContactIds @deleteRecord
      userErrors { field message code }
    }
  }
`;
