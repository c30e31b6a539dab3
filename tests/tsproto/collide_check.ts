// Copied into src/ of the package generated from tests/tsproto/collide.yaml
// (types named LampClient, LampClientError, LampClientHttp, Transport, Reply)
// and compiled with tsc --strict: the package's LampClient is the client
// class, LampClientError its error base; the catalogue's types are escaped
// (target.yaml reserved and reserved_catalogue: LampClient_, Transport_...);
// both are usable side by side.
import { LampClient, LampClientError, LampClientHttp, MemoryTransport } from './index.js';
import type { Transport } from './index.js';
import * as types from './types.js';

const transport: Transport = new MemoryTransport();
const client = new LampClient({ transport });
const payload: types.LampClient_ = { on: true, transport: { kind: 'x' } as types.Transport_, reply: { text: 't' } as types.Reply_,
  error: { code: 1 } as types.LampClientError_, http: { url: 'u' } as types.LampClientHttp_ };
export const isClientError = (e: unknown): boolean => e instanceof LampClientError;
export const jobClient = (): LampClientHttp => new LampClientHttp({ baseUrl: 'http://127.0.0.1:1' });
export async function use(): Promise<void> {
  await client.connect();
  await client.sendState(payload, { parameters: { id: 'lamp-1' } });
  // @ts-expect-error: the channel has a parameter, so parameters are required
  await client.sendState(payload);
}
