// bench_ajv.mjs - ajv 8 (compiled validators, draft-07, ajv-formats) on the same
// payload sets as bench_c: validation of pre-parsed values, JSON.parse alone, and
// JSON.parse + validate from bytes. Each measure is repeated REPS times, the
// repetitions of all measures interleaved; prints one line per set and measure:
// "ajv SET MEASURE BYTES_PER_MSG RATE..." with the msgs/s of each repetition.
// usage: node bench_ajv.mjs WORK SECONDS REPS SET...   (reads WORK/payloads.json)
import fs from 'node:fs';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';

const [work, seconds, reps, ...names] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4]),
  ...process.argv.slice(5)];
const payloads = JSON.parse(fs.readFileSync(`${work}/payloads.json`, 'utf8'));
const ajv = new Ajv({ strict: false, allErrors: false, allowUnionTypes: true });
addFormats(ajv);
// The same validators without format checks, to show what the formats cost ajv.
const bare = new Ajv({ strict: false, allErrors: false, allowUnionTypes: true, validateFormats: false });
const sets = names.map((name) => ({ name, cases: [], bytes: 0, rate: [[], [], [], []] }));
for (const p of payloads) {
  const validate = ajv.compile(p.schema), noformats = bare.compile(p.schema);
  for (const s of sets) {
    for (const text of p.sets[s.name]) {
      const value = JSON.parse(text);
      if (!validate(value)) throw new Error(`${s.name} ${p.message}: invalid for ajv: ${ajv.errorsText(validate.errors)}`);
      s.cases.push({ validate, noformats, text, value });
      s.bytes += Buffer.byteLength(text);
    }
  }
}

// One loop per measure (not one loop calling a closure) so that V8 sees a
// monomorphic call site in each, as a real consumer's code would.
function loop(body) {
  return new Function('s', 'seconds', `
    let rounds = 0, ok = 0;
    const start = process.hrtime.bigint(), end = start + BigInt(Math.round(seconds * 1e9));
    let now = start;
    while (now < end) {
      for (let r = 0; r < 10; r++, rounds++) for (const c of s.cases) ok += (${body}) ? 1 : 0;
      now = process.hrtime.bigint();
    }
    if (ok !== rounds * s.cases.length) throw new Error(s.name + ': a payload failed');
    return rounds * s.cases.length / (Number(now - start) / 1e9);`);
}
const measures = [
  ['validate-preparsed', loop('c.validate(c.value)')],
  ['parse', loop('JSON.parse(c.text) !== undefined')],
  ['parse+validate', loop('c.validate(JSON.parse(c.text))')],
  ['validate-preparsed-noformats', loop('c.noformats(c.value)')],
];
const rate = (s, fn) => fn(s, seconds);

// Warm-up (0.5 s at least per measure), so that V8 has optimised the validators
// and the loops (TurboFan) before measuring.
for (const s of sets) for (const [, fn] of measures) fn(s, Math.max(seconds, 0.5));
for (let r = 0; r < reps; r++) for (const s of sets) measures.forEach(([, fn], i) => s.rate[i].push(rate(s, fn)));
for (const s of sets) {
  measures.forEach(([name], i) => {
    console.log(`ajv ${s.name} ${name} ${(s.bytes / s.cases.length).toFixed(1)} ${s.rate[i].map((r) => r.toFixed(0)).join(' ')}`);
  });
}
