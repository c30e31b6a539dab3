// The generated TypeScript client (compiled) against tests/server/hostile.py:
// every call ends within its deadline, reads a bounded answer, follows no
// redirect, sends a POST once, and throws only the package's own errors.
// Environment: CLIENT (dist/index.js), HOSTILE_URL, HOSTILE_OTHER_URL,
// EXAMPLE_TYPE, EXAMPLE_PAYLOAD. Prints one ok/not ok line per case.
import http from 'node:http';
import { pathToFileURL } from 'node:url';

const lib = await import(pathToFileURL(process.env.CLIENT).href);
const { WorkerClient, WorkerClientError, TimeoutError, ResponseError, HTTPError, TransportError, ConfigError } = lib;
const URL_ = process.env.HOSTILE_URL;
const OTHER = process.env.HOSTILE_OTHER_URL;
const TYPE = process.env.EXAMPLE_TYPE;
const PAYLOAD = JSON.parse(process.env.EXAMPLE_PAYLOAD);
const TIMEOUT = 2000;
const SLACK = 1500;

// On its own connection (agent: false): a pooled fetch could pick a connection the scenario closes.
const stats = (base) => new Promise((resolve, reject) => {
  http.get(`${base}/__stats`, { agent: false }, (res) => {
    let text = '';
    res.on('data', (d) => { text += d; });
    res.on('end', () => resolve(JSON.parse(text)));
  }).on('error', reject);
});
const report = (name, good, why = '') => console.log(`${good ? 'ok' : 'not ok'} typescript_client_${name}${good ? '' : `: ${why}`}`);
const client = (scenario, config = {}) => new WorkerClient({ baseUrl: `${URL_}/h/${scenario}`, ...config });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function attempt(fn) {
  const t0 = Date.now();
  try {
    const r = await fn();
    return [undefined, r, Date.now() - t0];
  } catch (e) {
    return [e, undefined, Date.now() - t0];
  }
}

async function expectError(name, fn, kind, within) {
  const [e, r, ms] = await attempt(fn);
  if (e === undefined) return report(name, false, `no error, answered ${JSON.stringify(r)}`);
  if (!(e instanceof kind)) return report(name, false, `threw ${e?.name}: ${String(e?.message).slice(0, 200)} (want ${kind.name})`);
  if (within !== undefined && ms > within) return report(name, false, `took ${ms} ms (deadline ${within} ms)`);
  report(name, true);
}

const send = (scenario, config) => () => client(scenario, config).sendToQueue(TYPE, PAYLOAD);

