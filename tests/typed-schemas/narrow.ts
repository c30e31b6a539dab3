// tsc --strict on the types of tests/golden/const-union: tagged unions narrow
// by their tag, const members are literal types, tuples are positional. Each
// `@ts-expect-error` must meet an error (tsc fails on an unused one), so a
// type that got wider (string instead of "heartbeat") fails this file.
import type { DeviceEvent, Heartbeat, Method, Payment, Quoted, Reading, Tags } from './types.js';

// A switch on the tag narrows; without narrowing, `uptime`/`position` would be
// errors, and a case missed would make the function fall off its end.
export function describe(e: DeviceEvent): string {
  switch (e.type) {
    case 'heartbeat':
      return `up ${e.uptime ?? 0}`;
    case 'reading':
      return `at ${e.position[0].toFixed(1)},${e.position[1].toFixed(1)}`;
  }
}

export function wrongAccess(e: DeviceEvent): unknown {
  if (e.type === 'heartbeat') {
    // @ts-expect-error a Heartbeat has no position
    return e.position;
  }
  // @ts-expect-error there is no third tag
  if (e.type === 'tick') return null;
  return e.labels;
}

// The discriminator with a mapping: "bank-transfer" names Transfer, whose
// schema does not declare the tag.
export function pay(m: Method): string {
  switch (m.kind) {
    case 'card':
      return m.last4;
    case 'bank-transfer':
      return m.iban;
  }
}

// @ts-expect-error a const member takes only its value
export const badType: Heartbeat = { type: 'reading', seq: 1, source: 'sensor "A" */ ${x}' };
// The const text keeps its quotes, comment closer and ${: exact.
export const good: Heartbeat = { type: 'heartbeat', seq: 1, source: 'sensor "A" */ ${x}' };
// @ts-expect-error a tuple of two numbers: one is too few
export const short: Reading['position'] = [1];
export const pos: Reading['position'] = [1, 2];
// @ts-expect-error positions have their own types (draft-07 items list)
export const badRange: Payment['range'] = ['a', 1];
export const range: Payment['range'] = [1, 'a', true, false];
// A multi-type member: string or integer.
export const ids: NonNullable<Reading['id']>[] = ['a', 1];
// @ts-expect-error not a boolean
export const badId: Reading['id'] = true;

// Tags that are not identifiers narrow by their exact text.
export function quoted(q: Quoted): number {
  switch (q.q) {
    case 'say "hi" */':
      return 0;
    case 'back\\slash ${x}':
      return q.n;
    case 'line\nbreak':
      return 2;
  }
}

// A declared patternProperties map: its values are typed.
export const tags: Tags = { red: 1 };
// @ts-expect-error values are integers
export const badTags: Tags = { red: 'x' };
