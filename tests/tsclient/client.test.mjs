// End-to-end tests of the generated TypeScript client (compiled to JS by run.sh)
// against tests/server/jobserver.py, with Node's built-in test runner.
// Environment: CLIENT (path of the compiled dist/index.js), SERVER_URL,
// EXAMPLE_TYPE / EXAMPLE_METHOD / EXAMPLE_PAYLOAD (a message with an example).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { pathToFileURL } from 'node:url';

const lib = await import(pathToFileURL(process.env.CLIENT).href);
const { WorkerClient, MessageTypes, HTTPError, TimeoutError, TransportError, ValidationError, ResponseError, WorkerClientError } = lib;
const SERVER = process.env.SERVER_URL;
const TYPE = process.env.EXAMPLE_TYPE;
const METHOD = process.env.EXAMPLE_METHOD;
const EXAMPLE = JSON.parse(process.env.EXAMPLE_PAYLOAD);

const client = (scenario, config = {}) => new WorkerClient({ baseUrl: `${SERVER}/s/${scenario}`, ...config });
const stats = async () => (await fetch(`${SERVER}/__stats`)).json();
const closedPort = () => new Promise((resolve) => {
  const s = net.createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
});

test('typescript_client_should_enqueue_a_job_and_return_the_job_response', async () => {
  const r = await client('ok').sendToQueue(TYPE, EXAMPLE);
  assert.deepEqual(r, { success: true, jobId: `job-${TYPE}-1`, messageName: TYPE, queue: TYPE });
});

test('typescript_client_should_send_through_the_per_message_method', async () => {
  const r = await client('ok')[METHOD](EXAMPLE);
  assert.equal(r.messageName, TYPE);
});

test('typescript_client_should_read_the_job_status', async () => {
  const s = await client('ok').getJobStatus('job-1');
  assert.deepEqual([s.jobId, s.state, s.progress], ['job-1', 'completed', 100]);
});

test('typescript_client_should_url_encode_the_job_id', async () => {
  const s = await client('ok').getJobStatus('a/b c?d#e%f');
  assert.equal(s.jobId, 'a/b c?d#e%f');
});

test('typescript_client_should_send_the_job_id_url_encoded', async () => {
  // The echo scenario answers what it received (not a JobStatus: a ResponseError carrying it).
  await assert.rejects(client('echo', { apiKey: 'k' }).getJobStatus('a/b c?d#e%f'), (e) => {
    const echo = JSON.parse(e.body);
    assert.ok(e instanceof ResponseError);
    assert.deepEqual([echo.method, echo.path, echo.headers.authorization], ['GET', '/api/jobs/a%2Fb%20c%3Fd%23e%25f', 'Bearer k']);
    return true;
  });
});

test('typescript_client_should_carry_big_integers_exactly', async () => {
  // 2^53 - 1 and 2^63 - 1024 (an int64 that a JS number holds) both ways: the
  // bignum scenario answers the integers it read (exactly, in Python) as the
  // jobId, and a JobStatus with integers at those edges.
  const payload = { vertices: 9007199254740991, faces: -9007199254740991, edges: 9223372036854774784 };
  const job = await client('bignum').sendToQueue('model-technical-metadata-completed', payload);
  assert.equal(job.jobId, 'edges=9223372036854774784,faces=-9007199254740991,vertices=9007199254740991');
  const st = await client('bignum').getJobStatus('big');
  assert.deepEqual([st.timestamp, st.attemptsMade, st.data.max53, st.data.min53, st.data.big],
    [9007199254740991, 9223372036854774784, 9007199254740991, -9007199254740991, 9223372036854774784]);
});

test('typescript_client_should_send_ordinary_payloads_as_json_stringify_does', async () => {
  const payload = { ...EXAMPLE, n: [1.5, -0, 1e300, 2 ** 53, null, 'x\u2028"'], skip: undefined, d: { e: true } };
  await assert.rejects(client('echo').sendToQueue(TYPE, payload, { validate: false }), (e) => {
    assert.equal(JSON.parse(e.body).body, JSON.stringify(payload));
    return true;
  });
});

test('typescript_client_should_send_the_payload_as_json_with_its_content_type', async () => {
  await assert.rejects(client('echo').sendToQueue(TYPE, EXAMPLE), (e) => {
    const echo = JSON.parse(e.body);
    assert.deepEqual([echo.method, echo.path, echo.headers['content-type'], JSON.parse(echo.body)],
      ['POST', `/api/jobs/${TYPE}`, 'application/json', EXAMPLE]);
    assert.equal(echo.headers.authorization, undefined);
    return true;
  });
});

