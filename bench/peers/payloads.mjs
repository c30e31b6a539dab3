// bench/peers/payloads.mjs CATALOGUE OUT.json - the input quicktype needs: one JSON
// Schema whose definitions are the payload schema of every message of an AsyncAPI
// catalogue (keyed by message id, $refs across the split files inlined by
// @asyncapi/parser, its x-parser-* annotations dropped). Preparation, not measured.
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

const require = createRequire(import.meta.url);
const { Parser, fromFile } = require('@asyncapi/parser');

const [catalogue, out] = process.argv.slice(2);
if (!catalogue || !out) {
  console.error('usage: payloads.mjs CATALOGUE OUT.json');
  process.exit(2);
}
const { document } = await fromFile(new Parser(), path.resolve(catalogue)).parse();
if (!document) {
  console.error('payloads.mjs: the AsyncAPI parser rejected ' + catalogue);
  process.exit(1);
}
const definitions = {};
for (const message of document.allMessages()) {
  if (message.hasPayload()) definitions[message.id()] = message.payload().json();
}
const strip = (key, value) => (key.startsWith('x-parser-') ? undefined : value);
writeFileSync(out, JSON.stringify({ $schema: 'http://json-schema.org/draft-07/schema#', definitions }, strip, 1) + '\n');
console.log(`payloads.mjs: ${Object.keys(definitions).length} payload schemas -> ${out}`);
