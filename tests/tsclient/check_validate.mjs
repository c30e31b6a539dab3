// Compares the generated TypeScript validator (compiled) with the reference
// verdicts of tests/pyclient/mutants.py:
//   check_validate.mjs CASES.json VALIDATE.js LABEL [CASES.json VALIDATE.js LABEL...]
// Each triple is one test case; several run in one node process (a node
// start is 0.15 s CPU here). A validator that cannot be loaded, or a cases
// file that cannot be read, fails its own case and not the others.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

async function check(casesFile, validateJs, label) {
  const name = `typescript_validator_should_report_what_msggen_validate_reports_${label}`;
  let validateMessage, cases;
  try {
    ({ validateMessage } = await import(pathToFileURL(validateJs).href));
    ({ cases } = JSON.parse(readFileSync(casesFile, 'utf8')));
  } catch (e) {
    console.log(`not ok ${name}: ${String(e && e.message || e).split('\n')[0]}`);
    return;
  }
  const bad = [];
  for (const c of cases) {
    const got = [...new Set(validateMessage(c.message, c.payload).map((p) => `${p.path}: ${p.message}`))].sort(); // sets, as docs/validation.md compares
    const want = [...c.errors].sort();
    if (JSON.stringify(got) !== JSON.stringify(want)) bad.push([c.file, want, got]);
  }
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
}

const args = process.argv.slice(2);
for (let i = 0; i + 2 < args.length; i += 3) await check(args[i], args[i + 1], args[i + 2]);