// 1. the timeout is a deadline for the whole call
for (const sc of ['slow-status', 'slow-headers', 'slow-body', 'slow-chunked']) {
  await expectError(`should_time_out_within_the_deadline_on_${sc.replaceAll('-', '_')}`, send(sc, { timeout: TIMEOUT }), TimeoutError, TIMEOUT + SLACK);
}
// Interim 100 Continue answers are skipped (under Node the client uses
// node:http: fetch's undici refuses them as a 'bad response'): endless ones
// run into the deadline, a final answer after them is the answer.
await expectError('should_time_out_within_the_deadline_on_continue', send('continue', { timeout: TIMEOUT }), TimeoutError, TIMEOUT + SLACK);
{
  const [e, r, ms] = await attempt(send('continue-then-ok', { timeout: TIMEOUT }));
  console.log(`# three 100 Continue, then the answer: ${e === undefined ? 'answered' : e.name} after ${ms} ms`);
  report('should_skip_100_continue_and_read_the_answer', e === undefined && r?.success === true, String(e));
}
// 2. bounded answers
for (const sc of ['endless', 'endless-length']) {
  await expectError(`should_refuse_an_endless_answer_${sc.replaceAll('-', '_')}`, send(sc, { timeout: 30000, maxAnswerBytes: 1 << 20 }), ResponseError, 15000);
}
await expectError('should_refuse_an_endless_answer_at_the_default_limit', send('endless', { timeout: 60000 }), ResponseError, 45000);
report('should_document_its_default_answer_limit', lib.DEFAULT_MAX_ANSWER_BYTES === 64 * 1024 * 1024, String(lib.DEFAULT_MAX_ANSWER_BYTES));
// 3. no cross-origin redirects
for (const code of ['301', '302', '307', '308']) {
  const before = (await stats(OTHER)).requests;
  await expectError(`should_not_follow_a_${code}_redirect_to_another_origin`, send(`redirect-${code}`), HTTPError);
  const seen = (await stats(OTHER)).requests - before;
  report(`should_send_nothing_to_the_other_origin_on_${code}`, seen === 0, `the other origin saw ${seen} requests`);
}
// 4. no double enqueue
{
  let before = (await stats(URL_)).posts;
  let c = client('idle-close');
  const [e1] = await attempt(() => c.sendToQueue(TYPE, PAYLOAD));
  await sleep(600);
  const [e2] = await attempt(() => c.sendToQueue(TYPE, PAYLOAD));
  let posts = (await stats(URL_)).posts - before;
  report('should_reconnect_when_the_server_closed_an_idle_connection', e1 === undefined && e2 === undefined, `${e1} ${e2}`);
  report('should_post_once_per_call_when_the_server_closes_idle_connections', posts === 2, `${posts} POSTs for 2 calls`);
  await sleep(600); // fetch pools connections per origin: let the idle-close ones close first
  before = (await stats(URL_)).posts;
  c = client('drop-second');
  const [d1] = await attempt(() => c.sendToQueue(TYPE, PAYLOAD));
  const [d2] = await attempt(() => c.sendToQueue(TYPE, PAYLOAD));
  posts = (await stats(URL_)).posts - before;
  // (fetch may send the second call on a new connection, which the server answers)
  report('should_report_a_connection_dropped_after_the_request', d1 === undefined && (d2 === undefined || d2 instanceof TransportError), `${d1} ${d2}`);
  report('should_not_resend_a_post_the_server_may_have_received', posts === 2, `${posts} POSTs for 2 calls`);
}
// 5. only the client's own errors
await expectError('should_refuse_a_deeply_nested_answer', send('deep'), ResponseError);
await expectError('should_refuse_an_overflowing_chunk_size', send('chunk-overflow'), WorkerClientError);
for (const [label, key] of [['crlf', 'abc\r\nX-Injected: yes'], ['lf', 'abc\nX-Injected: yes'], ['nul', 'abc\u0000']]) {
  await expectError(`should_refuse_an_api_key_with_${label}`, async () => new WorkerClient({ baseUrl: `${URL_}/h/ok`, apiKey: key }), ConfigError);
}
await expectError('should_refuse_a_bad_base_url', async () => new WorkerClient({ baseUrl: 'ftp://x' }), ConfigError);
// 6. strict answers
for (const sc of ['trailing-garbage', 'concatenated', 'leading-zero']) {
  await expectError(`should_refuse_an_answer_with_${sc.replaceAll('-', '_')}`, send(sc), ResponseError);
  await expectError(`should_refuse_a_status_answer_with_${sc.replaceAll('-', '_')}`, () => client(sc).getJobStatus('j1'), ResponseError);
}
// 7. real answers; answer checking can be turned off
for (let n = 1; n <= 6; n++) {
  const [e, st] = await attempt(() => client(`bullmq-${n}`).getJobStatus(String(n)));
  report(`should_read_a_realistic_bullmq_job_status_${n}`, e === undefined && st?.jobId === String(n), String(e));
}
await expectError('should_check_answers_by_default', send('wrong-schema'), ResponseError);
{
  const [e, r] = await attempt(send('wrong-schema', { checkAnswers: false }));
  report('should_skip_answer_checks_when_the_client_says_so', e === undefined && r?.success === 'yes', String(e));
  const [e2, r2] = await attempt(() => client('wrong-schema').sendToQueue(TYPE, PAYLOAD, { checkAnswers: false }));
  report('should_skip_answer_checks_when_the_call_says_so', e2 === undefined && r2?.queue === 7, String(e2));
}
