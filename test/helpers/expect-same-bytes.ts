import { expect } from 'vitest';

/**
 * Asserts two byte buffers are identical. toEqual compares a Buffer element by element through the
 * generic deep-equality walk (seconds for a video file); this compares natively and, on a mismatch,
 * names the lengths and the first differing offset.
 */
export function expectSameBytes(actual: Uint8Array, expected: Uint8Array): void {
  if (Buffer.from(actual.buffer, actual.byteOffset, actual.byteLength).equals(expected)) return;
  let at = 0;
  while (at < actual.length && at < expected.length && actual[at] === expected[at]) at++;
  expect.fail(`bytes differ at offset ${at} (lengths ${actual.length} and ${expected.length})`);
}
