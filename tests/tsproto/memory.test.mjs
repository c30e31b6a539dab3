// The typed operations layer of the client generated from
// tests/catalogues/streetlights-3.0.yaml over MemoryTransport (no broker, no
// adapter library): the transport interface is all the typed layer needs.
// CLIENT: the compiled package's index.js.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';

const lib = await import(pathToFileURL(process.env.CLIENT).href);
const { StreetlightsMqttApiClient, MemoryTransport, MemoryBus, ParameterError, ReceiveError, ValidationError, ConfigError, TransportError } = lib;

const pair = (protocol = 'mqtt') => {
  const bus = new MemoryBus();
  const a = new StreetlightsMqttApiClient({ transport: new MemoryTransport(bus, protocol) });
  const b = new StreetlightsMqttApiClient({ transport: new MemoryTransport(bus, protocol) });
  return [a, b];
};
const next = (it, ms = 2000) => Promise.race([it.next(), new Promise((_, r) => setTimeout(() => r(new Error('no message in time')), ms))]);
const SENT_AT = '2024-05-02T06:00:00Z';

test('tsproto_memory_send_should_reach_the_peer_typed_with_its_parameters', async () => {
  const [pub, sub] = pair();
  await pub.connect(); await sub.connect();
  const got = sub.peer.turnOnIterator();
  const dims = sub.peer.dimLightIterator({ parameters: { streetlightId: 'lamp-2' } });
  const offs = sub.peer.turnOffIterator();
  await pub.turnOn({ command: 'on', sentAt: SENT_AT }, { parameters: { streetlightId: 'lamp-1' } });
  await pub.turnOff({ command: 'off', sentAt: SENT_AT }, { parameters: { streetlightId: 'lamp-9' } });
  await pub.dimLight({ percentage: 40, sentAt: SENT_AT }, { parameters: { streetlightId: 'lamp-2' } });
  const m = (await next(got)).value;
  assert.equal(m.message, 'turnOnOff');
  assert.deepEqual(m.payload, { command: 'on', sentAt: SENT_AT });
  assert.deepEqual(m.parameters, { streetlightId: 'lamp-1' });
  assert.equal(m.address, 'smartylighting/streetlights/1/0/action/lamp-1/turn/on');
  assert.deepEqual((await next(offs)).value.parameters, { streetlightId: 'lamp-9' });
  const d = (await next(dims)).value;
  assert.deepEqual([d.message, d.payload.percentage, d.parameters.streetlightId], ['dimLight', 40, 'lamp-2']);
  await got.return(); await dims.return(); await offs.return();
});

test('tsproto_memory_receive_should_deliver_what_the_peer_sends', async () => {
  const [app, light] = pair();
  await app.connect(); await light.connect();
  const seen = [];
  const errors = [];
  const sub = await app.receiveLightMeasurement((m) => seen.push(m), (e) => errors.push(e));
  await light.peer.receiveLightMeasurement({ id: 3, lumens: 120, sentAt: SENT_AT }, { parameters: { streetlightId: 's3' } });
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(errors.length, 0, String(errors[0]));
  assert.equal(seen.length, 1);
  assert.deepEqual(seen[0].payload, { id: 3, lumens: 120, sentAt: SENT_AT });
  assert.deepEqual(seen[0].parameters, { streetlightId: 's3' });
  await sub.unsubscribe();
});

test('tsproto_memory_invalid_message_should_go_to_the_error_callback_not_the_handler', async () => {
  const bus = new MemoryBus();
  const app = new StreetlightsMqttApiClient({ transport: new MemoryTransport(bus, 'mqtt') });
  const raw = new MemoryTransport(bus, 'mqtt');
  await app.connect(); await raw.connect();
  const seen = [];
  const errors = [];
  await app.receiveLightMeasurement((m) => seen.push(m), (e) => errors.push(e));
  const topic = 'smartylighting/streetlights/1/0/event/s1/lighting/measured';
  await raw.publish(topic, new TextEncoder().encode('{"id": -1, "lumens": "bright"}'), {});
  await raw.publish(topic, new TextEncoder().encode('{not json'), {});
  await raw.publish(topic, new Uint8Array([0xff, 0xfe]), {});
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(seen.length, 0);
  assert.equal(errors.length, 3);
  for (const e of errors) assert.ok(e instanceof ReceiveError, String(e));
  assert.deepEqual(errors[0].errors.map((p) => p.path).sort(), ['/id', '/lumens']);
  assert.equal(errors[0].address, topic);
  assert.match(errors[1].errors[0].message, /not JSON/);
});

