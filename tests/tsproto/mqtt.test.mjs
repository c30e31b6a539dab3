// The clients generated from tests/catalogues/streetlights-3.0.yaml (CLIENT,
// CJS_CLIENT) and streetlights-kafka-3.0.yaml (KAFKA_CLIENT: headers and
// request/reply; its typed layer runs over any transport) against mosquitto
// (MQTT_URL) through the MQTT adapter (npm mqtt, MQTT 5).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import net from 'node:net';
import { pathToFileURL } from 'node:url';

const lib = await import(pathToFileURL(process.env.CLIENT).href);
const klib = await import(pathToFileURL(process.env.KAFKA_CLIENT).href);
const URL_ = process.env.MQTT_URL;
const { StreetlightsMqttApiClient: Client, ReceiveError, TransportError, TimeoutError, ValidationError } = lib;
const SENT_AT = '2024-05-02T06:00:00Z';
const settle = (ms = 300) => new Promise((r) => setTimeout(r, ms));
const within = (p, ms = 5000, what = 'in time') => Promise.race([p, new Promise((_, r) => setTimeout(() => r(new Error(`nothing ${what}`)), ms))]);
const clients = [];
async function client(C = Client, options = {}) {
  const c = new C({ url: URL_, ...options });
  await c.connect();
  clients.push(c);
  return c;
}
test.after(async () => { for (const c of clients) await c.close(); });

test('tsproto_mqtt_round_trip_should_carry_every_message_type_with_parameters', async () => {
  const pub = await client();
  const sub = await client();
  const got = [];
  const errors = [];
  const push = (m) => got.push(m);
  const err = (e) => errors.push(e);
  await sub.peer.turnOn(push, err);
  await sub.peer.turnOff(push, err, { parameters: { streetlightId: 'lamp-2' } });
  await sub.peer.dimLight(push, err);
  await sub.receiveLightMeasurement(push, err);
  await pub.turnOn({ command: 'on', sentAt: SENT_AT }, { parameters: { streetlightId: 'lamp-1' } });
  await pub.turnOff({ command: 'off' }, { parameters: { streetlightId: 'lamp-3' } }); // not subscribed: lamp-2 only
  await pub.turnOff({ command: 'off' }, { parameters: { streetlightId: 'lamp-2' } });
  await pub.dimLight({ percentage: 30 }, { parameters: { streetlightId: 'lamp-4' } });
  await pub.peer.receiveLightMeasurement({ id: 7, lumens: 250, sentAt: SENT_AT }, { parameters: { streetlightId: 'lamp-7' } });
  for (let i = 0; i < 50 && got.length < 4; i++) await settle(50);
  await settle(200);
  assert.equal(errors.length, 0, String(errors[0]));
  const byMessage = Object.fromEntries(got.map((m) => [m.message + ':' + m.parameters.streetlightId, m.payload]));
  assert.deepEqual(byMessage, {
    'turnOnOff:lamp-1': { command: 'on', sentAt: SENT_AT },
    'turnOnOff:lamp-2': { command: 'off' },
    'dimLight:lamp-4': { percentage: 30 },
    'lightMeasured:lamp-7': { id: 7, lumens: 250, sentAt: SENT_AT },
  });
});

test('tsproto_mqtt_headers_should_travel_as_user_properties_typed', async () => {
  const pub = await client(klib.StreetlightsKafkaApiClient);
  const sub = await client(klib.StreetlightsKafkaApiClient);
  const it = sub.receiveLightMeasurementIterator();
  await settle(100);
  await pub.sendLightMeasurement({ id: 1, lumens: 5 }, { parameters: { streetlightId: 's1' }, headers: { traceId: 'trace-42' } });
  const m = (await within(it.next())).value;
  assert.deepEqual(m.headers, { traceId: 'trace-42' });
  assert.deepEqual(m.parameters, { streetlightId: 's1' });
  await it.return();
});

test('tsproto_mqtt_invalid_message_should_be_reported_not_delivered', async () => {
  const app = await client();
  const raw = new lib.MqttTransport({ url: URL_ });
  await raw.connect();
  const seen = [];
  const errors = [];
  await app.receiveLightMeasurement((m) => seen.push(m), (e) => errors.push(e));
  const topic = 'smartylighting/streetlights/1/0/event/s9/lighting/measured';
  await raw.publish(topic, new TextEncoder().encode('{"id": "nine", "lumens": -1}'), {});
  await raw.publish(topic, new TextEncoder().encode('not json'), {});
  for (let i = 0; i < 50 && errors.length < 2; i++) await settle(50);
  await raw.close();
  assert.equal(seen.length, 0);
  assert.equal(errors.length, 2);
  assert.ok(errors.every((e) => e instanceof ReceiveError));
  assert.deepEqual(errors[0].errors.map((p) => p.path).sort(), ['/id', '/lumens']);
});

