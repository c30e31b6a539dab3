// bench_ajv.mjs - ajv (compiled validators, draft-07, ajv-formats) on the same
// payloads as bench_c: validation of pre-parsed values, and JSON.parse + validate
// from bytes. Prints one line per measure: "ajv MEASURE msgs/s MB/s".
import fs from 'node:fs';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';

const [work, seconds] = [process.argv[2], Number(process.argv[3] || 2)];
const payloads = JSON.parse(fs.readFileSync(`${work}/payloads.json`, 'utf8'));
const ajv = new Ajv({ strict: false, allErrors: false, allowUnionTypes: true });
addFormats(ajv);
const cases = [];
for (const p of payloads) {
  const validate = ajv.compile(p.schema);
  for (const text of p.examples) cases.push({ validate, text, value: JSON.parse(text), bytes: Buffer.byteLength(text) });
}
for (const c of cases) if (!c.validate(c.value)) throw new Error('example invalid for ajv: ' + ajv.errorsText(c.validate.errors));
const bytes = cases.reduce((n, c) => n + c.bytes, 0);

function measure(name, fn) {
  let rounds = 0, ok = 0;
  const end = process.hrtime.bigint() + BigInt(Math.round(seconds * 1e9));
  const start = process.hrtime.bigint();
  let now = start;
  while (now < end) {
    for (let r = 0; r < 20; r++) { for (const c of cases) ok += fn(c) ? 1 : 0; rounds++; }
    now = process.hrtime.bigint();
  }
  const s = Number(now - start) / 1e9;
  if (ok !== rounds * cases.length) throw new Error('a payload failed');
  console.log(`ajv ${name} ${(rounds * cases.length / s).toFixed(0)} ${(rounds * bytes / s / 1e6).toFixed(1)}`);
}
measure('validate-preparsed', (c) => c.validate(c.value));
measure('parse+validate', (c) => c.validate(JSON.parse(c.text)));
