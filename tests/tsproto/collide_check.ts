// Copied into src/ of the package generated from tests/tsproto/collide.yaml
// (types named LampClient, Transport, Reply) and compiled with tsc --strict:
// the package's LampClient is the client class (the catalogue's LampClient
// stays in types.ts: index.ts names the class explicitly), Transport and
// Reply are escaped (reserved in target.yaml); both are usable side by side.
import { LampClient, MemoryTransport } from './index.js';
import type { Transport } from './index.js';
import * as types from './types.js';

const transport: Transport = new MemoryTransport();
const client = new LampClient({ transport });
const payload: types.LampClient = { on: true, transport: { kind: 'x' } as types.Transport_, reply: { text: 't' } as types.Reply_ };
export async function use(): Promise<void> {
  await client.connect();
  await client.sendState(payload, { parameters: { id: 'lamp-1' } });
  // @ts-expect-error: the channel has a parameter, so parameters are required
  await client.sendState(payload);
}
