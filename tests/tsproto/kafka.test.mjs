// The client generated from tests/catalogues/streetlights-kafka-3.0.yaml
// (CLIENT) against librdkafka's mock cluster (KAFKA_BOOTSTRAP) through the
// Kafka adapter (npm kafkajs). KAFKAMOCK: the mock's binary, for a private
// cluster to kill. A consumer needs about 3 s to join its group (the mock's
// initial rebalance delay), so subscriptions are shared between cases.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { pathToFileURL } from 'node:url';

const lib = await import(pathToFileURL(process.env.CLIENT).href);
const { StreetlightsKafkaApiClient: Client, ReceiveError, TransportError, TimeoutError, ParameterError } = lib;
const URL_ = `kafka://${process.env.KAFKA_BOOTSTRAP}`;
const RUN = Math.random().toString(36).slice(2, 8);
const settle = (ms = 100) => new Promise((r) => setTimeout(r, ms));
const clients = [];
async function client(options = {}) {
  const c = new Client({ url: URL_, timeout: 20000, clientId: `t-${RUN}-${clients.length}`, ...options });
  await c.connect();
  clients.push(c);
  return c;
}
test.after(async () => { for (const c of clients) await c.close(); });
const waitFor = async (cond, ms = 15000) => { for (let t = 0; t < ms && !cond(); t += 50) await settle(50); };

const got = [];
const errors = [];
let pub;
let sub;
test.before(async () => {
  pub = await client();
  sub = await client();
  // The topics must exist before a regular-expression subscription sees them.
  await pub.sendLightMeasurement({ id: 0, lumens: 0 }, { parameters: { streetlightId: `${RUN}-a` } });
  await pub.sendLightMeasurement({ id: 0, lumens: 0 }, { parameters: { streetlightId: `${RUN}-b` } });
  const push = (m) => got.push(m);
  const err = (e) => errors.push(e);
  await Promise.all([
    sub.receiveLightMeasurement(push, err), // every streetlight: a regex subscription
    sub.receiveTurnOn(push, err, { parameters: { streetlightId: `${RUN}-a` } }),
    sub.receiveDimLight(push, err, { parameters: { streetlightId: `${RUN}-a` } }),
  ]);
  // A new group starts at the end of each partition; a regular-expression
  // subscription may rebalance once more right after it starts (offsets are
  // then looked up again): what is published before that settles is missed.
  await settle(1500);
});

test('tsproto_kafka_round_trip_should_carry_every_message_type_with_parameters_and_headers', async () => {
  got.length = 0; errors.length = 0;
  await pub.sendLightMeasurement({ id: 1, lumens: 10, sentAt: '2024-05-01T23:00:00Z' }, { parameters: { streetlightId: `${RUN}-a` }, headers: { traceId: 'tr-a' } });
  await pub.sendLightMeasurement({ id: 2, lumens: 20 }, { parameters: { streetlightId: `${RUN}-b` }, headers: { traceId: 'tr-b' } });
  await pub.turnOn({ command: 'on' }, { parameters: { streetlightId: `${RUN}-a` }, headers: { traceId: 'tr-on' } });
  await pub.dimLight({ percentage: 55 }, { parameters: { streetlightId: `${RUN}-a` } });
  const mine = () => got.filter((m) => m.payload.id !== 0);
  await waitFor(() => mine().length >= 4);
  if (process.env.DEBUG_KAFKA) console.error(JSON.stringify(got.map((m) => [m.address, m.payload])));
  assert.equal(errors.length, 0, String(errors[0]));
  const seen = Object.fromEntries(mine().map((m) => [`${m.message}:${m.parameters.streetlightId}`, [m.payload, m.headers]]));
  assert.deepEqual(seen, {
    [`lightMeasured:${RUN}-a`]: [{ id: 1, lumens: 10, sentAt: '2024-05-01T23:00:00Z' }, { traceId: 'tr-a' }],
    [`lightMeasured:${RUN}-b`]: [{ id: 2, lumens: 20 }, { traceId: 'tr-b' }],
    [`turnOnOff:${RUN}-a`]: [{ command: 'on' }, { traceId: 'tr-on' }],
    [`dimLight:${RUN}-a`]: [{ percentage: 55 }, {}],
  });
});

