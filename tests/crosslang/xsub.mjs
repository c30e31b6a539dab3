// tests/crosslang: the TypeScript subscriber, on the package generated from
// the same catalogue as the Python publisher (built to ES modules).
//
//   node xsub.mjs LABEL PKG/dist/index.js CLASS URL PLAN READY [--wildcards]
//
// Subscribes to every entry of PLAN (plan-*.json) with the operation that
// receives it (`receive`, else `client.peer.<send>`, the other side of the
// send operation); --wildcards leaves the parameters out, so they are read
// back from the topic. Then touches READY, waits for every entry (at most
// CROSSLANG_TIMEOUT s, default 60) and prints one `ok`/`not ok` line per
// entry: the message type, the typed payload, headers and parameters
// (deepStrictEqual with the plan's JSON: 7 is a number, not "7"), then that
// no message went to onError.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const [label, pkg, className, url, planFile, ready, ...rest] = process.argv.slice(2);
const wildcards = rest.includes('--wildcards');
const lib = await import(pathToFileURL(pkg).href);
const Client = lib[className];
const plan = JSON.parse(readFileSync(planFile, 'utf8'));
const timeout = Number(process.env.CROSSLANG_TIMEOUT ?? '60') * 1000;
const settle = (ms) => new Promise((r) => setTimeout(r, ms));

const client = new Client({ url, timeout });
await client.connect();
const got = plan.map(() => []);
const errors = [];
for (const [i, e] of plan.entries()) {
  const options = wildcards ? {} : { parameters: e.params };
  const onMessage = (m) => { got[i].push(m); };
  const onError = (err) => { errors.push(err); };
  if (e.receive) await client[e.receive](onMessage, onError, options);
  else await client.peer[e.send](onMessage, onError, options);
}
writeFileSync(ready, '');
const end = Date.now() + timeout;
while (Date.now() < end && got.some((box) => box.length === 0)) await settle(50);
await settle(200);
for (const [i, e] of plan.entries()) {
  const name = `crosslang_${label}_${e.receive ?? e.send}_${e.message}_should_arrive_typed`;
  const box = got[i];
  try {
    assert.equal(box.length, 1, `received ${box.length} messages, want 1 (errors: ${errors.map(String).join('; ')})`);
    const m = box[0];
    assert.equal(m.message, e.message);
    assert.deepStrictEqual(m.payload, e.payload);
    assert.deepStrictEqual({ ...(m.headers ?? {}) }, e.headers);
    assert.deepStrictEqual({ ...m.parameters }, e.params);
    console.log(`ok ${name}`);
  } catch (err) {
    console.log(`not ok ${name}: ${String(err.message).replace(/\s+/g, ' ').slice(0, 400)}`);
  }
}
if (errors.length) console.log(`not ok crosslang_${label}_should_report_no_receive_errors: ${errors.map(String).join('; ').slice(0, 400)}`);
else console.log(`ok crosslang_${label}_should_report_no_receive_errors`);
await client.close();
process.exit(0);
