// The client generated from tests/catalogues/rpc-ws-3.0.yaml (CLIENT)
// against tests/server/wsrelay.py (WS_URL) through the WebSocket adapter
// (npm ws). PY: a python3 with websockets, for a private relay to kill.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';

const lib = await import(pathToFileURL(process.env.CLIENT).href);
const { QuotesWebSocketApiClient: Client, ReceiveError, TransportError, TimeoutError, ConfigError } = lib;
const settle = (ms = 200) => new Promise((r) => setTimeout(r, ms));
const within = (p, ms = 5000) => Promise.race([p, new Promise((_, r) => setTimeout(() => r(new Error('nothing in time')), ms))]);
const clients = [];
async function client(url = process.env.WS_URL, options = {}) {
  const c = new Client({ url, ...options });
  await c.connect();
  clients.push(c);
  return c;
}
test.after(async () => { for (const c of clients) await c.close(); });

test('tsproto_ws_round_trip_should_carry_every_message_type_with_parameters', async () => {
  const pub = await client();
  const sub = await client();
  const quotes = sub.receiveQuoteIterator({ parameters: { symbol: 'A B/C' } });
  const orders = sub.receiveOrderIterator();
  await settle();
  await pub.publishQuote({ symbol: 'ACME', price: 12.5, at: '2026-01-05T09:30:00Z' }, { parameters: { symbol: 'A B/C' } });
  await pub.placeOrder({ symbol: 'ACME', side: 'buy', quantity: 10, note: 'for the "long" book */ \\ ok' });
  const q = (await within(quotes.next())).value;
  assert.deepEqual([q.message, q.payload.price, q.parameters.symbol, q.address], ['quote', 12.5, 'A B/C', '/quotes/A%20B%2FC']);
  assert.deepEqual(q.headers, {});
  const o = (await within(orders.next())).value;
  assert.deepEqual(o.payload, { symbol: 'ACME', side: 'buy', quantity: 10, note: 'for the "long" book */ \\ ok' });
  await quotes.return(); await orders.return();
});

test('tsproto_ws_invalid_message_should_be_reported_not_delivered', async () => {
  const app = await client();
  const raw = new lib.WsTransport({ url: process.env.WS_URL });
  await raw.connect();
  const seen = [];
  const errors = [];
  await app.receiveOrder((m) => seen.push(m), (e) => errors.push(e));
  await settle();
  await raw.publish('/orders', new TextEncoder().encode('{"symbol": "acme", "side": "hold", "quantity": 0}'), {});
  await raw.publish('/orders', new TextEncoder().encode('{"symbol":'), {});
  for (let i = 0; i < 50 && errors.length < 2; i++) await settle(50);
  await raw.close();
  assert.equal(seen.length, 0);
  assert.equal(errors.length, 2);
  assert.ok(errors.every((e) => e instanceof ReceiveError));
  assert.deepEqual(errors[0].errors.map((p) => p.path).sort(), ['/quantity', '/side', '/symbol']);
});

test('tsproto_ws_subscription_without_parameters_should_be_refused', async () => {
  const app = await client();
  await assert.rejects(app.receiveQuote(() => undefined, () => undefined), ConfigError);
});

test('tsproto_ws_request_should_get_the_reply_correlated_in_the_payload', async () => {
  const desk = await client();
  const trader = await client();
  const answering = await desk.answerPrice((req) => ({ payload: { requestId: 'ignored-by-copy', symbol: req.payload.symbol, price: req.payload.symbol.length } }), (e) => { throw e; });
  await settle();
  const [a, b] = await Promise.all([trader.askPrice({ symbol: 'AB' }, { timeout: 5000 }), trader.askPrice({ symbol: 'ABCD' }, { timeout: 5000 })]);
  assert.deepEqual([a.payload.price, b.payload.price], [2, 4]);
  assert.notEqual(a.payload.requestId, b.payload.requestId);
  const mine = await trader.askPrice({ symbol: 'X', requestId: 'req-7' }, { timeout: 5000 });
  assert.equal(mine.payload.requestId, 'req-7');
  await answering.unsubscribe();
});

test('tsproto_ws_request_without_responder_should_time_out_cleanly', async () => {
  const trader = await client();
  const t0 = Date.now();
  await assert.rejects(trader.askPrice({ symbol: 'ZZ' }, { timeout: 300 }), TimeoutError);
  assert.ok(Date.now() - t0 < 3000);
});

test('tsproto_ws_relay_going_away_should_give_a_typed_error', { skip: !process.env.PY && 'no python3 with websockets' }, async () => {
  const portFile = `${process.env.TMPDIR_TEST}/ws-private.port`;
  fs.rmSync(portFile, { force: true });
  const relay = spawn(process.env.PY, [process.env.RELAY, '--port-file', portFile, '--max-seconds', '60'], { stdio: 'ignore' });
  try {
    for (let i = 0; i < 100 && !(fs.existsSync(portFile) && fs.readFileSync(portFile, 'utf8').trim()); i++) await settle(50);
    const url = `ws://127.0.0.1:${fs.readFileSync(portFile, 'utf8').trim()}`;
    const errors = [];
    const c = await client(url, { onError: (e) => errors.push(e) });
    await c.receiveOrder(() => undefined, () => undefined);
    await c.placeOrder({ symbol: 'ACME', side: 'sell', quantity: 1 });
    relay.kill('SIGKILL');
    for (let i = 0; i < 50 && errors.length === 0; i++) await settle(50);
    assert.ok(errors.length > 0 && errors.every((e) => e instanceof TransportError), `onError got ${errors.map(String)}`);
    await assert.rejects(c.placeOrder({ symbol: 'ACME', side: 'sell', quantity: 1 }), TransportError);
    // A new client finds nobody listening: a TransportError on its first publish.
    const fresh = new Client({ url });
    await fresh.connect();
    await assert.rejects(fresh.placeOrder({ symbol: 'ACME', side: 'sell', quantity: 1 }), TransportError);
  } finally {
    relay.kill('SIGKILL');
  }
});
