// The generated TypeScript validator (compiled to JavaScript) on the cases of
// cases.py: one line per case, NAME TAB VERDICT TAB SECONDS TAB ERRORS-JSON.
// Usage: node check.mjs DIST-DIR CASES-DIR
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [dist, dir] = process.argv.slice(2);
const { validateMessage } = await import(pathToFileURL(join(dist, 'validate.js')).href);

for (const line of readFileSync(join(dir, 'manifest'), 'utf8').split('\n')) {
  if (line === '') continue;
  const [name, message] = line.split(' ');
  const payload = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8'));
  // Only top-level members may be {"$nonfinite": ...}: JSON text cannot carry NaN.
  for (const [k, v] of Object.entries(payload)) {
    if (v !== null && typeof v === 'object' && Object.keys(v).join() === '$nonfinite') payload[k] = Number(v.$nonfinite);
  }
  const start = performance.now();
  let errors;
  let verdict;
  try {
    errors = validateMessage(message, payload).map((e) => `${e.path}: ${e.message}`);
    verdict = errors.length > 0 ? 'invalid' : 'valid';
  } catch (e) {
    errors = [`crash: ${e}`];
    verdict = 'crash';
  }
  const seconds = (performance.now() - start) / 1000;
  process.stdout.write(`${name}\t${verdict}\t${seconds.toFixed(3)}\t${JSON.stringify(errors)}\n`);
}