test('tsproto_memory_send_should_refuse_an_invalid_payload_before_publishing', async () => {
  const [pub, sub] = pair();
  await pub.connect(); await sub.connect();
  const seen = [];
  await sub.peer.turnOn((m) => seen.push(m), () => undefined);
  await assert.rejects(pub.turnOn({ command: 'sideways', sentAt: SENT_AT }, { parameters: { streetlightId: 'x' } }),
    (e) => e instanceof ValidationError && e.path === '/command');
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(seen.length, 0);
});

test('tsproto_memory_mqtt_parameters_should_refuse_topic_characters', async () => {
  const [pub] = pair('mqtt');
  await pub.connect();
  for (const bad of ['a/b', 'a+', '#', '', 'a\0b']) {
    await assert.rejects(pub.turnOn({ command: 'on' }, { parameters: { streetlightId: bad } }),
      (e) => e instanceof ParameterError && e.parameter === 'streetlightId', JSON.stringify(bad));
  }
  await assert.rejects(pub.turnOn({ command: 'on' }, { parameters: {} }), ParameterError);
});

test('tsproto_memory_kafka_parameters_should_refuse_characters_outside_the_topic_alphabet', async () => {
  const [pub] = pair('kafka');
  await pub.connect();
  await assert.rejects(pub.turnOn({ command: 'on' }, { parameters: { streetlightId: 'a b' } }), ParameterError);
  await assert.rejects(pub.turnOn({ command: 'on' }, { parameters: { streetlightId: 'é' } }), ParameterError);
});

test('tsproto_memory_path_parameters_should_be_percent_encoded_and_decoded', async () => {
  const [pub, sub] = pair('ws');
  await pub.connect(); await sub.connect();
  const it = sub.peer.turnOnIterator();
  await pub.turnOn({ command: 'on' }, { parameters: { streetlightId: 'a/b c%' } });
  const m = (await next(it)).value;
  assert.equal(m.address, 'smartylighting/streetlights/1/0/action/a%2Fb%20c%25/turn/on');
  assert.deepEqual(m.parameters, { streetlightId: 'a/b c%' });
  await it.return();
});

test('tsproto_memory_closed_transport_should_give_a_transport_error', async () => {
  const [pub] = pair();
  await pub.connect();
  await pub.close();
  await assert.rejects(pub.turnOn({ command: 'on' }, { parameters: { streetlightId: 'x' } }), TransportError);
});

test('tsproto_config_should_fill_server_variables_and_check_their_enum', () => {
  assert.deepEqual(StreetlightsMqttApiClient.serverUrl({}), { url: 'mqtt://test.mosquitto.org:1883', protocol: 'mqtt' });
  assert.equal(StreetlightsMqttApiClient.serverUrl({ variables: { port: '8883' } }).url, 'mqtt://test.mosquitto.org:8883');
  assert.throws(() => StreetlightsMqttApiClient.serverUrl({ variables: { port: '1' } }), ConfigError);
  assert.throws(() => StreetlightsMqttApiClient.serverUrl({ server: 'nope' }), ConfigError);
  assert.deepEqual(StreetlightsMqttApiClient.serverUrl({ url: 'mqtts://h:1' }), { url: 'mqtts://h:1', protocol: 'mqtts' });
  process.env.STREETLIGHTS_MQTT_API_SERVER_URL = 'mqtt://127.0.0.1:1';
  const c = StreetlightsMqttApiClient.fromEnv();
  assert.equal(c.transport.constructor.name, 'MqttTransport');
  delete process.env.STREETLIGHTS_MQTT_API_SERVER_URL;
});