test('tsproto_kafka_invalid_message_should_be_reported_not_delivered', async () => {
  got.length = 0; errors.length = 0;
  const raw = new lib.KafkaTransport({ url: URL_ });
  await raw.connect();
  const topic = `streetlights.1.0.action.${RUN}-a.dim`;
  await raw.publish(topic, new TextEncoder().encode('{"percentage": 200}'), {});
  await raw.publish(topic, new TextEncoder().encode('\xff not json'), {});
  await assert.rejects(pub.turnOn({ command: 'on' }, { parameters: { streetlightId: `${RUN}-a` }, headers: { traceId: 'x'.repeat(65) } }),
    (e) => e instanceof lib.ValidationError && e.path === '/headers/traceId');
  await waitFor(() => errors.length >= 2);
  await raw.close();
  // Only the invalid messages matter here: a record of the round trip above
  // (or of the set-up) may still arrive again after a rebalance.
  assert.deepEqual(got.filter((m) => m.message === 'dimLight' && m.payload.percentage === 200), []);
  assert.equal(errors.length, 2);
  assert.ok(errors.every((e) => e instanceof ReceiveError), errors.map(String).join('; '));
  // The two records may sit on different partitions: either may come first.
  const paths = errors.map((e) => (e.errors ?? []).map((p) => p.path).join(','));
  assert.ok(paths.includes('/percentage'), paths.join('; '));
});

test('tsproto_kafka_parameter_outside_the_topic_alphabet_should_be_refused', async () => {
  await assert.rejects(pub.turnOn({ command: 'on' }, { parameters: { streetlightId: 'a/b' } }), ParameterError);
});

test('tsproto_kafka_request_should_get_the_reply_correlated_in_a_header', async () => {
  const desk = await client();
  const answering = await desk.answerStatus((req) => ({ payload: { streetlightId: req.payload.streetlightId, state: 'broken' } }), (e) => { throw e; });
  const reply = await pub.getStatus({ streetlightId: `${RUN}-a` }, { timeout: 15000 });
  assert.deepEqual(reply.payload, { streetlightId: `${RUN}-a`, state: 'broken' });
  assert.match(reply.headers.correlationId, /^[0-9a-f-]{36}$/);
  await answering.unsubscribe();
});

test('tsproto_kafka_request_without_responder_should_time_out_cleanly', async () => {
  const lone = await client();
  await assert.rejects(lone.getStatus({ streetlightId: 'nobody' }, { timeout: 500 }), TimeoutError);
});

test('tsproto_kafka_unreachable_broker_should_give_a_typed_error', async () => {
  const port = await new Promise((resolve) => { const s = net.createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); }); });
  const c = new Client({ url: `kafka://127.0.0.1:${port}`, timeout: 2000 });
  await assert.rejects(c.connect(), (e) => e instanceof TransportError);
});

test('tsproto_kafka_broker_going_away_should_give_a_typed_error', { skip: !process.env.KAFKAMOCK && 'no kafkamock binary' }, async () => {
  const portFile = `${process.env.TMPDIR_TEST}/kafka-private.port`;
  fs.rmSync(portFile, { force: true });
  const mock = spawn(process.env.KAFKAMOCK, ['--port-file', portFile, '--max-seconds', '60'], { stdio: 'ignore' });
  try {
    await waitFor(() => fs.existsSync(portFile), 5000);
    const c = new Client({ url: `kafka://${fs.readFileSync(portFile, 'utf8').trim()}`, timeout: 3000 });
    await c.connect();
    await c.turnOn({ command: 'on' }, { parameters: { streetlightId: 'gone' } });
    mock.kill('SIGKILL');
    await settle(200);
    await assert.rejects(c.turnOn({ command: 'off' }, { parameters: { streetlightId: 'gone' } }), (e) => e instanceof TransportError);
    await c.close();
  } finally {
    mock.kill('SIGKILL');
  }
});
