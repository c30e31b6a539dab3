// Compares the generated TypeScript validator (compiled) with the reference
// verdicts of tests/pyclient/mutants.py: check_validate.mjs CASES.json VALIDATE.js LABEL
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const [casesFile, validateJs, label] = process.argv.slice(2);
const { validateMessage } = await import(pathToFileURL(validateJs).href);
const { cases } = JSON.parse(readFileSync(casesFile, 'utf8'));
const bad = [];
for (const c of cases) {
  const got = [...new Set(validateMessage(c.message, c.payload).map((p) => `${p.path}: ${p.message}`))].sort(); // sets, as docs/validation.md compares
  const want = [...c.errors].sort();
  if (JSON.stringify(got) !== JSON.stringify(want)) bad.push([c.file, want, got]);
}
const name = `typescript_validator_should_report_what_msggen_validate_reports_${label}`;
if (bad.length > 0) {
  console.log(`not ok ${name}: ${bad.length} of ${cases.length} payloads differ`);
  for (const [f, want, got] of bad.slice(0, 10)) {
    console.log(`# ${f}: want ${JSON.stringify(want)}`);
    console.log(`# ${f}:  got ${JSON.stringify(got)}`);
  }
} else {
  console.log(`ok ${name}`);
  console.log(`# ${cases.length} payloads, ${cases.filter((c) => c.errors.length > 0).length} of them invalid`);
}
