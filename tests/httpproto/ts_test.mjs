// The TypeScript client's plain HTTP bindings against tests/server/httpecho.py.
//   node ts_test.mjs LABEL PKGDIR PORT LOG CLOSED_PORT
// PKGDIR is the generated package (compiled to dist/) of
// tests/catalogues/http-bindings-3.0.yaml. Prints ok / not ok lines.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const [label, pkgdir, port, log, closed] = process.argv.slice(2);
const pkg = await import(pathToFileURL(`${pkgdir}/dist/index.js`).href);
const Client = pkg.LampsHttpApiClient;
const base = `http://127.0.0.1:${port}`;

const lines = () => readFileSync(log, 'utf8').split('\n').filter((l) => l !== '');
const last = () => JSON.parse(lines().at(-1));
function check(cond, what) { if (!cond) throw new Error(what); }

async function test(name, fn) {
  const full = `httpproto_typescript_${label}_${name}`;
  try {
    await fn();
    console.log(`ok ${full}`);
  } catch (e) {
    console.log(`not ok ${full}: ${String(e && e.stack || e).replace(/\n/g, ' ').slice(0, 400)}`);
  }
}

async function withClient(options, fn) {
  const c = new Client(options);
  await c.connect();
  try { return await fn(c); } finally { await c.close(); }
}

async function rejects(promise, cls, what) {
  try { await promise; } catch (e) {
    check(e instanceof cls, `${what}: got ${e && e.name}: ${e && e.message}`);
    return e;
  }
  throw new Error(`${what}: no error`);
}

await test('send_should_post_json_with_escaped_parameter_and_headers', async () => {
  await withClient({ url: `${base}/echo/api/v1/` }, (c) => c.switchOn({ lampId: 'hall', on: true, note: 'caf\u00e9' },
    { parameters: { lampId: 'a b/c?d%e' }, headers: { 'x-request-id': 'req-\u00e9-1', 'x-attempt': 2 } }));
  const r = last();
  check(r.method === 'POST', `method ${r.method}`);
  check(r.path === '/echo/api/v1/lamps/a%20b%2Fc%3Fd%25e/on', `path ${r.path}`);
  check(r.headers['content-type'] === 'application/json', `content-type ${r.headers['content-type']}`);
  check(r.headers['x-attempt'] === '2', `x-attempt ${r.headers['x-attempt']}`);
  check(Buffer.from(r.headers['x-request-id'], 'latin1').toString('utf8') === 'req-\u00e9-1', `x-request-id ${r.headers['x-request-id']}`);
  check(JSON.stringify(JSON.parse(r.body)) === JSON.stringify({ lampId: 'hall', on: true, note: 'caf\u00e9' }), `body ${r.body}`);
});

await test('put_binding_should_send_put', async () => {
  await withClient({ url: `${base}/echo/api/v1` }, (c) => c.setLevel({ percent: 50 }, { parameters: { lampId: 'porch' } }));
  const r = last();
  check(r.method === 'PUT' && r.path === '/echo/api/v1/lamps/porch/level', JSON.stringify(r));
});

await test('server_from_catalogue_variables_and_env_should_be_used', async () => {
  await withClient({ variables: { port } }, (c) => c.setLevel({ percent: 1 }, { parameters: { lampId: 'v' } }));
  check(last().path === '/api/v1/lamps/v/level', `path ${last().path}`);
  process.env.LAMPS_HTTP_API_SERVER_URL = `${base}/fromenv`;
  try {
    const c = Client.fromEnv();
    await c.connect();
    await c.setLevel({ percent: 2 }, { parameters: { lampId: 'e' } });
    await c.close();
  } finally {
    delete process.env.LAMPS_HTTP_API_SERVER_URL;
  }
  check(last().path === '/fromenv/lamps/e/level', `path ${last().path}`);
});

await test('reply_should_be_the_decoded_validated_answer', async () => {
  const reply = await withClient({ url: `${base}/report/api/v1` }, (c) => c.queryStatus({ lamps: ['hall', 'porch'] }));
  check(JSON.stringify(reply.payload) === JSON.stringify({ lamps: [{ lampId: 'hall', on: true }, { lampId: 'porch', on: true }] }), JSON.stringify(reply));
  check(reply.message === 'statusReport', `message ${reply.message}`);
  check(last().path === '/report/api/v1/status', `path ${last().path}`);
});

await test('invalid_reply_should_throw_reply_error_with_the_validation_errors', async () => {
  let e = await rejects(withClient({ url: `${base}/badreport/api/v1` }, (c) => c.queryStatus({ lamps: ['x'] })), pkg.ReplyError, 'bad report');
  check(e.errors.length > 0 && e.body.includes('"lampId": 1'), JSON.stringify(e.errors) + e.body);
  check(e instanceof pkg.ResponseError, 'a ReplyError is a ResponseError');
  e = await rejects(withClient({ url: `${base}/notjson/api/v1` }, (c) => c.queryStatus({ lamps: ['x'] })), pkg.ReplyError, 'not json');
  check(e.body === 'not json' && /not JSON/.test(e.message), e.message);
});

await test('non_2xx_should_throw_http_error_with_status_and_body', async () => {
  for (const status of [404, 503]) {
    const e = await rejects(withClient({ url: `${base}/status-${status}/api/v1` }, (c) => c.setLevel({ percent: 3 }, { parameters: { lampId: 'p' } })), pkg.HTTPError, `status ${status}`);
    check(e.status === status && e.serverMessage === `forced ${status}` && e.body.includes(`forced ${status}`), `${e.status} ${e.serverMessage} ${e.body}`);
  }
});

await test('server_down_should_throw_transport_error', async () => {
  await rejects(withClient({ url: `http://127.0.0.1:${closed}/api/v1` }, (c) => c.setLevel({ percent: 4 }, { parameters: { lampId: 'p' } })), pkg.TransportError, 'closed port');
});

await test('invalid_payload_and_header_should_be_refused_before_sending', async () => {
  const before = lines().length;
  await withClient({ url: `${base}/echo` }, async (c) => {
    await rejects(c.setLevel({ percent: 101 }, { parameters: { lampId: 'p' } }), pkg.ValidationError, 'percent 101');
    await rejects(c.switchOn({ lampId: 'a', on: true }, { parameters: { lampId: 'p' }, headers: { 'x-request-id': 'a\r\nX-Evil: 1' } }), pkg.ValidationError, 'CR/LF header');
  });
  check(lines().length === before, 'something was sent');
});

await test('receive_over_http_should_be_refused_with_config_error', async () => {
  await withClient({ url: base }, (c) => rejects(c.peer.switchOn(() => undefined, () => undefined), pkg.ConfigError, 'peer subscribe'));
});