test('typescript_client_should_send_the_api_key_as_bearer_token', async () => {
  const r = await client('auth', { apiKey: 'secret-key' }).sendToQueue(TYPE, EXAMPLE);
  assert.equal(r.success, true);
});

test('typescript_client_should_throw_http_error_401_without_the_api_key', async () => {
  await assert.rejects(client('auth').sendToQueue(TYPE, EXAMPLE), (e) =>
    e instanceof HTTPError && e.status === 401 && e.serverMessage === 'missing or wrong API key');
});

test('typescript_client_should_report_status_and_server_message_of_json_errors', async () => {
  for (const [scenario, status, message] of [['http400-json', 400, 'payload rejected by test server'], ['http500-json', 500, 'queue unavailable']]) {
    await assert.rejects(client(scenario).sendToQueue(TYPE, EXAMPLE), (e) =>
      e instanceof HTTPError && e instanceof WorkerClientError && e.status === status && e.serverMessage === message &&
      e.message === `HTTP ${status}: ${message}`);
  }
});

test('typescript_client_should_report_non_json_error_bodies', async () => {
  await assert.rejects(client('http503-text').getJobStatus('j1'), (e) =>
    e instanceof HTTPError && e.status === 503 && e.serverMessage === 'Service Unavailable');
  await assert.rejects(client('http404-html').sendToQueue(TYPE, EXAMPLE), (e) =>
    e instanceof HTTPError && e.status === 404 && e.serverMessage.includes('Not Found'));
});

test('typescript_client_should_time_out_on_a_slow_server', async () => {
  const t0 = Date.now();
  await assert.rejects(client('slow', { timeout: 500 }).sendToQueue(TYPE, EXAMPLE), (e) => e instanceof TimeoutError);
  assert.ok(Date.now() - t0 < 2500);
});

test('typescript_client_should_time_out_get_job_status_too', async () => {
  await assert.rejects(client('slow', { timeout: 30000 }).getJobStatus('j1', { timeout: 400 }), (e) => e instanceof TimeoutError);
});

test('typescript_client_should_throw_transport_error_when_the_connection_is_refused', async () => {
  const port = await closedPort();
  await assert.rejects(new WorkerClient({ baseUrl: `http://127.0.0.1:${port}` }).sendToQueue(TYPE, EXAMPLE), (e) =>
    e instanceof TransportError && !(e instanceof TimeoutError));
});

test('typescript_client_should_refuse_an_invalid_payload_before_sending', async () => {
  const before = (await stats()).requests;
  const first = Object.keys(EXAMPLE)[0];
  const bad = { ...EXAMPLE, [first]: [[{ wrong: 'type' }]] };
  await assert.rejects(client('ok').sendToQueue(TYPE, bad), (e) =>
    e instanceof ValidationError && e.path.startsWith(`/${first}`) && e.message.includes(`${e.path}: ${e.problem}`));
  assert.equal((await stats()).requests, before + 1); // only our own /__stats call
});

test('typescript_client_should_send_invalid_payloads_when_validation_is_off', async () => {
  assert.equal((await client('ok', { validate: false }).sendToQueue(TYPE, { x: [1] })).success, true);
  assert.equal((await client('ok').sendToQueue(TYPE, { x: [1] }, { validate: false })).success, true);
});

test('typescript_client_should_reject_answers_that_are_not_json_or_not_a_job_response', async () => {
  for (const scenario of ['malformed', 'wrong-schema']) {
    await assert.rejects(client(scenario).sendToQueue(TYPE, EXAMPLE), (e) => e instanceof ResponseError);
  }
});

test('typescript_client_should_read_a_large_job_status', async () => {
  const s = await client('large').getJobStatus('j1');
  assert.equal(s.data.blob.length, 4 * 1024 * 1024);
});

test('typescript_client_should_read_its_configuration_from_the_environment', async () => {
  process.env.WORKER_BACKEND_URL = `${SERVER}/s/auth`;
  process.env.WORKER_BACKEND_API_KEY = 'secret-key';
  process.env.WORKER_BACKEND_TIMEOUT = '7';
  try {
    const r = await WorkerClient.fromEnv().sendToQueue(TYPE, EXAMPLE);
    assert.equal(r.success, true);
  } finally {
    delete process.env.WORKER_BACKEND_URL;
    delete process.env.WORKER_BACKEND_API_KEY;
    delete process.env.WORKER_BACKEND_TIMEOUT;
  }
});

test('typescript_client_should_export_message_type_constants', () => {
  const values = Object.values(MessageTypes);
  assert.ok(values.includes(TYPE));
  assert.equal(new Set(values).size, values.length);
});
