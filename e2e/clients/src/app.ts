// A frontend's use of the typed client: the documents are checked against
// the schema by GraphQL Codegen and their variables and results are typed,
// so a missing required input field or a misspelled enum value is a
// compile error under `tsc --strict`.
import { graphql } from './gql';
import type { ResultOf, VariablesOf } from '@graphql-typed-document-node/core';

export const ContactsQuery = graphql(`
  query ContactsForList($first: Int!) {
    contacts(first: $first) {
      nodes { id name email createdAt customAttributes }
      pageInfo { hasNextPage endCursor }
    }
  }
`);

export const MergeMutation = graphql(`
  mutation MergeDuplicates($input: MergeContactsInput!) {
    mergeContacts(input: $input) {
      contact { id name }
      mergedContactIds
      dryRun
      userErrors { field message code }
    }
  }
`);

export const SeparateMutation = graphql(`
  mutation SeparateSamantha($id: ID!, $input: SeparateContactInput!) {
    separateContact(id: $id, input: $input) {
      newContactId
      summary { conversationsMoved messagesReassigned }
      userErrors { field message code }
    }
  }
`);

// Variables are typed: baseContactId and mergeeContactIds are required.
export const mergeVariables: VariablesOf<typeof MergeMutation> = {
  input: { baseContactId: 'c1', mergeeContactIds: ['c2'], dryRun: true },
};

export const separateVariables: VariablesOf<typeof SeparateMutation> = {
  id: 'c1',
  input: {
    fieldSplit: { firstName: { original: 'Sam', new: 'Samantha' }, status: 'ORIGINAL' },
    childRecordAssignment: { conversations: [{ id: 'v1', side: 'NEW' }] },
  },
};

// Results are typed: Time is a string, the user error code an enum.
export function describe(result: ResultOf<typeof ContactsQuery>): string[] {
  return result.contacts.nodes.map((c) => `${c.name} since ${c.createdAt.slice(0, 10)}`);
}

export function firstProblem(result: ResultOf<typeof MergeMutation>): string | null {
  const e = result.mergeContacts?.userErrors[0];
  return e ? `${e.field.join('.')}: ${e.code}` : null;
}