test('tsproto_mqtt_invalid_payload_should_not_be_published', async () => {
  const pub = await client();
  await assert.rejects(pub.dimLight({ percentage: 101 }, { parameters: { streetlightId: 'x' } }), (e) => e instanceof ValidationError && e.path === '/percentage');
});

test('tsproto_mqtt_request_should_get_the_correlated_reply', async () => {
  const requester = await client(klib.StreetlightsKafkaApiClient);
  const responder = await client(klib.StreetlightsKafkaApiClient);
  const seenIds = [];
  const answering = await responder.answerStatus((req) => {
    seenIds.push(req.headers.correlationId);
    return { payload: { streetlightId: req.payload.streetlightId, state: 'on', lumens: 3 } };
  }, (e) => { throw e; });
  await settle(100);
  const [a, b] = await Promise.all([
    requester.getStatus({ streetlightId: 'a' }, { timeout: 5000 }),
    requester.getStatus({ streetlightId: 'b' }, { timeout: 5000 }),
  ]);
  assert.deepEqual([a.payload.streetlightId, b.payload.streetlightId], ['a', 'b']);
  assert.equal(a.headers.correlationId, seenIds[0] === a.headers.correlationId ? seenIds[0] : seenIds[1]);
  assert.notEqual(a.headers.correlationId, b.headers.correlationId);
  const mine = await requester.getStatus({ streetlightId: 'c' }, { headers: { correlationId: 'my-id-1' }, timeout: 5000 });
  assert.equal(mine.headers.correlationId, 'my-id-1');
  await answering.unsubscribe();
});

test('tsproto_mqtt_request_without_responder_should_time_out_cleanly', async () => {
  const requester = await client(klib.StreetlightsKafkaApiClient);
  const t0 = Date.now();
  await assert.rejects(requester.getStatus({ streetlightId: 'nobody' }, { timeout: 300 }), (e) => e instanceof klib.TimeoutError);
  const took = Date.now() - t0;
  assert.ok(took >= 290 && took < 3000, `took ${took} ms`);
});

test('tsproto_mqtt_commonjs_build_should_round_trip', async () => {
  const cjs = createRequire(import.meta.url)(process.env.CJS_CLIENT);
  const pub = await client(cjs.StreetlightsMqttApiClient);
  const sub = await client(cjs.StreetlightsMqttApiClient);
  const it = sub.peer.turnOnIterator({ parameters: { streetlightId: 'cjs' } });
  await settle(100);
  await pub.turnOn({ command: 'on' }, { parameters: { streetlightId: 'cjs' } });
  assert.deepEqual((await within(it.next())).value.payload, { command: 'on' });
  await it.return();
});

test('tsproto_mqtt_unreachable_broker_should_give_a_typed_error', async () => {
  const port = await new Promise((resolve) => { const s = net.createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); }); });
  const c = new Client({ url: `mqtt://127.0.0.1:${port}`, timeout: 2000 });
  await assert.rejects(c.connect(), (e) => e instanceof TransportError);
});

test('tsproto_mqtt_broker_going_away_should_give_a_typed_error', { skip: !process.env.MOSQUITTO && 'no mosquitto binary' }, async () => {
  const port = await new Promise((resolve) => { const s = net.createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); }); });
  const conf = `${process.env.TMPDIR_TEST}/mosq-${port}.conf`;
  (await import('node:fs')).writeFileSync(conf, `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\n`);
  const broker = spawn(process.env.MOSQUITTO, ['-c', conf], { stdio: 'ignore' });
  try {
    let c;
    for (let i = 0; i < 50; i++) {
      try { c = new Client({ url: `mqtt://127.0.0.1:${port}`, timeout: 1000 }); await c.connect(); break; } catch { c = undefined; await settle(100); }
    }
    assert.ok(c, 'could not connect to the private broker');
    const errors = [];
    c.transport.onError = (e) => errors.push(e);
    broker.kill('SIGKILL');
    for (let i = 0; i < 50 && errors.length === 0; i++) await settle(50);
    assert.ok(errors.length > 0 && errors[0] instanceof TransportError, `onError got ${errors.map(String)}`);
    await assert.rejects(c.turnOn({ command: 'on' }, { parameters: { streetlightId: 'x' } }), (e) => e instanceof TransportError);
    await c.close();
  } finally {
    broker.kill('SIGKILL');
  }
});
