// A page served from another origin runs a query and a merge against the
// API in headless Chromium, as a browser app does: cross-origin fetches
// with an Authorization header (so each is preflighted). A second page on
// an origin the API does not allow must be refused by the browser.
// Usage: node browser.mjs <api /graphql url> <allowed page url> <refused page url> <token> <base id> <mergee id>
// Prints what the pages saw as JSON and exits non-zero when anything differs
// from what a browser app needs.
import { chromium } from 'playwright-core';

const [api, allowedPage, refusedPage, token, base, mergee] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--headless=new'],
});
const failures = [];
try {
  const page = await browser.newPage();
  await page.goto(allowedPage);
  const seen = await page.evaluate(async ({ api, token, base, mergee }) => {
    const post = async (query, variables) => {
      const res = await fetch(api, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      });
      return { status: res.status, requestId: res.headers.get('X-Request-Id'), body: await res.json() };
    };
    const list = await post('{ contacts(first: 10) { nodes { id name } } }');
    const merge = await post(
      'mutation($in: MergeContactsInput!) { mergeContacts(input: $in) { contact { id } mergedContactIds userErrors { code } } }',
      { in: { baseContactId: base, mergeeContactIds: [mergee] } });
    return { origin: location.origin, list, merge };
  }, { api, token, base, mergee });
  console.log(JSON.stringify(seen));
  const names = seen.list.body?.data?.contacts?.nodes?.map((n) => n.id) ?? [];
  if (seen.list.status !== 200 || !names.includes(base) || !names.includes(mergee)) failures.push('the query did not list both contacts');
  if (!seen.list.requestId) failures.push('X-Request-Id is not exposed to the page');
  const merged = seen.merge.body?.data?.mergeContacts;
  if (seen.merge.status !== 200 || merged?.contact?.id !== base || merged?.mergedContactIds?.[0] !== mergee || merged?.userErrors?.length !== 0) {
    failures.push('the merge did not succeed');
  }

  const refused = await browser.newPage();
  await refused.goto(refusedPage);
  const blocked = await refused.evaluate(async ({ api, token }) => {
    try {
      await fetch(api, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: '{ viewer { id } }' }) });
      return 'answered';
    } catch (e) {
      return `refused: ${e.name}`;
    }
  }, { api, token });
  console.log(JSON.stringify({ refusedOrigin: blocked }));
  if (!blocked.startsWith('refused')) failures.push('a page on a refused origin could read the API');
} finally {
  await browser.close();
}
if (failures.length) {
  console.error(failures.join('\n'));
  process.exit(1);
}
