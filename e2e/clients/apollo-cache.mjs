// Apollo Client 4's normalized InMemoryCache against the server: a merge
// dry run must leave the cached contacts as they are (its would-be contact
// is a ContactPreview, which has no id to normalize under), and the real
// merge must update the survivor and, with the README's recipe (evict the
// mergedContactIds), drop the merged-away contact.
// Usage: node apollo-cache.mjs <api /graphql url> <token> <base id> <mergee id>
import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client';

const [uri, token, base, mergee] = process.argv.slice(2);
const cache = new InMemoryCache();
const client = new ApolloClient({ cache, link: new HttpLink({ uri, headers: { Authorization: `Bearer ${token}` } }) });

const CONTACT = gql`query Contact($id: ID!) { contact(id: $id) { id name emails } }`;
const MERGE = gql`mutation Merge($input: MergeContactsInput!) {
  mergeContacts(input: $input) {
    contact { id name emails }
    preview { contactId name emails }
    mergedContactIds
    dryRun
    userErrors { field message code }
  }
}`;
const merge = (dryRun) => client.mutate({
  mutation: MERGE,
  variables: { input: { baseContactId: base, mergeeContactIds: [mergee], dryRun } },
  update(cache, { data }) { // the README's recipe
    const p = data.mergeContacts;
    if (!p || p.dryRun) return;
    for (const id of p.mergedContactIds) cache.evict({ id: cache.identify({ __typename: 'Contact', id }) });
    cache.gc();
  },
});
const cached = (id) => cache.readFragment({ id: cache.identify({ __typename: 'Contact', id }), fragment: gql`fragment C on Contact { id name emails }` });

const failures = [];
const check = (ok, what) => { if (!ok) failures.push(what); };

await client.query({ query: CONTACT, variables: { id: base } });
await client.query({ query: CONTACT, variables: { id: mergee } });
const before = cached(base);
check(before && before.emails.length === 1 && cached(mergee), 'both contacts are cached before the merge');

const dry = await merge(true);
const p = dry.data.mergeContacts;
check(p.dryRun && p.contact === null && p.preview?.contactId === base && p.preview.emails.length === 2, 'the dry run answers a preview');
check(JSON.stringify(cached(base)) === JSON.stringify(before), `the dry run left the cached base as it was: ${JSON.stringify(cached(base))}`);
check(cached(mergee) !== null, 'the dry run left the mergee cached');
check(!Object.keys(cache.extract()).some((k) => k.startsWith('ContactPreview')), 'no preview was normalized into the cache');

const real = await merge(false);
const r = real.data.mergeContacts;
check(!r.dryRun && r.contact?.id === base && r.mergedContactIds[0] === mergee, 'the real merge answers the survivor');
check(cached(base)?.emails.length === 2, `the cached base is updated: ${JSON.stringify(cached(base))}`);
check(cached(mergee) === null && !(cache.identify({ __typename: 'Contact', id: mergee }) in cache.extract()), 'the merged-away contact is evicted');

console.log(JSON.stringify({ before, afterDryRun: p.preview, after: cached(base), cacheKeys: Object.keys(cache.extract()) }));
if (failures.length) {
  console.error(failures.join('\n'));
  process.exit(1);
}
