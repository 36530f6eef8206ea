// Generates the typed TypeScript client with GraphQL Codegen (codegen.ts)
// and compiles src/ with tsc --strict (tsconfig.json). Exits non-zero when
// either fails. Usage: node typed.mjs
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const bin = (name) => join(here, 'node_modules', '.bin', name);
const run = (cmd, args) => execFileSync(cmd, args, { cwd: here, stdio: 'inherit' });

run(bin('graphql-codegen'), ['--config', 'codegen.ts', '--silent']);
run(bin('tsc'), ['-p', 'tsconfig.json', '--strict']);
console.log('typed client generated and compiled with tsc --strict');
