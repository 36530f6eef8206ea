// Compares the schema (second argument) with the released one (first
// argument) using GraphQL Inspector and prints every change. Exits 1 when a
// breaking change is not announced: each announced one is a line of the
// file given as third argument that equals the change's message.
import { readFileSync } from 'node:fs';
import { buildSchema } from 'graphql';
import { diff, CriticalityLevel } from '@graphql-inspector/core';

const [released, current, announcedFile] = process.argv.slice(2);
const announced = new Set(
  readFileSync(announcedFile, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#')),
);
const changes = await diff(buildSchema(readFileSync(released, 'utf8')), buildSchema(readFileSync(current, 'utf8')));
let unannounced = 0;
for (const c of changes) {
  const breaking = c.criticality.level === CriticalityLevel.Breaking;
  const ok = !breaking || announced.has(c.message);
  if (!ok) unannounced++;
  console.log(`${breaking ? (ok ? 'BREAKING (announced)' : 'BREAKING') : c.criticality.level}: ${c.message}`);
}
console.log(`${changes.length} changes, ${unannounced} unannounced breaking`);
process.exit(unannounced ? 1 : 0);
