// Compiles the Relay documents of relay/ against schema.graphqls with
// relay-compiler (relay.config.json): a fragment with @refetchable and
// @connection on Contact, the contact list with @connection and orderBy,
// and a merge with @deleteRecord. Exits non-zero when compilation fails.
// relay-compiler reads its schema only from inside its project and does not
// follow symbolic links, so the script copies schema.graphqls, unchanged,
// to schema.graphql here first (not committed).
// Usage: node relay.mjs
import { execFileSync } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
copyFileSync(join(here, '..', '..', 'schema.graphqls'), join(here, 'schema.graphql'));
execFileSync(join(here, 'node_modules', '.bin', 'relay-compiler'), ['relay.config.json'], { cwd: here, stdio: 'inherit' });
console.log('relay-compiler compiled relay/ against schema.graphqls');
